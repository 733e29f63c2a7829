/**
 * What a listener does not read is not lost: a listener that stops (break, abort) hands its unread
 * events to the next listen(), and a filtered listener's queue holds only the types it asked for.
 */
import assert from "node:assert/strict";
import type { SessionEvent } from "../../mod.ts";
import { connected, frame, scriptedServer, session } from "./scripted_server.ts";
import { newAgent, untilComplete, waitForReplies, withEngine } from "./support.ts";

function assertContiguous(events: SessionEvent[]): void {
  const seqs = events.filter((e) => e.logged).map((e) => e.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), "a logged event is missing or doubled");
}

Deno.test("break after a few events: the next listen() starts with the first unread event", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.send("Tell me about the Moon landing.");
    await waitForReplies(session); // the whole turn is waiting, unread
    const first: SessionEvent[] = [];
    for await (const event of session.listen()) {
      first.push(event);
      if (first.length === 4) break;
    }
    const controller = new AbortController();
    const second: SessionEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of session.listen({ signal: controller.signal })) {
          second.push(event);
          if (second.length === 3) controller.abort(new Error("enough"));
        }
      })(),
      /enough/,
    );
    const rest = await untilComplete(session, AbortSignal.timeout(5000)); // bounded: lost events would hang
    const all = [...first, ...second, ...rest];
    assert.equal(all[0]?.type, "session_connected");
    assertContiguous(all);
    assert.ok(all.at(-1)?.isComplete);
  });
});

Deno.test("a filtered, idle listener's queue holds only its types, so a burst of others cannot overflow it", async () => {
  const server = scriptedServer((socket) => socket.send(JSON.stringify(connected(0))), (socket, value) => {
    if (value.type !== "post") return;
    const send = (type: string, seq: number, data: Record<string, unknown>) =>
      socket.send(JSON.stringify(frame(type, seq, data, { message_id: "msg_a" })));
    send("message_streaming", 1, { role: "assistant", post_ids: [] });
    for (let i = 0; i < 50; i++) send("message_delta", i + 2, { delta: "x", index: i });
    send("message_complete", 52, { text: "x".repeat(50), status: "complete", post_ids: [] });
  });
  const client = session(server.baseUrl);
  try {
    const everything = client.listen({ maxSize: 0 });
    assert.equal((await everything.next()).value?.type, "session_connected");
    const picky = client.listen({
      eventTypes: ["message_streaming", "message_complete"],
      maxSize: 2,
      signal: AbortSignal.timeout(5000), // bounded: a crowded-out complete would never come
    });
    const streaming = picky.next(); // subscribes now, then sits idle after its first event
    const sending = client.send("Go.", { postId: "p1" }).catch(() => {}); // never acknowledged here
    assert.equal((await streaming).value?.type, "message_streaming");
    for (;;) {
      const { value } = await everything.next();
      if (value?.isComplete) break;
    }
    const next = await picky.next();
    assert.equal(next.value?.type, "message_complete", "the complete was not crowded out by deltas");
    await everything.return();
    await picky.return();
    await client.disconnect();
    await sending;
  } finally {
    await client.disconnect();
    await server.close();
  }
});
