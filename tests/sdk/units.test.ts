/** Small pieces without an engine: queue, backoff, close codes, base64, constants, timeouts. */
import assert from "node:assert/strict";
import {
  AgentType,
  ApiTimeoutError,
  SessionEventType,
  ToolApprovalConfig,
  ToolInputType,
} from "../../mod.ts";
import { EventQueue } from "../../src/internal/event_queue.ts";
import { backoffDelay, reconnectPolicy } from "../../src/reconnect.ts";
import { toBase64 } from "../../src/content.ts";
import { request } from "../../src/http.ts";
import { SERVER_EVENT_TYPES } from "../../src/generated/protocol_schema.ts";

Deno.test("EventQueue: bounded, one overflow marker per episode, close and fail (once) after queued items, waits in order", async () => {
  const queue = new EventQueue<string>({ maxSize: 2, onOverflow: (dropped) => `overflow(${dropped})` });
  assert.equal(queue.push("a"), true);
  assert.equal(queue.push("b"), true);
  assert.equal(queue.push("c"), false);
  assert.equal(queue.push("d"), false);
  assert.equal(queue.dropped, 2);
  const taken = [];
  for (let i = 0; i < 3; i++) taken.push((await queue.next()).value);
  assert.deepEqual(taken, ["a", "b", "overflow(c)"]);
  queue.push("e");
  queue.fail(new Error("boom"));
  assert.equal((await queue.next()).value, "e");
  await assert.rejects(queue.next(), /boom/);

  const closing = new EventQueue<number>({ maxSize: 0 });
  const waiting = closing.next();
  closing.close();
  assert.deepEqual(await waiting, { done: true, value: undefined });

  await assert.rejects(
    queue.next().then((r) => assert.equal(r.done, true)).then(() => {
      throw new Error("after failing once it is done");
    }),
    /after failing once it is done/,
  );

  const aborting = new EventQueue<number>({ maxSize: 0 });
  const pending = aborting.next();
  aborting.interrupt(new Error("stop"));
  await assert.rejects(pending, /stop/);
  aborting.push(1);
  assert.equal((await aborting.next()).value, 1, "an interrupted wait loses nothing");

  const twice = new EventQueue<number>({ maxSize: 0 });
  const first = twice.next();
  const second = twice.next();
  twice.push(1);
  twice.push(2);
  assert.deepEqual([(await first).value, (await second).value], [1, 2], "waits are served in order");
});

Deno.test("backoff: full jitter under an exponential bound, capped, with a floor", () => {
  const policy = reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2 });
  assert.equal(policy.maxRetries, 8);
  assert.equal(backoffDelay(policy, 1, 0, () => 0.999), 99);
  assert.equal(backoffDelay(policy, 3, 0, () => 0.5), 200);
  assert.equal(backoffDelay(policy, 10, 0, () => 0.999), 999);
  assert.equal(backoffDelay(policy, 1, 1000, () => 0), 1000);
});

Deno.test("base64 matches the standard alphabet with padding", () => {
  const enc = (s: string) => toBase64(new TextEncoder().encode(s));
  assert.deepEqual(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map(enc), [
    "",
    "Zg==",
    "Zm8=",
    "Zm9v",
    "Zm9vYg==",
    "Zm9vYmE=",
    "Zm9vYmFy",
  ]);
  const big = new Uint8Array(100_000).map((_, i) => i % 256);
  const decoded = Uint8Array.from(atob(toBase64(big)), (c) => c.charCodeAt(0));
  assert.deepEqual(decoded, big);
});

Deno.test("constants come from the schema: 16 documented event types plus the protocol's own", () => {
  const documented = [
    "MESSAGE_DELTA",
    "MESSAGE_COMPLETE",
    "MESSAGE_STREAMING",
    "TOOL_CALL",
    "TOOL_RESULT",
    "THINKING",
    "SEARCH_RESULT",
    "APPROVAL_REQUEST",
    "REAUTH_REQUEST",
    "ERROR",
    "PARTICIPANT_STATUS",
    "SESSION_CREATED",
    "SESSION_CONNECTED",
    "MESSAGE_POSTED",
    "MESSAGES_POSTED",
    "PONG",
  ] as const;
  for (const name of documented) assert.equal(SessionEventType[name], name.toLowerCase());
  assert.deepEqual(Object.values(SessionEventType), [...SERVER_EVENT_TYPES]);
  assert.equal(SessionEventType.SESSION_TERMINATED, "session_terminated");
  assert.deepEqual(AgentType, { CONVERSATIONAL: "conversational", FUNCTIONAL: "functional" });
  assert.deepEqual(Object.values(ToolApprovalConfig), ["auto_run", "let_agent_decide", "requires_approval"]);
  assert.deepEqual(ToolInputType, { STATIC: "static", DYNAMIC: "dynamic" });
});

Deno.test("a REST call that gets no answer in time is an ApiTimeoutError", async () => {
  const hung = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await hung.promise;
    return new Response("{}");
  });
  try {
    await assert.rejects(
      request("GET", "/v1/agents", {
        client: { apiKey: "vs-x", baseUrl: `http://127.0.0.1:${server.addr.port}` },
        timeoutMs: 50,
      }),
      (error) => error instanceof ApiTimeoutError && /within 50 ms/.test(error.message),
    );
  } finally {
    hung.resolve();
    await server.shutdown();
  }
});
