/**
 * A hostile server (issue 9): bogus seqs, gaps, duplicates, stray handshakes, malformed frames and
 * frames it refuses by closing the socket. The SDK surfaces an error or resynchronises; it never drops
 * valid events silently, and never re-sends a frame the server refused. Each test pins one fixed defect
 * through the public API; the last runs a short seeded fuzz (`fuzz/sdk_hostile.ts`).
 */
import assert from "node:assert/strict";
import {
  MessageRejectedError,
  SessionDisconnectedError,
  SessionError,
  type SessionEvent,
} from "../../mod.ts";
import { runSdkFuzz } from "../../fuzz/sdk_hostile.ts";
import { connected, frame, type Hello, scriptedServer, session } from "./scripted_server.ts";

/** A logged `message_delta` whose text names its seq (`v<seq>`, or `text`). */
function delta(seq: number, text = `v${seq}`): string {
  return JSON.stringify(frame("message_delta", seq, { delta: text, index: 0 }, { message_id: "msg_1" }));
}

/** Answers every hello like the engine: handshake at the client's cursor, replay of `log` after it. */
function replay(socket: WebSocket, hello: Hello, head: number): void {
  const from = Math.min(hello.target.last_seq ?? 0, head);
  socket.send(JSON.stringify(connected(from)));
  for (let seq = from + 1; seq <= head; seq++) socket.send(delta(seq));
}

/** Logged events yielded until the one with `lastSeq` (or the listener ends or throws). */
async function readUntil(
  client: ReturnType<typeof session>,
  lastSeq: number,
): Promise<{ events: SessionEvent[]; error?: unknown }> {
  const events: SessionEvent[] = [];
  try {
    for await (const event of client.listen({ signal: AbortSignal.timeout(5000) })) {
      events.push(event);
      if (event.logged && event.seq >= lastSeq) break;
    }
  } catch (error) {
    return { events, error };
  }
  return { events };
}

const seqs = (events: SessionEvent[]) => events.filter((e) => e.logged).map((e) => `${e.seq}:${e.delta}`);

