/**
 * Inbound frames are validated: unknown types are delivered as unknown events, malformed frames become
 * `error` events, and close codes decide between reconnecting and failing. A tiny scripted WebSocket
 * server stands in for the engine so it can send what a real engine never would.
 */
import assert from "node:assert/strict";
import {
  ApiConnectionError,
  ApiTimeoutError,
  AuthenticationError,
  SessionError,
  type SessionEvent,
  SessionNotFoundError,
  SessionTerminatedError,
  UNKNOWN_EVENT_TYPE,
  VectorshiftError,
} from "../../mod.ts";
import { connected, frame, scriptedServer, session, SESSION_ID } from "./scripted_server.ts";

Deno.test("unknown event types are delivered as unknown events; malformed frames become error events", async () => {
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify(connected(0)));
    socket.send(JSON.stringify(frame("future_event", 1, { shiny: true })));
    socket.send("{not json");
    socket.send(JSON.stringify(frame("message_delta", 2, { delta: 5 }, { message_id: "msg_1" })));
    socket.send(
      JSON.stringify(
        frame("message_delta", 3, { delta: "Hi", index: 0, mood: "new" }, { message_id: "msg_1", v2: 1 }),
      ),
    );
    socket.send(
      JSON.stringify(frame("message_complete", 4, { text: "Hi", status: "complete", post_ids: [] }, {
        message_id: "msg_1",
      })),
    );
  });
  const client = session(server.baseUrl);
  try {
    const events: SessionEvent[] = [];
    for await (const event of client.listen()) {
      events.push(event);
      if (event.isComplete) break;
    }
    const [hello, unknown, badJson, badFrame, delta, complete] = events;
    assert.equal(hello?.type, "session_connected");
    assert.equal(unknown?.type, UNKNOWN_EVENT_TYPE);
    assert.equal(unknown?.rawType, "future_event");
    assert.deepEqual(unknown?.data, { shiny: true });
    assert.equal(badJson?.type, "error");
    assert.equal(badJson?.data.code, "invalid_json");
    assert.match(badJson?.error ?? "", /malformed frame/);
    assert.equal(badFrame?.type, "error");
    assert.equal(badFrame?.data.code, "invalid_frame");
    assert.match(badFrame?.error ?? "", /data\.delta/);
    assert.ok(Array.isArray((badFrame?.data.details as { issues?: unknown }).issues));
    assert.equal(delta?.delta, "Hi", "a known event with extra fields is still delivered");
    assert.equal(delta?.data.mood, "new");
    assert.equal(complete?.text, "Hi");
    assert.equal(events.length, 6);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

const finalCloses: [number, string, (error: unknown) => boolean][] = [
  [4001, "unauthorized", (e) => e instanceof AuthenticationError && /bad key/.test(e.message)],
  [4003, "unsupported_protocol_version", (e) => e instanceof VectorshiftError && /Upgrade/.test(String(e))],
  [4004, "not_found", (e) => e instanceof SessionNotFoundError && /no such session/.test(String(e))],
  [4010, "session_terminated", (e) => e instanceof SessionTerminatedError],
  [4400, "invalid_frame", (e) => e instanceof SessionError && /refused the handshake/.test(String(e))],
];

for (const [code, errorCode, check] of finalCloses) {
  Deno.test(`close ${code} at the handshake throws its error class and is never retried`, async () => {
    const server = scriptedServer((socket) => {
      const text = code === 4001 ? "bad key" : code === 4004 ? "no such session" : `closing with ${code}`;
      socket.send(
        JSON.stringify(frame("error", 0, { error: text, code: errorCode, fatal: true }, { logged: false })),
      );
      socket.close(code, errorCode);
    });
    const client = session(server.baseUrl);
    try {
      await assert.rejects(client.connect(), (error) => check(error) || assert.fail(`unexpected ${error}`));
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(server.hellos.length, 1);
    } finally {
      await client.disconnect();
      await server.close();
    }
  });
}

Deno.test("a retryable close reconnects with session_id and last_seq; a later 4010 ends the listener", async () => {
  const server = scriptedServer((socket, _hello, n) => {
    if (n === 1) {
      socket.send(JSON.stringify(connected(0)));
      socket.send(JSON.stringify(frame("thinking", 1, { summary: "one" })));
      socket.send(JSON.stringify(frame("thinking", 2, { summary: "two" })));
      setTimeout(() => socket.close(1011, "internal error"), 10);
    } else if (n === 2) {
      socket.send(JSON.stringify(connected(2)));
      socket.send(JSON.stringify(frame("thinking", 2, { summary: "two (a duplicate)" })));
      socket.send(JSON.stringify(frame("thinking", 3, { summary: "three" })));
      setTimeout(() => socket.close(1001, "going away"), 10);
    } else {
      socket.send(
        JSON.stringify(frame("error", 3, { error: "terminated", code: "session_terminated", fatal: true })),
      );
      socket.close(4010, "session_terminated");
    }
  });
  const client = session(server.baseUrl);
  try {
    const summaries: string[] = [];
    const reading = (async () => {
      for await (const event of client.listen()) {
        if (event.type === "thinking") summaries.push(event.data.summary);
      }
    })();
    await assert.rejects(reading, SessionTerminatedError);
    assert.deepEqual(summaries, ["one", "two", "three"]);
    assert.deepEqual(server.hellos.map((h) => h.target), [
      { session_id: SESSION_ID, last_seq: 0 },
      { session_id: SESSION_ID, last_seq: 2 },
      { session_id: SESSION_ID, last_seq: 3 },
    ]);
    await assert.rejects(client.send("hello"), SessionTerminatedError);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("an engine that cannot be reached is an ApiConnectionError at connect()", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there any more
  const client = session(`http://127.0.0.1:${port}`);
  await assert.rejects(client.connect(), (error) => {
    assert.ok(error instanceof ApiConnectionError, `got ${error}`);
    assert.match(
      error.message,
      /Could not open the session socket at ws:\/\/127\.0\.0\.1:\d+\/v1\/sessions\/ws/,
    );
    return true;
  });
  await client.disconnect();
});

Deno.test("an engine that never answers hello is an ApiTimeoutError after handshakeTimeoutMs", async () => {
  const server = scriptedServer(() => {}); // accepts the socket, ignores hello
  const client = session(server.baseUrl, { handshakeTimeoutMs: 50 });
  try {
    await assert.rejects(
      client.connect(),
      (error) => error instanceof ApiTimeoutError && /50 ms/.test(error.message),
    );
  } finally {
    await client.disconnect();
    await server.close();
  }
});
