import assert from "node:assert/strict";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

function hello(apiKey: string, target: Record<string, unknown>, version: number = PROTOCOL_VERSION) {
  return { type: "hello", protocol_version: version, api_key: apiKey, target };
}

Deno.test("a new session answers session_connected, then session_created as seq 1", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  assert.equal(connected.logged, false);
  assert.equal(connected.data.resumed, false);
  assert.equal(connected.data.protocol_version, PROTOCOL_VERSION);
  assert.deepEqual(connected.data.model, {
    provider: "simulator",
    model_id: "offline-simulator-1",
    simulated: true,
  });
  assert.equal(connected.data.heartbeat_interval_ms, 15_000);
  const created = await client.next("session_created");
  assert.equal(created.seq, 1);
  assert.equal(created.logged, true);
  assert.equal(created.data.agent_id, agent.id);
  await client.close();
});

Deno.test("without credentials the simulator answers and session_connected says so", async () => {
  const lines: string[] = [];
  await using engine = await testEngine({ log: (line) => lines.push(line) });
  const agent = await createAgent(engine, { llm_info: { provider: "openai", model_id: "gpt-4o" } });
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  assert.equal(connected.data.model.simulated, true);
  assert.match(connected.data.model.notice ?? "", /No credentials for provider "openai".*simulator/);
  assert.ok(lines.some((l) => /started/.test(l)), "session start is logged");
  assert.ok(lines.some((l) => /simulator answers instead/.test(l)), "the simulator stand-in is logged");
  await client.close();
});

Deno.test("with credentials the engine never substitutes the simulator: a failing provider fails the turn", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine, {
    llm_info: {
      provider: "openai",
      model_id: "gpt-4o",
      api_key: "sk-test",
      base_url: "http://127.0.0.1:9/v1",
      max_retries: 0,
    },
  });
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  assert.equal(connected.data.model.provider, "openai");
  assert.equal(connected.data.model.simulated, false);
  client.post("p1", "Hello");
  const events = await client.until((e) => e.type === "message_complete");
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error" && error.data.code === "provider_error" && error.logged);
  const complete = events.at(-1);
  assert.ok(complete?.type === "message_complete" && complete.data.status === "error");
  await client.close();
});

Deno.test("a wrong key is refused with error unauthorized and close 4001", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const client = await TestClient.open(engine.url);
  client.send(hello("vs-wrong", { agent_id: agent.id }));
  const error = await client.next("error");
  assert.equal(error.data.code, "unauthorized");
  assert.equal(error.data.fatal, true);
  assert.equal(error.session_id, "");
  assert.equal((await client.closed).code, CloseCode.unauthorized);
});

Deno.test("a wrong protocol version is refused with close 4003", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const client = await TestClient.open(engine.url);
  client.send(hello(engine.apiKey, { agent_id: agent.id }, 99));
  const error = await client.next("error");
  assert.equal(error.data.code, "unsupported_protocol_version");
  assert.match(error.data.error, /version 99 is not supported/);
  assert.equal((await client.closed).code, CloseCode.unsupported_protocol_version);
});

Deno.test("unknown and other organisations' agents, chatbots and sessions are refused with close 4004", async () => {
  await using engine = await testEngine({ apiKeys: ["vs-a", "vs-b"] });
  const agent = await createAgent(engine, {}, "vs-a");
  const { client: owner } = await TestClient.connect(engine.url, "vs-a", { agent_id: agent.id });
  const sessionId = (await owner.next("session_created")).session_id;
  for (
    const target of [{ agent_id: agent.id }, { session_id: sessionId }, { chatbot_id: "cbt_x" }, {
      session_id: "ses_x",
    }]
  ) {
    const client = await TestClient.open(engine.url);
    client.send(hello("vs-b", target));
    const error = await client.next("error");
    assert.equal(error.data.code, "not_found", JSON.stringify(target));
    assert.equal((await client.closed).code, CloseCode.session_not_found);
  }
  assert.equal((await rest(engine, "GET", `/v1/sessions/${sessionId}`, undefined, "vs-b")).status, 404);
  assert.equal(
    (await rest(engine, "POST", `/v1/sessions/${sessionId}/terminate`, undefined, "vs-b")).status,
    404,
  );
  await owner.close();
});

Deno.test("a first frame that is not hello, or not JSON, closes with 4400", async () => {
  await using engine = await testEngine();
  const cases: [string, string][] = [
    [JSON.stringify({ type: "ping" }), "handshake_required"],
    ["{oops", "invalid_json"],
    [JSON.stringify({ type: "hello", protocol_version: 1 }), "invalid_frame"],
    [JSON.stringify({ type: "dance" }), "invalid_frame"],
  ];
  for (const [frame, code] of cases) {
    const client = await TestClient.open(engine.url);
    client.send(frame);
    const error = await client.next("error");
    assert.equal(error.data.code, code, frame);
    assert.equal(error.data.fatal, true);
    assert.equal((await client.closed).code, CloseCode.bad_handshake);
  }
});

Deno.test("a socket that does not authenticate in time is closed with 4002", async () => {
  await using engine = await testEngine({ handshakeTimeoutMs: 50 });
  const client = await TestClient.open(engine.url);
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.handshake_timeout);
  assert.match(closed.reason, /handshake timeout/);
});

Deno.test("a socket that sends nothing for twice the heartbeat interval is closed with 4000; pings keep it open", async () => {
  await using engine = await testEngine({ heartbeatIntervalMs: 60 });
  const agent = await createAgent(engine);
  const { client: pinger, connected } = await TestClient.connect(engine.url, engine.apiKey, {
    agent_id: agent.id,
  });
  assert.equal(connected.data.heartbeat_interval_ms, 60);
  const { client: silent } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  for (let i = 0; i < 6; i++) {
    pinger.send({ type: "ping", nonce: `n${i}` });
    const pong = await pinger.next("pong");
    assert.equal(pong.data.nonce, `n${i}`);
    assert.equal(pong.logged, false);
    await new Promise((r) => setTimeout(r, 40));
  }
  const closed = await silent.closed;
  assert.equal(closed.code, CloseCode.heartbeat_timeout);
  assert.equal(pinger.isClosed, false);
  await pinger.close();
});

Deno.test("a second hello on an attached socket is answered with already_connected and the socket stays open", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.send(hello(engine.apiKey, { agent_id: agent.id }));
  const error = await client.next("error");
  assert.equal(error.data.code, "already_connected");
  assert.equal(error.logged, false);
  client.send({ type: "ping" });
  await client.next("pong");
  await client.close();
});
