import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { type Ev, TestClient } from "./support/ws_client.ts";

const errors = (events: ServerEvent[]): Ev<"error">[] =>
  events.filter((e): e is Ev<"error"> => e.type === "error");

Deno.test("a refused post, batch or approval answer gets an error naming it (post_id, batch_id, request_id)", async () => {
  await using engine = await testEngine({ maxMessageBytes: 100 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });

  client.post("big", "x".repeat(200));
  const tooLarge = await client.next("error");
  assert.equal(tooLarge.data.code, "message_too_large");
  assert.equal(tooLarge.data.post_id, "big");
  assert.equal(tooLarge.logged, false);

  client.send({
    type: "post_batch",
    batch_id: "b-bad",
    messages: [
      { post_id: "ok-1", content: { kind: "text", text: "fine" } },
      { post_id: "f", content: { kind: "file", mime_type: "text/plain", data_base64: "%%%" } },
    ],
  });
  const badBase64 = await client.next("error");
  assert.equal(badBase64.data.code, "invalid_frame");
  assert.equal(badBase64.data.batch_id, "b-bad");
  assert.equal(badBase64.data.post_id, undefined, "a batch is named by its batch_id");

  client.send({ type: "post", message: { post_id: "no-content" } });
  const invalid = await client.next("error");
  assert.equal(invalid.data.code, "invalid_frame");
  assert.equal(invalid.data.post_id, "no-content", "even a frame that fails validation is named");

  client.send({ type: "approval_response", request_id: "approval_nope", approved: true });
  const unknown = await client.next("error");
  assert.equal(unknown.data.code, "approval_not_found");
  assert.equal(unknown.data.request_id, "approval_nope");

  client.post("p-ok", "small");
  const read = await client.until((e) => e.type === "message_posted");
  assert.deepEqual(errors(read), [], "nothing else was refused");
  assert.equal(read.filter((e) => e.type === "message_posted" || e.type === "messages_posted").length, 1);
  await client.close();
});

Deno.test("rate-limited posts, batches, approval answers and terminates each get rate_limited with retry_after_ms", async () => {
  // A near-zero refill makes the budget exact: agent creation takes 1 of 6 tokens, five pings take
  // the rest, and every later frame is refused (5 refusals stay below the flood close).
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 0.001, burst: 6 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  for (let i = 0; i < 5; i++) client.send({ type: "ping", nonce: String(i) });
  await client.until((e) => e.type === "pong" && e.data.nonce === "4");

  client.post("p1", "one");
  client.post("p2", "two");
  client.send({
    type: "post_batch",
    batch_id: "b1",
    messages: [{ post_id: "p3", content: { kind: "text", text: "three" } }],
  });
  client.send({ type: "approval_response", request_id: "approval_1", approved: true });
  client.send({ type: "terminate" });
  const refused: Ev<"error">[] = [];
  while (refused.length < 5) refused.push(await client.next("error"));
  assert.ok(refused.every((e) => e.data.code === "rate_limited" && e.data.fatal === undefined));
  assert.ok(refused.every((e) => (e.data.retry_after_ms ?? 0) > 0), "each says when to send it again");
  assert.deepEqual(
    refused.map((e) => e.data.post_id ?? e.data.batch_id ?? e.data.request_id ?? null),
    ["p1", "p2", "b1", "approval_1", null],
  );
  assert.match(refused[0]?.data.error ?? "", /was not applied: send it again after \d+ ms/);
  assert.deepEqual(
    client.drain().filter((e) => e.type !== "error"),
    [],
    "nothing was applied: no acknowledgement, no turn, no terminate",
  );
  assert.equal(client.isClosed, false);
  await client.close();
});
