/**
 * One valid example of every frame, typed with the generated types. The mapped types make the
 * compiler reject this file when a frame type is added to the schema without an example here.
 */
import type { ClientFrame, ServerEvent } from "../../src/generated/protocol.ts";

const ts = "2026-11-22T12:00:00.000Z";
const session_id = "ses_1";

/** A valid example of every server event, keyed by type. */
export const serverExamples: { [T in ServerEvent["type"]]: Extract<ServerEvent, { type: T }> } = {
  message_delta: {
    type: "message_delta",
    seq: 5,
    logged: true,
    session_id,
    message_id: "msg_a",
    ts,
    data: { delta: "The", index: 0 },
  },
  message_complete: {
    type: "message_complete",
    seq: 9,
    logged: true,
    session_id,
    message_id: "msg_a",
    ts,
    data: { text: "The end.", status: "complete", post_ids: ["p1"] },
  },
  message_streaming: {
    type: "message_streaming",
    seq: 4,
    logged: true,
    session_id,
    message_id: "msg_a",
    ts,
    data: { role: "assistant", post_ids: ["p1"] },
  },
  tool_call: {
    type: "tool_call",
    seq: 6,
    logged: true,
    session_id,
    ts,
    data: {
      call_id: "call_1",
      tool_name: "calc",
      tool_type: "calculator",
      arguments: { expression: "2+2" },
      status: "running",
    },
  },
  tool_result: {
    type: "tool_result",
    seq: 7,
    logged: true,
    session_id,
    ts,
    data: { call_id: "call_1", tool_name: "calc", status: "success", result: "4" },
  },
  thinking: { type: "thinking", seq: 3, logged: true, session_id, ts, data: { summary: "Planning." } },
  search_result: {
    type: "search_result",
    seq: 8,
    logged: true,
    session_id,
    ts,
    data: {
      call_id: "call_2",
      query: "apollo",
      results: [{ document_id: "doc_1", title: "Apollo 11", snippet: "landed", score: 1.5 }],
    },
  },
  approval_request: {
    type: "approval_request",
    seq: 10,
    logged: true,
    session_id,
    ts,
    data: {
      request_id: "apr_1",
      call_id: "call_3",
      tool_name: "search",
      tool_id: "tool_1",
      tool_type: "knowledge_search",
      arguments: { query: "x" },
    },
  },
  reauth_request: {
    type: "reauth_request",
    seq: 11,
    logged: true,
    session_id,
    ts,
    data: { tool_name: "gmail", provider: "google" },
  },
  error: {
    type: "error",
    seq: 2,
    logged: false,
    session_id,
    ts,
    data: {
      error: "Bad frame.",
      code: "invalid_frame",
      details: { issues: [{ path: "type", message: "Required" }] },
    },
  },
  participant_status: {
    type: "participant_status",
    seq: 2,
    logged: true,
    session_id,
    ts,
    data: { participant: "assistant", status: "thinking" },
  },
  session_created: {
    type: "session_created",
    seq: 1,
    logged: true,
    session_id,
    ts,
    data: { agent_id: "agt_1" },
  },
  session_connected: {
    type: "session_connected",
    seq: 0,
    logged: false,
    session_id,
    ts,
    data: {
      protocol_version: 1,
      resumed: false,
      replay_from_seq: 0,
      head_seq: 0,
      agent_id: "agt_1",
      model: { provider: "simulator", model_id: "offline-simulator-1", simulated: true },
      heartbeat_interval_ms: 15000,
      limits: { max_frame_bytes: 8388608, retained_events: 10000 },
    },
  },
  message_posted: {
    type: "message_posted",
    seq: 2,
    logged: true,
    session_id,
    message_id: "msg_u",
    ts,
    data: { post_id: "p1", duplicate: false },
  },
  messages_posted: {
    type: "messages_posted",
    seq: 2,
    logged: true,
    session_id,
    ts,
    data: { batch_id: "b1", post_ids: ["p1", "p2"], message_ids: ["m1", "m2"], duplicate: false },
  },
  pong: { type: "pong", seq: 3, logged: false, session_id, ts, data: { nonce: "n1" } },
  resync_required: {
    type: "resync_required",
    seq: 50,
    logged: false,
    session_id,
    ts,
    data: { last_seq: 2, oldest_retained_seq: 10, head_seq: 50 },
  },
  turn_cancelled: { type: "turn_cancelled", seq: 12, logged: true, session_id, ts, data: { reason: "user" } },
  session_terminated: { type: "session_terminated", seq: 13, logged: true, session_id, ts, data: {} },
};

/** A valid example of every client frame, keyed by type. */
export const clientExamples: { [T in ClientFrame["type"]]: Extract<ClientFrame, { type: T }> } = {
  hello: { type: "hello", protocol_version: 1, api_key: "vs-key", target: { session_id, last_seq: 4 } },
  post: { type: "post", message: { post_id: "p1", content: { kind: "text", text: "Hello" } } },
  post_batch: {
    type: "post_batch",
    batch_id: "b1",
    messages: [
      { post_id: "p1", content: { kind: "text", text: "Read this" } },
      {
        post_id: "p2",
        content: { kind: "file", mime_type: "text/plain", filename: "a.txt", data_base64: "aGk=" },
      },
    ],
  },
  approval_response: {
    type: "approval_response",
    request_id: "apr_1",
    approved: true,
    confirm: { num_results: 3 },
  },
  cancel_turn: { type: "cancel_turn" },
  terminate: { type: "terminate", reason: "done" },
  ping: { type: "ping", nonce: "n1" },
};
