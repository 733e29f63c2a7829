import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { PROTOCOL_VERSION, SERVER_EVENT_TYPES } from "../../src/generated/protocol_schema.ts";
import { serverExamples } from "./examples.ts";

/** The 16 event types the VectorShift SDK documents (SessionEventType). */
const DOCUMENTED_EVENT_TYPES = [
  "message_delta",
  "message_complete",
  "message_streaming",
  "tool_call",
  "tool_result",
  "thinking",
  "search_result",
  "approval_request",
  "reauth_request",
  "error",
  "participant_status",
  "session_created",
  "session_connected",
  "message_posted",
  "messages_posted",
  "pong",
] as const;

// Compile-time proof that every documented type is a member of the generated union.
type Documented = typeof DOCUMENTED_EVENT_TYPES[number];
const _documentedAreInUnion: Documented extends ServerEvent["type"] ? true : never = true;

/** An exhaustive switch: adding an event type to the schema without handling it fails type checking. */
function describe(event: ServerEvent): string {
  switch (event.type) {
    case "message_delta":
      return event.data.delta;
    case "message_complete":
      return event.data.text;
    case "message_streaming":
      return event.data.role;
    case "tool_call":
    case "tool_result":
      return event.data.tool_name;
    case "thinking":
      return event.data.summary;
    case "search_result":
      return event.data.query;
    case "approval_request":
      return event.data.request_id;
    case "reauth_request":
      return event.data.provider;
    case "error":
      return event.data.code;
    case "participant_status":
      return event.data.status;
    case "session_created":
      return event.data.agent_id;
    case "session_connected":
      return String(event.data.protocol_version);
    case "message_posted":
      return event.data.post_id;
    case "messages_posted":
      return event.data.batch_id;
    case "pong":
      return event.data.nonce ?? "";
    case "resync_required":
      return String(event.data.oldest_retained_seq);
    case "turn_cancelled":
    case "session_terminated":
      return event.data.reason ?? "";
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

Deno.test("the event union covers all 16 documented event types", () => {
  for (const type of DOCUMENTED_EVENT_TYPES) assert.ok(SERVER_EVENT_TYPES.includes(type), type);
  assert.equal(_documentedAreInUnion, true);
});

Deno.test("the runtime list of event types matches the generated union exactly", () => {
  assert.deepEqual([...SERVER_EVENT_TYPES].sort(), Object.keys(serverExamples).sort());
  for (const example of Object.values(serverExamples)) assert.equal(typeof describe(example), "string");
});

Deno.test("the protocol version is a single positive integer", () => {
  assert.equal(PROTOCOL_VERSION, 1);
});
