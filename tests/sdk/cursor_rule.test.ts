/**
 * Every `seq` is a safe resume cursor (issue 12, semantics 1 and 6): connection-scoped events carry the
 * stream position (the newest logged seq delivered before them), never the session's head, on the
 * engine's wire and in what `listen()` yields; `session.lastSeq` is that cursor; a seq the SDK cannot
 * explain is never taken as a cursor.
 */
import assert from "node:assert/strict";
import { Session, type SessionEvent } from "../../mod.ts";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { TestClient } from "../engine/support/ws_client.ts";
import { assertSafeCursors } from "../lifecycle/support.ts";
import {
  completeText as complete,
  connected,
  deltaText as delta,
  frame,
  scriptedServer,
  session,
} from "./scripted_server.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

Deno.test("engine: connection-scoped frames carry the newest logged seq sent on that socket, not the head", async () => {
  await withEngine(async ({ engine, client }) => {
    const agent = await newAgent(client);
    const first = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
    first.client.post("p1", "Tell me about the Moon landing.");
    await first.client.until((e) => e.type === "message_complete");
    const sessionId = first.connected.session_id;
    await first.client.close();

    // Resume from seq 2 of a finished turn, and ping at once: the pong is answered after the replay.
    const { client: again, connected: hello } = await TestClient.connect(engine.url, engine.apiKey, {
      session_id: sessionId,
      last_seq: 2,
    });
    assert.equal(hello.seq, 2, "session_connected carries the client's cursor");
    assert.ok(hello.data.head_seq > 2, "and reports the head in its data");
    again.send({ type: "ping", nonce: "n1" });
    await again.until((e) => e.type === "pong");
    let position = 2;
    for (const event of again.events.slice(again.events.indexOf(hello as ServerEvent) + 1)) {
      if (event.logged) position = event.seq;
      else assert.equal(event.seq, position, `${event.type} carries the socket's position`);
    }
    assert.equal(position, hello.data.head_seq, "the replay reached the head");
    // A duplicate post's acknowledgement is connection-scoped too: at the position, not above it.
    again.post("p1", "Tell me about the Moon landing.");
    const dup = await again.next("message_posted");
    assert.equal(dup.logged, false);
    assert.equal(dup.seq, position);
    await again.close();

    // A cursor ahead of the session is clamped to the head.
    const { client: ahead, connected: clamped } = await TestClient.connect(engine.url, engine.apiKey, {
      session_id: sessionId,
      last_seq: 10_000,
    });
    assert.equal(clamped.seq, clamped.data.head_seq);
    await ahead.close();
  });
});

Deno.test("listen() after a reconnect mid-answer yields only safe cursors; resuming from any yielded seq skips nothing", async () => {
  await withEngine(async ({ engine, client }) => {
    const agent = await newAgent(client);
    const first = await agent.createSession();
    await first.send("Tell me about the Moon landing.");
    const seen: SessionEvent[] = [];
    for await (const event of first.listen({ maxSize: 0 })) {
      seen.push(event);
      if (event.type === "message_delta") break; // leave mid-answer
    }
    const stored = seen.at(-1)!.seq;
    assert.ok(first.lastSeq >= stored, "the session's cursor includes events received but not yet read");
    await first.disconnect();

    // Another process resumes from the seq of the last event it handled (a delta) ...
    const fromDelta = new Session({ sessionId: first.sessionId!, lastSeq: stored, ...client });
    try {
      const rest = await untilComplete(fromDelta, AbortSignal.timeout(10_000));
      assert.equal(rest.filter((e) => e.logged)[0]?.seq, stored + 1, "nothing skipped, nothing twice");
      assertSafeCursors(rest);
    } finally {
      await fromDelta.disconnect();
    }
    // ... or from early on: the replay interleaves connection-scoped events, all at safe positions.
    const resumed = new Session({ sessionId: first.sessionId!, lastSeq: 1, ...client });
    try {
      const events = await untilComplete(resumed, AbortSignal.timeout(10_000));
      assert.equal(events[0]?.type, "session_connected");
      assert.equal(events[0]?.seq, 1, "the handshake is at the cursor sent, not at the head");
      assertSafeCursors(events);
      assert.ok(resumed.lastSeq >= events.at(-1)!.seq);
    } finally {
      await resumed.disconnect();
    }
    void engine;
  });
});

const pong = (seq: number) => JSON.stringify(frame("pong", seq, {}, { logged: false }));

Deno.test("SDK: connection-scoped events stamped with the head by an older engine are yielded at the cursor", async () => {
  const server = scriptedServer((socket) => {
    // An engine of before this rule: the handshake and a pong carry the head (50) during a replay from 0.
    socket.send(JSON.stringify({ ...connected(0), seq: 50 }));
    socket.send(delta(1, 0));
    socket.send(pong(50));
    socket.send(delta(2, 1));
    socket.send(complete(3));
  });
  const client = session(server.baseUrl);
  try {
    const events: SessionEvent[] = [];
    for await (const event of client.listen({ signal: AbortSignal.timeout(5000) })) {
      events.push(event);
      if (event.isComplete) break;
    }
    assert.deepEqual(events.map((e) => `${e.type}#${e.seq}`), [
      "session_connected#0",
      "message_delta#1",
      "pong#1",
      "message_delta#2",
      "message_complete#3",
    ]);
    assertSafeCursors(events);
    assert.equal(client.lastSeq, 3);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("SDK: a seq jump to 2^53 (logged or not) never becomes the cursor; the valid events that follow arrive", async () => {
  const huge = 2 ** 53;
  const server = scriptedServer((socket, hello, n) => {
    const from = hello.target.last_seq ?? 0;
    socket.send(JSON.stringify(connected(from)));
    if (n === 1) {
      socket.send(delta(1, 0));
      socket.send(pong(huge)); // a scoped event claiming an impossible position
      socket.send(delta(huge, 99)); // a logged event that skips ahead: unexplained
      return;
    }
    for (let seq = from + 1; seq <= 3; seq++) socket.send(seq === 3 ? complete(3) : delta(seq, seq - 1));
  });
  const client = session(server.baseUrl);
  try {
    const events: SessionEvent[] = [];
    for await (const event of client.listen({ signal: AbortSignal.timeout(5000) })) {
      events.push(event);
      if (event.isComplete) break;
    }
    assertSafeCursors(events);
    assert.ok(events.every((e) => e.seq < huge), "no yielded seq is the bogus one");
    assert.deepEqual(events.filter((e) => e.logged).map((e) => e.seq), [1, 2, 3]);
    assert.equal(server.hellos.at(-1)?.target.last_seq, 1, "the SDK resumed from its real cursor");
  } finally {
    await client.disconnect();
    await server.close();
  }
});
