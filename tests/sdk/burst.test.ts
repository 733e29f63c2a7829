/**
 * A burst (a long replay after a reconnect, a fast model) must not overflow the default listen() queue
 * of a consumer that keeps up: the listener takes queued events without extra promise turns.
 */
import assert from "node:assert/strict";
import { connected, frame, scriptedServer, session } from "./scripted_server.ts";

const BURST = 5_000;

Deno.test("a prompt listener receives a 5,000-event burst at the default maxSize without overflow", async () => {
  const server = scriptedServer((socket) => {
    socket.send(JSON.stringify(connected(0)));
    for (let i = 0; i < BURST; i++) {
      socket.send(
        JSON.stringify(frame("message_delta", i + 1, { delta: "x", index: i }, { message_id: "m" })),
      );
    }
    const complete = { text: "x".repeat(BURST), status: "complete", post_ids: [] };
    socket.send(JSON.stringify(frame("message_complete", BURST + 1, complete, { message_id: "m" })));
  });
  const client = session(server.baseUrl);
  try {
    let deltas = 0;
    let errors = 0;
    for await (const event of client.listen()) {
      if (event.type === "message_delta") deltas++;
      if (event.type === "error") errors++;
      if (event.isComplete) break;
    }
    assert.equal(errors, 0, "the listener overflowed although it kept up");
    assert.equal(deltas, BURST);
  } finally {
    await client.disconnect();
    await server.close();
  }
});
