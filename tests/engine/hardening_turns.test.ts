/**
 * Regression tests for issue 9, defect 3: one organisation's posts cannot freeze the engine for the
 * others. Posts per turn, messages per session and session memory are bounded, so a turn's work never
 * grows with the square of what was posted.
 */
import assert from "node:assert/strict";
import type { ModelMessage } from "../../src/engine/model.ts";
import { trimMemory } from "../../src/engine/session/memory_window.ts";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

Deno.test("defect 3: 2,000 back-to-back posts become turns of at most maxPostsPerTurn posts, all answered", async () => {
  await using engine = await testEngine({
    apiKeys: ["vs-attacker", "vs-bystander"],
    rateLimit: { framesPerSecond: 100_000, burst: 100_000 },
  });
  const attackerAgent = await createAgent({ url: engine.url, apiKey: "vs-attacker" });
  const bystanderAgent = await createAgent({ url: engine.url, apiKey: "vs-bystander" });
  const { client: attacker } = await TestClient.connect(engine.url, "vs-attacker", {
    agent_id: attackerAgent.id,
  });
  const { client: bystander } = await TestClient.connect(engine.url, "vs-bystander", {
    agent_id: bystanderAgent.id,
  });

  const posts = 2000;
  for (let i = 0; i < posts; i++) {
    attacker.post(`p${i}`, `My name is Alice and I live in Boston, message ${i}.`);
  }
  // The other organisation keeps being served while the attacker's turns run.
  const rtts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const sent = performance.now();
    bystander.send({ type: "ping", nonce: `b${i}` });
    await bystander.until((e) => e.type === "pong" && e.data.nonce === `b${i}`, 10_000);
    rtts.push(performance.now() - sent);
  }

  const answered = new Set<string>();
  while (answered.size < posts) {
    const complete = await attacker.next("message_complete", 60_000);
    const ids = complete.data.post_ids ?? [];
    assert.ok(ids.length <= 32, `a turn answered ${ids.length} posts`);
    for (const id of ids) answered.add(id);
  }
  assert.equal(answered.size, posts);
  // A liveness bound, far above normal (a few ms) and far below the 5.5 s freeze this fixes.
  assert.ok(Math.max(...rtts) < 3000, `bystander round trips: ${rtts.map(Math.round).join(", ")} ms`);
  await attacker.close();
  await bystander.close();
});

Deno.test("a session refuses posts beyond maxSessionMessages with limit_exceeded naming the post", async () => {
  await using engine = await testEngine({ maxSessionMessages: 3 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  for (const id of ["a", "b", "c"]) {
    client.post(id, "hello");
    assert.equal((await client.next("message_posted")).data.post_id, id);
  }
  client.post("d", "one too many");
  const refused = await client.next("error");
  assert.equal(refused.data.code, "limit_exceeded");
  assert.equal(refused.data.post_id, "d");
  assert.match(refused.data.error, /limit of 3 user messages.*Start a new session/);
  // A retry of an applied post is still acknowledged as a duplicate.
  client.post("a", "hello");
  const duplicate = await client.next("message_posted");
  assert.equal(duplicate.data.duplicate, true);
  await client.close();
});

Deno.test("session memory keeps the newest messages within its limits and starts at a user message", () => {
  const user = (text: string): ModelMessage => ({ role: "user", content: [{ kind: "text", text }] });
  const memory: ModelMessage[] = [];
  for (let i = 0; i < 10; i++) {
    memory.push(user(`question ${i}`));
    memory.push({ role: "assistant", text: `answer ${i}`, toolCalls: [] });
    memory.push({ role: "tool", callId: `c${i}`, name: "calc", status: "success", result: "42" });
  }
  trimMemory(memory, { maxMessages: 7, maxBytes: 1_000_000 });
  assert.ok(memory.length <= 7);
  assert.equal(memory[0]?.role, "user");
  assert.deepEqual(memory.at(-1), {
    role: "tool",
    callId: "c9",
    name: "calc",
    status: "success",
    result: "42",
  });

  const big: ModelMessage[] = [user("x".repeat(1000)), user("y".repeat(1000)), user("z".repeat(10))];
  trimMemory(big, { maxMessages: 100, maxBytes: 1100 });
  assert.deepEqual(
    big.map((m) => m.role === "user" && m.content[0]?.kind === "text" ? m.content[0].text[0] : ""),
    [
      "y",
      "z",
    ],
  );
});

Deno.test("session memory replaces the oldest attachments with a note before it drops any words", () => {
  const file = (name: string): ModelMessage => ({
    role: "user",
    content: [
      { kind: "text", text: `here is ${name}` },
      { kind: "file", mime_type: "application/pdf", filename: name, data_base64: "QUFB".repeat(100_000) },
    ],
  });
  const memory: ModelMessage[] = [file("old.pdf"), { role: "assistant", text: "got it" }, file("new.pdf")];
  trimMemory(memory, { maxMessages: 100, maxBytes: 500_000 });
  assert.equal(memory.length, 3, "no message was dropped");
  const first = memory[0]!;
  assert.ok(first.role === "user");
  assert.equal(first.content[0]?.kind === "text" && first.content[0].text, "here is old.pdf");
  assert.match(
    first.content[1]?.kind === "text" ? first.content[1].text : "",
    /old\.pdf \(application\/pdf, 300000 bytes\) was attached here/,
  );
  const last = memory[2]!;
  assert.ok(last.role === "user" && last.content[1]?.kind === "file", "the newest file is kept");
});

Deno.test("posts waiting for their turn are bounded in bytes: one more gets limit_exceeded naming it", async () => {
  await using engine = await testEngine({ maxWaitingBytes: 2048, coalesceMs: 200 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("a", "x".repeat(1500));
  assert.equal((await client.next("message_posted")).data.post_id, "a");
  client.post("b", "y".repeat(1500)); // still within the coalescing window: 3,000 bytes would wait
  const refused = await client.next("error");
  assert.equal(refused.data.code, "limit_exceeded");
  assert.equal(refused.data.post_id, "b");
  assert.match(refused.data.error, /Wait for a message_complete, then send it again/);
  await client.next("message_complete");
  client.post("b", "y".repeat(1500)); // once the turn ran, the same post is accepted
  assert.equal((await client.next("message_posted")).data.post_id, "b");
  await client.close();
});

Deno.test("an approval answer's confirm is bounded: 100 KB of overrides get invalid_frame naming the request", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.send({
    type: "approval_response",
    request_id: "approval_x",
    approved: true,
    confirm: { note: "z".repeat(100_000) },
  });
  const refused = await client.next("error");
  assert.equal(refused.data.code, "invalid_frame");
  assert.equal(refused.data.request_id, "approval_x");
  assert.match(refused.data.error, /at most 65536/);
  await client.close();
});
