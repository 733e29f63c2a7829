import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, metric, rest, testEngine } from "./support/engine_fixture.ts";
import { startTcpProxy } from "../support/tcp_proxy.ts";
import { CliEngine } from "../support/cli_engine.ts";
import { TestClient } from "./support/ws_client.ts";

const logged = (events: ServerEvent[]) => events.filter((e) => e.logged);
const isComplete = (e: ServerEvent) => e.type === "message_complete";
const ESSAY = "Write a long essay about the history of computing.";

Deno.test("two sockets on one session both receive every logged event, in order", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client: a } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await a.next("session_created")).session_id;
  const { client: b } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: 0,
  });
  assert.equal(await metric(engine, "vectorshift_attached_sockets"), 2);
  b.post("from-b", "Hello from the second socket");
  const seenByA = await a.until(isComplete);
  const seenByB = await b.until(isComplete);
  const strip = (events: ServerEvent[]) => logged(events).map((e) => JSON.stringify(e));
  assert.deepEqual(strip(seenByB), [JSON.stringify(a.events[1]), ...strip(seenByA)]);
  assert.ok(await metric(engine, "vectorshift_events_sent_total") >= 2 * seenByA.length);
  await a.close();
  await b.close();
});

Deno.test("resume after server-side socket kills replays exactly the missed events, several times", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 3000 } });
  const agent = await createAgent(engine);
  let { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  const all: ServerEvent[] = [client.events[1] as ServerEvent];
  client.post("essay", ESSAY);
  let complete: ServerEvent | undefined;
  for (let drop = 0; drop < 3 && !complete; drop++) {
    const read = await client.until((e) =>
      e.type === "message_delta" && e.data.index % 40 === 39 || isComplete(e)
    );
    all.push(...logged(read));
    complete = read.find(isComplete);
    if (complete) break;
    assert.equal(engine.dropSockets(sessionId), 1);
    const closed = await client.closed;
    assert.equal(closed.code, CloseCode.internal_error);
    // What arrived before the close frame was processed by this client too.
    const tail = logged(client.drain());
    all.push(...tail);
    complete = tail.find(isComplete);
    const lastSeq = all.at(-1)?.seq ?? 0;
    const resumed = await TestClient.connect(engine.url, engine.apiKey, {
      session_id: sessionId,
      last_seq: lastSeq,
    });
    assert.equal(resumed.connected.data.resumed, true);
    assert.equal(resumed.connected.data.replay_from_seq, lastSeq);
    client = resumed.client;
  }
  if (!complete) all.push(...logged(await client.until(isComplete)));
  assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i + 1), "every seq exactly once, in order");
  const final = all.at(-1);
  assert.ok(final?.type === "message_complete" && final.data.status === "complete");
  const deltas = all.flatMap((e) => e.type === "message_delta" ? [e.data.delta] : []);
  assert.equal(deltas.join(""), final.data.text);
  await client.close();
});

Deno.test("a disconnect never stops generation; a later attach replays the finished turn", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 4000 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("essay", ESSAY);
  const first = await client.next("message_delta");
  await client.close();
  const sessionId = first.session_id;
  for (let i = 0; i < 200; i++) {
    const info = await rest<components["schemas"]["SessionInfo"]>(engine, "GET", `/v1/sessions/${sessionId}`);
    if (!info.body.generating) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const history = await rest<components["schemas"]["SessionMessageList"]>(
    engine,
    "GET",
    `/v1/sessions/${sessionId}/messages`,
  );
  const reply = history.body.messages.find((m) => m.sender.role === "assistant");
  assert.equal(reply?.status, "complete");
  assert.ok((reply?.text.split(" ").length ?? 0) > 1000, "the whole essay was written while nobody listened");
  const { client: later } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: first.seq,
  });
  const replay = await later.until(isComplete);
  assert.equal(replay[0]?.seq, first.seq + 1);
  const complete = replay.at(-1);
  assert.ok(complete?.type === "message_complete" && complete.data.text === reply?.text);
  await later.close();
});

