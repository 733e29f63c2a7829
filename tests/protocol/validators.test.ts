import assert from "node:assert/strict";
import { isKnownEventType, validateClientFrame, validateServerEvent } from "../../src/protocol/validate.ts";
import { CLIENT_FRAME_TYPES, SERVER_EVENT_TYPES } from "../../src/generated/protocol_schema.ts";
import { clientExamples, serverExamples } from "./examples.ts";

type Frame = Record<string, unknown>;

/** A required top-level field of each frame, and a field whose type we can break. */
function requiredField(frame: Frame): string {
  return "data" in frame ? "data" : Object.keys(frame).find((k) => k !== "type") ?? "type";
}

for (const type of SERVER_EVENT_TYPES) {
  const example = serverExamples[type] as unknown as Frame;

  Deno.test(`server event "${type}": a valid example passes`, () => {
    const result = validateServerEvent(example);
    assert.ok(result.ok, result.ok ? "" : result.error);
  });

  Deno.test(`server event "${type}": a missing field is named`, () => {
    const { seq: _seq, ...rest } = example;
    const result = validateServerEvent(rest);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /seq/);
  });

  Deno.test(`server event "${type}": a wrong type is named`, () => {
    const result = validateServerEvent({ ...example, session_id: 42 });
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /session_id: .*expected string/);
  });

  Deno.test(`server event "${type}": an extra field is rejected and named`, () => {
    const result = validateServerEvent({ ...example, surprise: true });
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /surprise/);
    const data = { ...(example.data as Frame), surprise_in_data: 1 };
    const inData = validateServerEvent({ ...example, data });
    assert.equal(inData.ok, false);
    assert.match(inData.ok ? "" : inData.error, /surprise_in_data/);
  });
}

for (const type of CLIENT_FRAME_TYPES) {
  const example = clientExamples[type] as unknown as Frame;

  Deno.test(`client frame "${type}": a valid example passes`, () => {
    const result = validateClientFrame(example);
    assert.ok(result.ok, result.ok ? "" : result.error);
  });

  Deno.test(`client frame "${type}": an extra field is rejected and named`, () => {
    const result = validateClientFrame({ ...example, surprise: true });
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /surprise/);
  });

  const field = requiredField(example);
  if (field !== "type") {
    Deno.test(`client frame "${type}": a missing required field is named`, () => {
      const { [field]: _dropped, ...rest } = example;
      const result = validateClientFrame(rest);
      // Frames whose only other fields are optional (cancel_turn, terminate, ping) stay valid.
      if (result.ok) return assert.ok(["cancel_turn", "terminate", "ping"].includes(type));
      assert.match(result.error, new RegExp(field));
    });

    Deno.test(`client frame "${type}": a wrong field type is named`, () => {
      const result = validateClientFrame({ ...example, [field]: true });
      assert.equal(result.ok, false);
      assert.match(result.ok ? "" : result.error, new RegExp(`${field}: `));
    });
  }
}

Deno.test("an unknown client frame type is rejected with the list of known types", () => {
  const result = validateClientFrame({ type: "subscribe", topic: "x" });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.error, /Unknown frame type "subscribe"; expected one of: hello, post/);
});

Deno.test("an unknown server event type is reported, and isKnownEventType says so", () => {
  const result = validateServerEvent({ ...serverExamples.pong, type: "future_event" });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.error, /Unknown event type "future_event"/);
  assert.equal(isKnownEventType("future_event"), false);
  assert.equal(isKnownEventType("message_delta"), true);
});

Deno.test("frames that are not objects get a readable message", () => {
  for (const value of [null, 3, "hello", [], { type: 7 }]) {
    const result = validateClientFrame(value);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /JSON object with a string "type" field/);
  }
});

Deno.test("nested problems name the nested field path", () => {
  const hello = { ...clientExamples.hello, target: { session_id: "s", last_seq: -1 } };
  const result = validateClientFrame(hello);
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.error, /target/);
  const post = { type: "post", message: { post_id: "p", content: { kind: "text", text: 5 } } };
  const postResult = validateClientFrame(post);
  assert.equal(postResult.ok, false);
  assert.match(postResult.ok ? "" : postResult.error, /message\.content/);
  const error = { ...serverExamples.error, data: { error: "x", code: "not_a_code" } };
  const errorResult = validateServerEvent(error);
  assert.equal(errorResult.ok, false);
  assert.match(errorResult.ok ? "" : errorResult.error, /data\.code/);
});
