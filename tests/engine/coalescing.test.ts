import assert from "node:assert/strict";
import { resolveOptions } from "../../src/engine/options.ts";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { type Ev, TestClient } from "./support/ws_client.ts";

const completes = (events: ServerEvent[]): Ev<"message_complete">[] =>
  events.filter((e): e is Ev<"message_complete"> => e.type === "message_complete");
const isIdle = (e: ServerEvent) => e.type === "participant_status" && e.data.status === "idle";

Deno.test("cancel_turn right after a post cancels it in the coalescing window, before its turn starts", async () => {
  // A long window makes sure the cancel arrives while the post still waits for its turn.
  await using engine = await testEngine({ coalesceMs: 5_000 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await client.next("session_created");
  client.post("p1", "Write a long essay.");
  client.send({ type: "cancel_turn", reason: "changed my mind" });
  const events = await client.until((e) => e.type === "message_complete");
  assert.deepEqual(events.map((e) => e.type), [
    "message_posted",
    "turn_cancelled",
    "message_streaming",
    "message_complete",
  ]);
  const [, cancelled, streaming, complete] = events;
  assert.ok(cancelled?.type === "turn_cancelled" && cancelled.data.reason === "changed my mind");
  assert.ok(complete?.type === "message_complete");
  assert.equal(complete.data.status, "cancelled");
  assert.deepEqual(complete.data.post_ids, ["p1"]);
  assert.ok(streaming?.message_id === complete.message_id && cancelled.message_id === complete.message_id);

  client.send({ type: "ping", nonce: "after" });
  assert.deepEqual(
    (await client.until((e) => e.type === "pong")).map((e) => e.type),
    ["pong"],
    "no turn ran",
  );
  await client.close();
});

Deno.test("cancel_turn during a turn also cancels posts waiting for the next one, after the running turn", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 200 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("a", "Write a long essay about the history of computing.");
  await client.next("message_delta");
  client.post("b", "And another one.");
  await client.next("message_posted");
  client.send({ type: "cancel_turn" });
  const events = await client.until((e) => e.type === "message_complete" && e.data.post_ids[0] === "b");
  const done = completes(events);
  assert.deepEqual(done.map((e) => [e.data.post_ids, e.data.status]), [[["a"], "cancelled"], [
    ["b"],
    "cancelled",
  ]]);
  assert.equal(events.filter((e) => e.type === "turn_cancelled").length, 2);
  const idle = events.findIndex(isIdle);
  assert.ok(idle >= 0 && idle < events.indexOf(done[1] as ServerEvent), "the running turn ends first");

  client.post("c", "Hello again");
  const next = completes(await client.until((e) => e.type === "message_complete"));
  assert.equal(next[0]?.data.status, "complete", "the session stays usable");
  await client.close();
});

Deno.test("the coalescing window is bounded: posts arriving back to back forever still get turns", async () => {
  // Each post arrives well within the 5 s window of the previous one; without the 100 ms bound the
  // first turn would wait for the last post.
  await using engine = await testEngine({ coalesceMs: 5_000, coalesceMaxMs: 100 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const ids = Array.from({ length: 12 }, (_, i) => `p${i}`);
  for (const id of ids) {
    client.post(id, `Question ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const answered: string[] = [];
  const turns: string[][] = [];
  while (answered.length < ids.length) {
    const complete = await client.next("message_complete");
    assert.equal(complete.data.status, "complete");
    turns.push(complete.data.post_ids);
    answered.push(...complete.data.post_ids);
  }
  assert.deepEqual(answered, ids, "every post answered once, in order");
  assert.ok(turns.length >= 2, `more than one turn: ${JSON.stringify(turns)}`);
  await client.close();
});

Deno.test("coalesceMaxMs defaults to ten coalescing windows", () => {
  assert.equal(resolveOptions({}, () => "k").coalesceMaxMs, 400);
  assert.equal(resolveOptions({ coalesceMs: 15 }, () => "k").coalesceMaxMs, 150);
  assert.throws(
    () => resolveOptions({ coalesceMaxMs: -1 }, () => "k"),
    /coalesceMaxMs must be a number >= 0/,
  );
});

Deno.test("posts that arrived during a turn start the next turn as soon as it ends, together, without a fresh window", async () => {
  // A window far longer than the turn: a fresh one after the turn would hold the next turn for 5 s.
  await using engine = await testEngine({
    coalesceMs: 5_000,
    coalesceMaxMs: 5_000,
    offlineModel: { tokensPerSecond: 400 },
  });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.send({
    type: "post_batch",
    batch_id: "first",
    messages: [{
      post_id: "a",
      content: { kind: "text", text: "Write a short essay about the history of computing." },
    }],
  });
  await client.next("message_delta");
  client.post("b", "What is 2 + 2?");
  client.post("c", "And 3 + 3?");
  const events = await client.until((e) => e.type === "message_complete" && e.data.post_ids.includes("b"));
  const [first, second] = completes(events);
  assert.deepEqual(first?.data.post_ids, ["a"]);
  assert.deepEqual(second?.data.post_ids, ["b", "c"], "both waiting posts are answered by one turn");
  const firstEnd = Date.parse(first!.ts);
  const nextStart = Date.parse(
    events.find((e) => e.type === "message_streaming" && e.data.post_ids.includes("b"))!.ts,
  );
  assert.ok(
    nextStart - firstEnd < 2_500,
    `the next turn started ${nextStart - firstEnd} ms after the first ended`,
  );
  await client.close();
});