Deno.test("a jump to seq 2^53 is skipped and resumed from the cursor: the valid events that follow are delivered", async () => {
  const server = scriptedServer((socket, hello, n) => {
    if (n === 1) {
      socket.send(JSON.stringify(connected(0)));
      socket.send(delta(1));
      socket.send(delta(2 ** 53, "bogus")); // before the fix: cursor 2^53, then 2..4 dropped as "seen"
      socket.send(delta(2));
      return;
    }
    replay(socket, hello, 4);
  });
  const client = session(server.baseUrl);
  try {
    const { events, error } = await readUntil(client, 4);
    assert.equal(error, undefined);
    assert.deepEqual(seqs(events), ["1:v1", "2:v2", "3:v3", "4:v4"]);
    assert.deepEqual(server.hellos.map((h) => h.target.last_seq), [0, 1], "resumed from seq 1, not 2^53");
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a gap that resuming never fills ends listen() with SessionDisconnectedError naming it", async () => {
  const server = scriptedServer((socket, hello) => {
    replay(socket, hello, 1);
    socket.send(delta(3)); // seq 2 never comes, however often the SDK resumes
  });
  const client = session(server.baseUrl);
  try {
    const { events, error } = await readUntil(client, 3);
    assert.ok(error instanceof SessionDisconnectedError, `got ${error}`);
    assert.match(error.message, /sent logged seq 3 right after seq 1/);
    assert.match(error.message, /lastSeq: 1/);
    assert.deepEqual(seqs(events), ["1:v1"]);
    assert.equal(server.hellos.length, 4, "three resumes, then the error");
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("duplicates and a backwards seq are dropped; each valid event is delivered exactly once", async () => {
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify(connected(0)));
    socket.send(delta(1));
    socket.send(delta(2));
    socket.send(delta(2));
    socket.send(delta(1, "backwards"));
    socket.send(delta(3));
  });
  const client = session(server.baseUrl);
  try {
    const { events, error } = await readUntil(client, 3);
    assert.equal(error, undefined);
    assert.deepEqual(seqs(events), ["1:v1", "2:v2", "3:v3"]);
    assert.equal(server.hellos.length, 1);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a malformed frame between valid ones becomes an error event; the next valid event follows", async () => {
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify(connected(0)));
    socket.send(delta(1));
    socket.send("{not json");
    socket.send(JSON.stringify(frame("message_delta", 2, { delta: 5 }, { message_id: "msg_1" })));
    socket.send(delta(3)); // follows the reported seq 2: no gap, no resume
  });
  const client = session(server.baseUrl);
  try {
    const { events, error } = await readUntil(client, 3);
    assert.equal(error, undefined);
    assert.deepEqual(seqs(events), ["1:v1", "3:v3"]);
    const errors = events.filter((e) => e.type === "error");
    assert.deepEqual(errors.map((e) => e.data.code), ["invalid_json", "invalid_frame"]);
    assert.equal((errors[1]?.data.details as { skipped_seq?: number }).skipped_seq, 2);
    assert.equal(server.hellos.length, 1);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a second session_connected on an open socket is reported and does not move the cursor", async () => {
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify(connected(0)));
    socket.send(delta(1));
    socket.send(JSON.stringify(connected(2 ** 53))); // before the fix: cursor 2^53, 2..3 dropped
    socket.send(delta(2));
    socket.send(delta(3));
  });
  const client = session(server.baseUrl);
  try {
    const { events, error } = await readUntil(client, 3);
    assert.equal(error, undefined);
    assert.deepEqual(seqs(events), ["1:v1", "2:v2", "3:v3"]);
    const stray = events.find((e) => e.type === "error");
    assert.match(stray?.error ?? "", /second session_connected/);
    assert.equal(events.filter((e) => e.type === "session_connected").length, 1);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

/** A server that advertises 1 MiB frames but closes the socket on posts over 512 bytes. */
function lyingServer(closeWith: number | undefined) {
  return scriptedServer((socket, hello) => replay(socket, hello, 0), (socket, received) => {
    if (received.type !== "post" || JSON.stringify(received).length <= 512) return;
    socket.close(closeWith);
  });
}

Deno.test("a post the server refuses with close 1009 is not sent again, and the SDK does not reconnect", async () => {
  const server = lyingServer(1009);
  const client = session(server.baseUrl);
  try {
    await client.connect();
    await assert.rejects(client.send("z".repeat(2000), { postId: "post_big" }), SessionError);
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a (wrong) reconnect
    assert.equal(server.frames.filter((f) => f.type === "post").length, 1);
    assert.equal(server.hellos.length, 1);
    assert.equal(client.isConnected, false);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a post the server keeps closing the socket on without a code is given up after 3 sends", async () => {
  const server = lyingServer(undefined); // close without a code: 1005, retryable on its own
  const client = session(server.baseUrl);
  try {
    await client.connect();
    await assert.rejects(client.send("z".repeat(2000), { postId: "post_big" }), (error: unknown) => {
      assert.ok(error instanceof SessionDisconnectedError, `got ${error}`);
      assert.equal(error.postId, "post_big");
      assert.match(error.message, /closed 3 times in a row/);
      return true;
    });
    assert.equal(
      server.frames.filter((f) => f.type === "post").length,
      3,
      "before the fix: re-sent for ever",
    );
    assert.equal(client.isConnected, true, "the session itself carries on");
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("an approval answer over the frame limit is refused before sending, so it is never re-sent", async () => {
  const request = frame("approval_request", 1, {
    request_id: "req_1",
    call_id: "call_1",
    tool_name: "search",
    tool_id: "tool_1",
    tool_type: "search",
    arguments: {},
  }, { message_id: "msg_1" });
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify({
      ...connected(0),
      data: { ...connected(0).data, limits: { max_frame_bytes: 512, retained_events: 100 } },
    }));
    socket.send(JSON.stringify(request));
  });
  const client = session(server.baseUrl);
  try {
    const { events } = await readUntil(client, 1);
    const approval = events.find((e) => e.type === "approval_request");
    assert.ok(approval);
    await assert.rejects(
      client.respond(approval, { approved: true, confirm: { query: "q".repeat(1000) } }),
      (error: unknown) => error instanceof MessageRejectedError && error.code === "frame_too_large",
    );
    assert.equal(server.frames.filter((f) => f.type === "approval_response").length, 0);
    assert.equal(client.isConnected, true);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("seeded SDK fuzz against a hostile server: no silent drop, hang, crash or re-sent refused frame", async () => {
  const lines: string[] = [];
  const result = await runSdkFuzz({
    seed: 20_251_130,
    cases: 300,
    timeLimitMs: 15_000,
    log: (l) => lines.push(l),
  });
  assert.ok(result.cases >= 100, `only ${result.cases} cases ran in time`);
  assert.deepEqual(result.failures, [], lines.join("\n"));
});