Deno.test("a cursor older than the retained log gets resync_required before the replay", async () => {
  await using engine = await testEngine({ retainedEvents: 5 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("p", "Tell me something about rivers.");
  const read = await client.until((e) => e.type === "participant_status" && e.data.status === "idle");
  const head = read.at(-1)?.seq ?? 0;
  assert.ok(head > 10);
  const { client: late, connected } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: client.events[1]?.session_id ?? "",
    last_seq: 1,
  });
  assert.equal(connected.data.head_seq, head);
  assert.equal(connected.data.replay_from_seq, head - 5);
  const resync = await late.next();
  assert.ok(resync.type === "resync_required" && !resync.logged);
  assert.deepEqual(resync.data, { last_seq: 1, oldest_retained_seq: head - 4, head_seq: head });
  const replay = await late.until((e) => e.seq === head);
  assert.deepEqual(replay.map((e) => e.seq), [head - 4, head - 3, head - 2, head - 1, head]);
  const { client: fresh } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: client.events[1]?.session_id ?? "",
    last_seq: head - 2,
  });
  const noResync = await fresh.until((e) => e.seq === head);
  assert.deepEqual(noResync.map((e) => e.type === "resync_required" ? -1 : e.seq), [head - 1, head]);
  await Promise.all([client.close(), late.close(), fresh.close()]);
});

Deno.test("resume after abrupt TCP kills (no close frame) replays exactly the missed events", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 3000 } });
  const proxy = await startTcpProxy(engine.url);
  try {
    const agent = await createAgent(engine);
    let { client } = await TestClient.connect(proxy.url, engine.apiKey, { agent_id: agent.id });
    const sessionId = (await client.next("session_created")).session_id;
    const seen: ServerEvent[] = [client.events[1] as ServerEvent];
    client.post("essay", ESSAY);
    for (let kill = 0; kill < 3; kill++) {
      seen.push(
        ...logged(await client.until((e) => e.type === "message_delta" && e.data.index >= 30 * (kill + 1))),
      );
      proxy.killAll();
      const closed = await client.closed;
      assert.notEqual(closed.code, CloseCode.normal);
      seen.push(...logged(client.drain()));
      const lastSeq = seen.at(-1)?.seq ?? 0;
      ({ client } = await TestClient.connect(proxy.url, engine.apiKey, {
        session_id: sessionId,
        last_seq: lastSeq,
      }));
    }
    seen.push(...logged(await client.until(isComplete)));
    assert.deepEqual(seen.map((e) => e.seq), seen.map((_, i) => i + 1), "every seq exactly once, in order");
    const final = seen.at(-1);
    assert.ok(final?.type === "message_complete");
    assert.equal(
      seen.flatMap((e) => e.type === "message_delta" ? [e.data.delta] : []).join(""),
      final.data.text,
    );
    await client.close();
  } finally {
    await proxy.close();
  }
});

Deno.test("a replay of 100,000 events from an engine in its own process arrives whole and in order", async () => {
  // About 23 MB, beyond the default 16 MiB output bound of a socket: the replay is sent in chunks, each
  // after the socket drained (a bench client was closed as a slow consumer after 34,449 events when
  // the replay went out at once).
  const key = "vs-replay-test-key";
  const engine = await CliEngine.start(key, [
    "--memory",
    "--port",
    "0",
    "--retained-events",
    "110000",
    "--offline-tokens-per-second",
    "0",
    "--http-idle-timeout-ms",
    "0",
  ]);
  try {
    const agent = await createAgent({ url: engine.url, apiKey: key }, { instructions: ESSAY });
    const { client } = await TestClient.connect(engine.url, key, { agent_id: agent.id });
    const sessionId = (await client.next("session_created")).session_id;
    let head = 0;
    for (let turn = 0; head < 100_000; turn++) {
      client.post(`essay-${turn}`, ESSAY);
      const turnEvents = await client.until((e) => e.type === "message_complete", 30_000);
      head = Math.max(head, ...logged(turnEvents).map((e) => e.seq));
    }
    await client.close();
    // A plain reader (parse and count), like a client replaying into its own store.
    const socket = new WebSocket(`${engine.url.replace(/^http/, "ws")}/v1/sessions/ws`);
    const replayed = Promise.withResolvers<number>();
    let next = 1;
    let failure = "";
    socket.onopen = () =>
      socket.send(JSON.stringify({
        type: "hello",
        protocol_version: PROTOCOL_VERSION,
        api_key: key,
        target: { session_id: sessionId, last_seq: 0 },
      }));
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as ServerEvent;
      if (!event.logged) return;
      if (event.seq !== next) failure ||= `seq ${event.seq} where ${next} was expected`;
      next = event.seq + 1;
      if (event.seq >= head) replayed.resolve(event.seq);
    };
    socket.onclose = (close) =>
      replayed.reject(new Error(`closed ${close.code} ${close.reason} at seq ${next - 1}`));
    const timer = setTimeout(
      () => replayed.reject(new Error(`replay stuck at seq ${next - 1} of ${head}`)),
      60_000,
    );
    try {
      assert.equal(await replayed.promise, head);
      assert.equal(failure, "", "in order, no gap");
    } finally {
      clearTimeout(timer);
      socket.onclose = null;
      socket.close();
    }
  } finally {
    await engine.kill();
  }
});
