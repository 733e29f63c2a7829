/**
 * A listener gets every event from the moment `listen()` is called, not from its first `next()`
 * (issue 12, semantics 2).
 */
import assert from "node:assert/strict";
import { newAgent, withEngine } from "./support.ts";

Deno.test("a listener made before send() but read after another listener finished the turn gets message_complete", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    const late = session.listen({ maxSize: 0, signal: AbortSignal.timeout(5000) }); // not read yet
    await session.send("Tell me about the Moon landing.");
    for await (const event of session.listen({ maxSize: 0 })) if (event.isComplete) break;
    // Bounded: before the fix `late` subscribed only now, after the turn, and waited forever.
    const types: string[] = [];
    for await (const event of late) {
      types.push(event.type);
      if (event.isComplete) break;
    }
    assert.ok(types.includes("message_posted"), "it has the events since listen() was called");
    assert.equal(types.at(-1), "message_complete");
  });
});

Deno.test("a listener that is never read and then returned holds nothing back from the next listener", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    const idle = session.listen();
    await session.send("Hello!");
    await idle.return(); // hands what it had not read to the backlog
    const types: string[] = [];
    for await (const event of session.listen({ maxSize: 0, signal: AbortSignal.timeout(5000) })) {
      types.push(event.type);
      if (event.isComplete) break;
    }
    assert.equal(types[0], "session_connected");
    assert.equal(types.at(-1), "message_complete");
  });
});
