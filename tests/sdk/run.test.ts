/** Agent.run(): one conversational turn through a hidden session. */
import assert from "node:assert/strict";
import { ConversationalRunActionRequiredError, Session, ToolApprovalConfig } from "../../mod.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

async function sessionState(baseUrl: string, apiKey: string, id: string): Promise<number> {
  const response = await fetch(`${baseUrl}/v1/sessions/${id}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("run() with keepAlive, then run() with its sessionId continues the conversation", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, "You are helpful.", {
      memory_config: { enable_session_memory: true },
    });
    const first = await agent.run("My name is Alice. Please remember it.", { keepAlive: true });
    assert.equal(first.status, "success");
    assert.match(first.sessionId, /\S/);
    assert.ok(first.finalMessage.length > 0);
    assert.equal(first.events[0]?.type, "message_posted");
    assert.equal(first.events.at(-1)?.type, "message_complete");
    assert.ok(first.events.every((e) => e.type !== "message_delta"), "deltas are left out by default");

    const second = await agent.run("What is my name?", { sessionId: first.sessionId, includeDeltas: true });
    assert.equal(second.sessionId, first.sessionId);
    assert.match(second.finalMessage, /Alice/);
    const deltas = second.events.filter((e) => e.type === "message_delta").map((e) => e.delta).join("");
    assert.equal(deltas, second.finalMessage);
    assert.ok(
      second.events.every((e) => e.type !== "session_created"),
      "earlier events are not in the result",
    );
    assert.equal(await sessionState(client.baseUrl, client.apiKey, first.sessionId), 200, "still alive");
  });
});

Deno.test("run() without keepAlive terminates its hidden session", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    const result = await agent.run("Hello!");
    assert.equal(result.status, "success");
    assert.equal(await sessionState(client.baseUrl, client.apiKey, result.sessionId), 410);
  });
});

Deno.test("run() that needs an approval raises ConversationalRunActionRequiredError and keeps the session", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, "Use the calculator.", {
      tools: [{
        name: "calc",
        tool_type: "calculator",
        approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
      }],
    });
    const error = await agent.run("What is 6 * 7?").then(
      () => assert.fail("run() should have needed an approval"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConversationalRunActionRequiredError);
    assert.equal(error.event.type, "approval_request");
    assert.equal(error.event.toolName, "calc");
    // The session was kept: resume it and answer (the engine re-sends the pending request).
    await using session = new Session({ sessionId: error.sessionId, ...client });
    for await (const event of session.listen()) {
      if (event.type === "approval_request") await session.respond(event, { approved: true });
      if (event.isComplete) {
        assert.match(event.text, /42/);
        break;
      }
    }
    await session.send("Thanks!");
    assert.equal((await untilComplete(session)).at(-1)?.data.status, "complete");
  });
});
