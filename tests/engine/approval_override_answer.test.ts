/**
 * An approval that overrides a tool's arguments changes what runs, and the answer says what ran: the
 * model is told the arguments the tool actually used (issue 14: "6*7 = 43" quoted the model's own
 * arguments beside the result of the overridden ones).
 */
import assert from "node:assert/strict";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { type Ev, TestClient } from "./support/ws_client.ts";

Deno.test("approving a calculator call with confirm: the answer reflects the expression that ran", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine, {
    tools: [{ name: "calc", tool_type: "calculator", approval_config: "requires_approval" }],
  });
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await client.next("session_created");
  client.post("q", "What is 6*7?");
  const request: Ev<"approval_request"> = await client.next("approval_request");
  assert.deepEqual(request.data.arguments, { expression: "6*7" });
  client.send({
    type: "approval_response",
    request_id: request.data.request_id,
    approved: true,
    confirm: { expression: "6*7+1" },
  });
  const complete = await client.next("message_complete");
  assert.equal(complete.data.status, "complete");
  assert.match(complete.data.text, /6\*7\+1/);
  assert.match(complete.data.text, /\b43\b/);
  assert.doesNotMatch(complete.data.text, /6\*7 = 43/);
  await client.close();
});
