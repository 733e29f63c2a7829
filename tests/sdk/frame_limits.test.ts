/** Oversized, refused and rate-limited posts against a real engine: only the call fails, never the session. */
import assert from "node:assert/strict";
import { MessageRejectedError } from "../../mod.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

Deno.test("a post larger than limits.max_frame_bytes fails only its send(); the socket stays open", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    await assert.rejects(session.send("x".repeat(5000), { postId: "post-too-big" }), (error: unknown) => {
      assert.ok(error instanceof MessageRejectedError, `got ${error}`);
      assert.equal(error.code, "frame_too_large");
      assert.equal(error.postId, "post-too-big");
      assert.match(error.message, /limit of 2048 bytes \(limits\.max_frame_bytes\)/);
      return true;
    });
    const bytes = new Uint8Array(3000);
    await assert.rejects(
      session.sendMany(["fine", bytes], { batchId: "batch-too-big" }),
      (error: unknown) => {
        assert.ok(error instanceof MessageRejectedError, `got ${error}`);
        assert.equal(error.batchId, "batch-too-big");
        return true;
      },
    );
    assert.equal(session.isConnected, true);
    await session.send("Hello!");
    const events = await untilComplete(session);
    assert.equal(events.at(-1)?.data.status, "complete");
    assert.equal(events.filter((e) => e.type === "session_connected").length, 1, "no reconnect happened");
  }, { maxFrameBytes: 2048 });
});

Deno.test("a post the engine refuses (message_too_large) rejects its send() with the engine's message", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await assert.rejects(session.send("y".repeat(200), { postId: "post-long" }), (error: unknown) => {
      assert.ok(error instanceof MessageRejectedError, `got ${error}`);
      assert.equal(error.code, "message_too_large");
      assert.equal(error.postId, "post-long");
      assert.match(error.message, /limit/);
      return true;
    });
    const receipt = await session.send("Short.");
    assert.equal(receipt.duplicate, false);
    assert.equal(session.isConnected, true);
  }, { maxMessageBytes: 100 });
});

Deno.test("send() with the postId of an applied post is acknowledged as a duplicate and not applied again", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    const first = await session.send("Only once, please.", { postId: "post-once" });
    assert.deepEqual([first.postId, first.duplicate], ["post-once", false]);
    await untilComplete(session);
    const again = await session.send("Only once, please.", { postId: "post-once" });
    assert.deepEqual([again.postId, again.duplicate, again.messageId], ["post-once", true, first.messageId]);
    const users = (await session.getMessages()).filter((m) => m.sender.role === "user");
    assert.equal(users.length, 1);
  });
});

Deno.test("posts over the engine's rate limit are re-sent after retry_after_ms and all applied once", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    const texts = ["one", "two", "three", "four", "five", "six"];
    const receipts = await Promise.all(texts.map((text) => session.send(text)));
    assert.equal(new Set(receipts.map((r) => r.messageId)).size, texts.length);
    assert.ok(receipts.every((r) => !r.duplicate));
    assert.equal(session.isConnected, true);
  }, { rateLimit: { framesPerSecond: 40, burst: 4 } });
});
