/**
 * A half-open connection (the socket stays open but nothing comes back) is noticed within 10 s with
 * the default heartbeat, and the session reconnects (issue 12, semantics 5).
 */
import assert from "node:assert/strict";
import { DEFAULT_HEARTBEAT } from "../../mod.ts";
import { connected, scriptedServer, session } from "./scripted_server.ts";

Deno.test("with the default heartbeat a silent socket is dropped and replaced within 10 s", async () => {
  const at: number[] = [];
  // The server never answers a ping: from the client's side the connection is half-open.
  const server = scriptedServer((socket, hello) => {
    at.push(performance.now());
    socket.send(JSON.stringify(connected(hello.target.last_seq ?? 0)));
  });
  const client = session(server.baseUrl); // default heartbeat
  try {
    await client.connect();
    const deadline = performance.now() + 12_000;
    while (server.hellos.length < 2 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(server.hellos.length, 2, "the silent socket was never noticed");
    const noticedAfter = at[1]! - at[0]!;
    assert.ok(noticedAfter <= 10_500, `noticed after ${Math.round(noticedAfter)} ms`);
    assert.ok(server.frames.some((f) => f.type === "ping"));
    assert.ok(DEFAULT_HEARTBEAT.intervalMs + DEFAULT_HEARTBEAT.timeoutMs <= 10_000);
  } finally {
    await client.disconnect();
    await server.close();
  }
});
