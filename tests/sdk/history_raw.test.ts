/**
 * `getMessages()` returns each message's `raw` record, and `UserSessionMessage.references` is refused
 * with a clear error instead of being dropped (issue 12, semantics 7).
 */
import assert from "node:assert/strict";
import { UserSessionMessage, VectorshiftError } from "../../mod.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

Deno.test("getMessages() gives every message its raw record, as the engine sent it", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.send("Hello!");
    await untilComplete(session);
    const messages = await session.getMessages();
    assert.equal(messages.length, 2);
    for (const message of messages) {
      assert.equal(typeof message.raw, "object");
      assert.equal(message.raw.id, message.id);
      assert.equal(message.raw.text, message.text);
      assert.deepEqual(message.raw.sender, message.sender);
      assert.equal("raw" in message.raw, false, "raw is the engine's record, not a copy of the SDK's");
    }
  });
});

Deno.test("references on a sendMany() item or a UserSessionMessage is refused, not dropped", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    const references = { doc: "kb_1" } as unknown as undefined; // what plain JavaScript can pass
    assert.throws(
      () => new UserSessionMessage({ content: "See the doc.", references }),
      (e: unknown) => e instanceof VectorshiftError && /references is not supported/.test(e.message),
    );
    await assert.rejects(
      session.sendMany([{ content: "See the doc.", references }]),
      /references is not supported/,
    );
    assert.equal((await session.getMessages()).length, 0, "nothing was sent");
  });
});
