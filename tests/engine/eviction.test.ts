/**
 * Sessions nobody uses leave the engine's memory and come back from the store unchanged: memory follows
 * the sessions in use, not every session the engine has seen.
 */
import assert from "node:assert/strict";
import { createAgent, metric, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

Deno.test("an idle session leaves memory and is restored from the store with its log and memory", async () => {
  await using engine = await testEngine({ idleEvictionMs: 100 });
  const agent = await createAgent(engine);
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = connected.session_id;
  client.post("fact", "My name is Alice and I live in Boston.");
  const complete = await client.next("message_complete");
  await client.close();

  const deadline = performance.now() + 5000;
  while ((await metric(engine, "vectorshift_sessions_in_memory")) > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(await metric(engine, "vectorshift_sessions_in_memory"), 0, "the idle session left memory");

  const { client: back, connected: again } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: complete.seq,
  });
  assert.ok(again.data.head_seq >= complete.seq, "the log's head survived");
  back.post("question", "Where do I live?");
  const answer = await back.next("message_complete");
  assert.match(answer.data.text, /Boston/);
  back.post("fact", "My name is Alice and I live in Boston.");
  assert.equal((await back.next("message_posted")).data.duplicate, true, "post receipts survived");
  await back.close();
});
