import assert from "node:assert/strict";
import { startEngineWithStore } from "../../src/engine/engine.ts";
import type { EngineOptions } from "../../src/engine/options.ts";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { createAgent, metric, rest } from "./support/engine_fixture.ts";
import { GatedStore } from "./support/gated_store.ts";
import { TestClient } from "./support/ws_client.ts";

const FAST: EngineOptions = { port: 0, offlineModel: { tokensPerSecond: 0 } };
const isIdle = (e: ServerEvent) => e.type === "participant_status" && e.data.status === "idle";

Deno.test("a terminated session frees its event log, history and receipts but still answers 410 and 4010", async () => {
  const store = new GatedStore();
  await using engine = await startEngineWithStore(FAST, store);
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  client.post("p1", "Hello");
  await client.until(isIdle);
  assert.ok((await store.listMessages(sessionId)).length >= 2);
  assert.ok((await store.readEvents(sessionId, 0)).events.length > 5);

  client.send({ type: "terminate" });
  await client.next("session_terminated");
  assert.equal((await client.closed).code, CloseCode.session_terminated);

  assert.deepEqual(await store.listMessages(sessionId), []);
  assert.deepEqual(await store.listReceipts(sessionId), []);
  assert.deepEqual((await store.readEvents(sessionId, 0)).events, []);
  assert.deepEqual(
    await store.countSessions(),
    { active: 0, terminated: 1, expired: 0 },
    "the record stays as a tombstone",
  );

  for (const path of [`/v1/sessions/${sessionId}`, `/v1/sessions/${sessionId}/messages`]) {
    assert.equal((await rest(engine, "GET", path)).status, 410, path);
  }
  const late = await TestClient.open(engine.url);
  late.send({
    type: "hello",
    protocol_version: 1,
    api_key: engine.apiKey,
    target: { session_id: sessionId },
  });
  assert.equal((await late.next("error")).data.code, "session_terminated");
  assert.equal((await late.closed).code, CloseCode.session_terminated);
});

Deno.test("a terminate that overtakes an attach's store read never brings the session back", async () => {
  // The first engine leaves an active session in the store; the second restores it on attach. The
  // attach reads the record (active), is paused, and a terminate runs to the end meanwhile.
  const store = new GatedStore();
  const first = await startEngineWithStore({ ...FAST, apiKeys: ["vs-race"] }, store);
  const agent = await createAgent(first);
  const created = await rest<{ id: string }>(first, "POST", "/v1/sessions", { agent_id: agent.id });
  const sessionId = created.body.id;
  await first.close();

  await using engine = await startEngineWithStore({ ...FAST, apiKeys: ["vs-race"] }, store);
  const paused = store.pauseNextGetSession();
  const attach = await TestClient.open(engine.url);
  attach.send({
    type: "hello",
    protocol_version: 1,
    api_key: engine.apiKey,
    target: { session_id: sessionId },
  });
  await paused.entered;
  const terminated = await rest<{ state: string }>(engine, "POST", `/v1/sessions/${sessionId}/terminate`);
  assert.equal(terminated.status, 200);
  assert.equal(terminated.body.state, "terminated");
  paused.release();

  const refused = await attach.next("error");
  assert.equal(refused.data.code, "session_terminated");
  assert.equal((await attach.closed).code, CloseCode.session_terminated);
  assert.equal((await rest(engine, "GET", `/v1/sessions/${sessionId}`)).status, 410);
  assert.equal(await metric(engine, 'vectorshift_sessions{state="active"}'), 0);
  assert.equal(await metric(engine, "vectorshift_attached_sockets"), 0);
});

Deno.test("engine.close() closes sockets before it stops sessions, so every stored post was acknowledged", async () => {
  const store = new GatedStore();
  const engine = await startEngineWithStore(FAST, store);
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  client.post("a", "Hello");
  await client.until(isIdle);

  // With an event write held (the acknowledgement of "b", which is sent only once it is stored),
  // stopping the sessions cannot finish; the sockets must close anyway.
  const held = store.holdAppends();
  client.post("b", "Are you still there?");
  await held.entered;
  const closing = engine.close();
  client.post("c", "Hello?");
  let releasedEarly = false;
  const fallback = setTimeout(() => {
    releasedEarly = true;
    held.release();
  }, 3_000);
  const closed = await client.closed;
  held.release();
  clearTimeout(fallback);
  await closing;
  assert.equal(closed.code, CloseCode.going_away);
  assert.equal(releasedEarly, false, "the sockets closed while session writes were still pending");

  const { events } = await store.readEvents(sessionId, 0);
  const acknowledged = new Set(events.flatMap((e) => e.type === "message_posted" ? [e.data.post_id] : []));
  for (const receipt of await store.listReceipts(sessionId)) {
    assert.ok(
      receipt.kind === "post" && acknowledged.has(receipt.post_id),
      `post ${JSON.stringify(receipt)}`,
    );
  }
});
