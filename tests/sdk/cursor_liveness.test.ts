/**
 * The resume cursor follows the engine's replay_from_seq, and any received frame (not only a pong)
 * proves the socket alive. A scripted server plays an engine in situations a real one avoids.
 */
import assert from "node:assert/strict";
import type { SessionEvent } from "../../mod.ts";
import {
  completeText as complete,
  connected,
  deltaText as delta,
  scriptedServer,
  session,
} from "./scripted_server.ts";

Deno.test("a resume cursor ahead of the session follows replay_from_seq: new events are delivered", async () => {
  const server = scriptedServer((socket, _hello, n) => {
    socket.send(JSON.stringify(connected(n === 1 ? 3 : 5))); // the session's head is 3, not 50
    if (n === 1) {
      socket.send(delta(4, 0));
      socket.send(delta(5, 1));
      socket.close(1011, "engine restart");
    } else {
      socket.send(complete(6));
    }
  });
  const client = session(server.baseUrl, { lastSeq: 50 });
  try {
    const events: SessionEvent[] = [];
    // Bounded: before the fix every event counted as a duplicate and the listener waited forever.
    for await (const event of client.listen({ signal: AbortSignal.timeout(5000) })) {
      events.push(event);
      if (event.isComplete) break;
    }
    assert.deepEqual(events.filter((e) => e.logged).map((e) => e.seq), [4, 5, 6]);
    assert.deepEqual(server.hellos.map((h) => h.target.last_seq), [50, 5], "the reconnect resumed from 5");
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("frames arriving while a pong is overdue keep the socket alive (no false heartbeat drop)", async () => {
  const timers = new Set<ReturnType<typeof setInterval>>();
  let seq = 0;
  const server = scriptedServer((socket, _hello, n) => {
    socket.send(JSON.stringify(connected(seq)));
    if (n > 1) return socket.send(complete(++seq)); // a (wrong) reconnect ends the turn at once
    // Pings are never answered, as if the pong were stuck behind a long replay; events keep flowing.
    const timer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN || seq > 60) return clearInterval(timer);
      seq++;
      socket.send(seq <= 60 ? delta(seq, seq - 1) : complete(seq));
    }, 5);
    timers.add(timer);
  });
  const client = session(server.baseUrl, { heartbeat: { intervalMs: 10, timeoutMs: 100 } });
  try {
    let deltas = 0;
    for await (const event of client.listen()) {
      if (event.type === "message_delta") deltas++;
      if (event.isComplete) break;
    }
    assert.equal(deltas, 60);
    assert.ok(server.frames.some((f) => f.type === "ping"), "the client did ping");
    assert.equal(server.hellos.length, 1, "the client never dropped the socket as dead");
  } finally {
    for (const timer of timers) clearInterval(timer);
    await client.disconnect();
    await server.close();
  }
});
