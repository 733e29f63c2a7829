/** terminate() and disconnect() called together: neither waits for a confirmation that cannot come. */
import assert from "node:assert/strict";
import { SessionTerminatedError } from "../../mod.ts";
import { ESSAY, newAgent, withEngine } from "./support.ts";

Deno.test("terminate() and disconnect() together finish promptly and the session ends terminated", async () => {
  await withEngine(async ({ engine, client }) => {
    const agent = await newAgent(client, ESSAY);
    // The socket confirmation would be awaited this long if the closing link were not noticed.
    const session = await agent.createSession({ handshakeTimeoutMs: 60_000 });
    await session.send("Write the essay.");
    for await (const event of session.listen()) {
      if (event.delta) break;
    }
    const id = session.sessionId!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<"stalled">((resolve) => {
      timer = setTimeout(() => resolve("stalled"), 10_000);
    });
    const both = Promise.all([session.terminate(), session.disconnect()]).then(() => "done" as const);
    const outcome = await Promise.race([both, stalled]);
    clearTimeout(timer);
    assert.equal(outcome, "done", "terminate() waited for a confirmation the closed socket could not bring");
    assert.equal(session.isConnected, false);
    await assert.rejects(session.send("still there?"), SessionTerminatedError);
    const state = await fetch(`${engine.url}/v1/sessions/${id}`, {
      headers: { authorization: `Bearer ${engine.apiKey}` },
    });
    assert.equal(state.status, 410);
    await state.body?.cancel();
  }, { offlineModel: { tokensPerSecond: 500 } });
});
