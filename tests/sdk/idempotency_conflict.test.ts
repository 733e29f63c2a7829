/**
 * Reusing a postId or batchId with other content is an error with a documented code
 * (`idempotency_conflict`) and a typed SDK error, never a silent duplicate (issue 12, semantics 3).
 */
import assert from "node:assert/strict";
import { IdempotencyConflictError, MessageRejectedError } from "../../mod.ts";
import { newAgent, withEngine } from "./support.ts";

Deno.test("send() with a postId already applied to other content fails with IdempotencyConflictError", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    const first = await session.send("Hello!", { postId: "p-1" });
    assert.equal(first.duplicate, false);
    const retry = await session.send("Hello!", { postId: "p-1" });
    assert.equal(retry.duplicate, true, "the same content is a retry: acknowledged as a duplicate");
    assert.equal(retry.messageId, first.messageId);
    const error = await session.send("Something else", { postId: "p-1" }).then(
      () => assert.fail("a reused id with other content was accepted"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof IdempotencyConflictError, String(error));
    assert.ok(error instanceof MessageRejectedError);
    assert.equal(error.code, "idempotency_conflict");
    assert.equal(error.postId, "p-1");
    assert.match(error.message, /other content/);
    const history = await session.getMessages();
    assert.equal(history.filter((m) => m.sender.role === "user").length, 1, "nothing else was applied");
  });
});

Deno.test("sendMany() with a batchId already applied to other messages fails with IdempotencyConflictError", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.sendMany(["One", "Two"], { batchId: "b-1" });
    const error = await session.sendMany(["One", "Three"], { batchId: "b-1" }).then(
      () => assert.fail("a reused batch id with other messages was accepted"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof IdempotencyConflictError, String(error));
    assert.equal(error.batchId, "b-1");
  });
});
