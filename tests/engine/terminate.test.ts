import assert from "node:assert/strict";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, metric, rest, testEngine } from "./support/engine_fixture.ts";
import { startSlowOpenAI } from "./support/slow_openai.ts";
import { TestClient } from "./support/ws_client.ts";

type ErrorBody = components["schemas"]["Error"];
const ESSAY = "Write a long essay about the history of computing.";

Deno.test("terminate mid-stream stops generation, closes every socket with 4010, and refuses later attaches", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 500 } });
  const agent = await createAgent(engine, {
    instructions: "Write a very long essay about the history of computing.",
  });
  const { client: a } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await a.next("session_created")).session_id;
  const { client: b } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: 1,
  });
  a.post("go", "Go ahead, write the essay.");
  const first = await a.next("message_delta");
  assert.equal(first.data.delta, "The");
  assert.equal(await metric(engine, "vectorshift_active_generations"), 1);
  a.send({ type: "terminate", reason: "seen enough" });
  for (const client of [a, b]) {
    const read = await client.until((e) => e.type === "session_terminated");
    const terminated = read.at(-1);
    assert.ok(terminated?.type === "session_terminated" && terminated.logged);
    assert.equal(terminated.data.reason, "seen enough");
    const closed = await client.closed;
    assert.equal(closed.code, CloseCode.session_terminated);
    assert.deepEqual(client.drain(), [], "session_terminated is the last event");
  }
  assert.equal(await metric(engine, "vectorshift_active_generations"), 0);
  assert.equal(await metric(engine, "vectorshift_attached_sockets"), 0);
  assert.equal(await metric(engine, 'vectorshift_sessions{state="terminated"}'), 1);
  assert.equal(await metric(engine, 'vectorshift_sessions{state="active"}'), 0);

  const late = await TestClient.open(engine.url);
  late.send({
    type: "hello",
    protocol_version: 1,
    api_key: engine.apiKey,
    target: { session_id: sessionId },
  });
  const refused = await late.next("error");
  assert.equal(refused.data.code, "session_terminated");
  assert.equal(refused.data.fatal, true);
  assert.match(refused.data.error, /terminated and cannot be used or resumed/);
  assert.equal((await late.closed).code, CloseCode.session_terminated);

  for (const path of [`/v1/sessions/${sessionId}`, `/v1/sessions/${sessionId}/messages`]) {
    const answer = await rest<ErrorBody>(engine, "GET", path);
    assert.equal(answer.status, 410, path);
    assert.match(answer.body.error, /was terminated/);
  }
  assert.equal((await rest(engine, "POST", `/v1/sessions/${sessionId}/terminate`)).status, 410);
});

Deno.test("terminate over REST aborts the running turn and closes attached sockets with 4010", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 500 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("go", ESSAY);
  const delta = await client.next("message_delta");
  const answer = await rest<components["schemas"]["SessionInfo"]>(
    engine,
    "POST",
    `/v1/sessions/${delta.session_id}/terminate`,
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.body.state, "terminated");
  assert.equal(answer.body.generating, false);
  assert.equal(await metric(engine, "vectorshift_active_generations"), 0);
  const read = await client.until((e) => e.type === "session_terminated");
  assert.equal(read.filter((e) => e.type === "message_complete").length, 0, "no completion after terminate");
  assert.equal((await client.closed).code, CloseCode.session_terminated);
});

Deno.test("deleting an agent terminates its sessions", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  assert.equal((await rest(engine, "DELETE", `/v1/agents/${agent.id}`)).status, 200);
  const terminated = await client.next("session_terminated");
  assert.equal(terminated.data.reason, "the agent was deleted");
  assert.equal((await client.closed).code, CloseCode.session_terminated);
  assert.equal((await rest(engine, "GET", `/v1/sessions/${sessionId}`)).status, 410);
});

Deno.test("closing the engine stops generation and closes sockets with 1001", async () => {
  const engine = await testEngine({ offlineModel: { tokensPerSecond: 500 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("go", ESSAY);
  await client.next("message_delta");
  await engine.close();
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.going_away);
  await engine.close();
});

Deno.test("terminate's abort reaches a hosted provider: the engine stops reading its stream", async () => {
  const upstream = startSlowOpenAI();
  try {
    await using engine = await testEngine();
    const agent = await createAgent(engine, {
      llm_info: {
        provider: "openai",
        model_id: "test-model",
        api_key: "sk-test",
        base_url: upstream.baseUrl,
      },
    });
    const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
    assert.equal(connected.data.model.simulated, false);
    client.post("go", "Hello");
    assert.equal((await client.next("message_delta")).data.delta, "The");
    client.send({ type: "terminate" });
    await client.next("session_terminated");
    await upstream.cancelled;
    assert.equal(await metric(engine, "vectorshift_active_generations"), 0);
    assert.equal((await client.closed).code, CloseCode.session_terminated);
  } finally {
    await upstream.close();
  }
});
