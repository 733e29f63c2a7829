/**
 * Idle expiry (issue 10): a session nobody uses for longer than `sessionIdleExpiryMs` is removed and
 * answers `session_expired` (close 4011, HTTP 410 with `code`), distinct from terminated and not found.
 */
import assert from "node:assert/strict";
import { configure, Session, SessionExpiredError } from "../../mod.ts";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("an idle session expires: 410 with code session_expired, close 4011, SessionExpiredError", async () => {
  await using engine = await testEngine({ sessionIdleExpiryMs: 200 });
  const agent = await createAgent(engine);
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const idle = connected.session_id;
  await client.close();
  // A session with a socket attached never expires, however long it stays quiet.
  const { client: kept, connected: keptConnected } = await TestClient.connect(engine.url, engine.apiKey, {
    agent_id: agent.id,
  });
  await sleep(2500); // the sweep runs every second at most

  const read = await rest<{ status: string; error: string; code?: string }>(
    engine,
    "GET",
    `/v1/sessions/${idle}`,
  );
  assert.equal(read.status, 410);
  assert.equal(read.body.code, "session_expired");
  assert.match(read.body.error, /expired/);

  const late = await TestClient.open(engine.url);
  late.send({
    type: "hello",
    protocol_version: PROTOCOL_VERSION,
    api_key: engine.apiKey,
    target: { session_id: idle },
  });
  assert.equal((await late.next("error")).data.code, "session_expired");
  assert.equal((await late.closed).code, CloseCode.session_expired);

  configure({ apiKey: engine.apiKey, baseUrl: engine.url });
  await assert.rejects(() => new Session({ sessionId: idle }).connect(), SessionExpiredError);

  assert.equal((await rest(engine, "GET", `/v1/sessions/${keptConnected.session_id}`)).status, 200);
  kept.send({ type: "ping", nonce: "still" });
  assert.equal((await kept.next("pong")).data.nonce, "still");
  await kept.close();
});
