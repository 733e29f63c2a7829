import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, metric, rest, testEngine } from "./support/engine_fixture.ts";
import { startEngineWithStore } from "../../src/engine/engine.ts";
import { MemoryStore } from "../../src/engine/store/memory_store.ts";
import { type Ev, TestClient } from "./support/ws_client.ts";

type Tool = components["schemas"]["Tool"];
const isComplete = (e: ServerEvent) => e.type === "message_complete";

async function sessionWith(tools: Tool[], options: Parameters<typeof testEngine>[0] = {}) {
  const engine = await testEngine(options);
  const agent = await createAgent(engine, { tools });
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  return { engine, client, sessionId };
}

Deno.test("an auto_run tool emits tool_call then tool_result, and the model answers with the result", async () => {
  const { engine, client } = await sessionWith([{
    name: "calc",
    tool_type: "calculator",
    approval_config: "auto_run",
  }]);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const events = await client.until(isComplete);
  const call = events.find((e) => e.type === "tool_call");
  const result = events.find((e) => e.type === "tool_result");
  assert.ok(call?.type === "tool_call" && result?.type === "tool_result");
  assert.ok(events.indexOf(call) < events.indexOf(result));
  assert.deepEqual(call.data.arguments, { expression: "23 * 19" });
  assert.equal(call.data.tool_type, "calculator");
  assert.equal(call.data.status, "running");
  assert.equal(result.data.call_id, call.data.call_id);
  assert.equal(result.data.status, "success");
  assert.match(result.data.result, /437/);
  assert.ok(events.some((e) => e.type === "participant_status" && e.data.status === "running_tool"));
  const complete = events.at(-1);
  assert.ok(complete?.type === "message_complete" && /437/.test(complete.data.text));
  assert.equal(call.message_id, complete.message_id);
  await client.close();
});

Deno.test("a search tool emits search_result between tool_call and tool_result", async () => {
  const { engine, client } = await sessionWith([{ name: "kb", tool_type: "knowledge_search" }], {
    knowledgeDocuments: [
      { title: "Refund policy", text: "Refunds are paid within 14 days of a return." },
      { title: "Shipping", text: "Orders ship in two business days." },
    ],
  });
  await using _ = engine;
  client.post("q", "Search the docs for the refund policy");
  const events = await client.until(isComplete);
  const types = events.map((e) => e.type).filter((t) => t.startsWith("tool_") || t === "search_result");
  assert.deepEqual(types, ["tool_call", "search_result", "tool_result"]);
  const search = events.find((e) => e.type === "search_result");
  assert.ok(search?.type === "search_result");
  assert.equal(search.data.results[0]?.title, "Refund policy");
  assert.equal(search.data.call_id, events.find((e) => e.type === "tool_call")?.data.call_id);
  await client.close();
});

Deno.test("documents added over REST are searchable by that organisation only", async () => {
  await using engine = await testEngine({ apiKeys: ["vs-a", "vs-b"] });
  const added = await rest<components["schemas"]["KnowledgeDocument"]>(
    engine,
    "POST",
    "/v1/knowledge/documents",
    {
      title: "Warranty",
      text: "The warranty lasts three years.",
    },
    "vs-a",
  );
  assert.equal(added.status, 201);
  assert.equal(added.body.chars, 31);
  for (const [key, expected] of [["vs-a", 1], ["vs-b", 0]] as const) {
    const agent = await createAgent(engine, { tools: [{ name: "kb", tool_type: "knowledge_search" }] }, key);
    const { client } = await TestClient.connect(engine.url, key, { agent_id: agent.id });
    client.post("q", "Search the docs for warranty");
    const search = await client.next("search_result");
    assert.equal(search.data.results.length, expected, key);
    await client.close();
  }
});

Deno.test("static inputs are fixed values merged into the arguments", async () => {
  const { engine, client } = await sessionWith([{
    name: "calc",
    tool_type: "calculator",
    inputs: { expression: { type: "static", value: "2 + 2" } },
  }]);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const call = await client.next("tool_call");
  assert.deepEqual(call.data.arguments, { expression: "2 + 2" });
  const result = await client.next("tool_result");
  assert.equal(result.data.result.trim(), "4");
  await client.close();
});

Deno.test("a tool type with no runner fails with a clear tool_result error", async () => {
  const { engine, client } = await sessionWith([{ name: "send_email", tool_type: "email" }]);
  await using _ = engine;
  client.post("q", "Please send_email to the team about the launch.");
  const events = await client.until(isComplete);
  const result = events.find((e) => e.type === "tool_result");
  assert.ok(result?.type === "tool_result" && result.data.status === "error");
  assert.match(result.data.result, /Tool type "email" has no runner/);
  const complete = events.at(-1);
  assert.ok(complete?.type === "message_complete" && complete.data.status === "complete");
  await client.close();
});

const APPROVAL: Tool[] = [{ name: "calc", tool_type: "calculator", approval_config: "requires_approval" }];

Deno.test("requires_approval pauses the turn; approving with confirm overrides the arguments; a second answer is harmless", async () => {
  const { engine, client } = await sessionWith(APPROVAL);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const read = await client.until((e) => e.type === "approval_request");
  assert.ok(read.some((e) => e.type === "participant_status" && e.data.status === "awaiting_approval"));
  const request = read.at(-1) as Ev<"approval_request">;
  assert.deepEqual(request.data.arguments, { expression: "23 * 19" });
  assert.match(request.data.tool_id, /^tool_/);
  assert.equal(read.filter((e) => e.type === "tool_call").length, 0, "nothing runs before approval");
  client.send({
    type: "approval_response",
    request_id: request.data.request_id,
    approved: true,
    confirm: { expression: "6 * 7" },
  });
  const call = await client.next("tool_call");
  assert.deepEqual(call.data.arguments, { expression: "6 * 7" });
  assert.equal(call.data.call_id, request.data.call_id);
  assert.match((await client.next("tool_result")).data.result, /42/);
  await client.next("message_complete");
  client.send({ type: "approval_response", request_id: request.data.request_id, approved: false });
  const again = await client.next("error");
  assert.equal(again.data.code, "approval_already_resolved");
  assert.equal(again.logged, false);
  client.send({ type: "approval_response", request_id: "apr_unknown", approved: true });
  assert.equal((await client.next("error")).data.code, "approval_not_found");
  await client.close();
});

Deno.test("denying an approval gives the model a denied result with the reason", async () => {
  const { engine, client } = await sessionWith(APPROVAL);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const request = await client.next("approval_request");
  client.send({
    type: "approval_response",
    request_id: request.data.request_id,
    approved: false,
    deny_reason: "not today",
  });
  const events = await client.until(isComplete);
  assert.equal(events.filter((e) => e.type === "tool_call").length, 0);
  const result = events.find((e) => e.type === "tool_result");
  assert.ok(
    result?.type === "tool_result" && result.data.status === "denied" && result.data.result === "not today",
  );
  const complete = events.at(-1);
  assert.ok(complete?.type === "message_complete" && /not today/.test(complete.data.text));
  await client.close();
});

Deno.test("an unanswered approval request is sent again after a resume and can be answered there", async () => {
  const { engine, client, sessionId } = await sessionWith(APPROVAL);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const request = await client.next("approval_request");
  await client.close();
  const { client: resumed } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: request.seq,
  });
  const copy = await resumed.next("approval_request");
  assert.equal(copy.logged, false);
  assert.equal(copy.data.request_id, request.data.request_id);
  assert.deepEqual(copy.data, request.data);
  const { client: replayed } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: sessionId,
    last_seq: request.seq - 1,
  });
  const replay = await replayed.until((e) => e.type === "approval_request");
  assert.equal(replay.length, 1);
  assert.ok(replay[0]?.logged, "a cursor before the request replays the original, not a copy");
  resumed.send({ type: "approval_response", request_id: copy.data.request_id, approved: true });
  const complete = await resumed.next("message_complete");
  assert.match(complete.data.text, /437/);
  await replayed.next("message_complete");
  await Promise.all([resumed.close(), replayed.close()]);
});

Deno.test("cancel while awaiting approval cancels the call and the turn", async () => {
  const { engine, client } = await sessionWith(APPROVAL);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  const request = await client.next("approval_request");
  client.send({ type: "cancel_turn" });
  const events = await client.until(isComplete);
  assert.deepEqual(events.map((e) => e.type).filter((t) => t !== "participant_status"), [
    "tool_result",
    "turn_cancelled",
    "message_complete",
  ]);
  const result = events.find((e) => e.type === "tool_result");
  assert.ok(result?.type === "tool_result" && result.data.status === "cancelled");
  client.send({ type: "approval_response", request_id: request.data.request_id, approved: true });
  assert.equal((await client.next("error")).data.code, "approval_already_resolved");
  await client.close();
});

Deno.test("terminate while awaiting approval stops the turn at once", async () => {
  const { engine, client, sessionId } = await sessionWith(APPROVAL);
  await using _ = engine;
  client.post("q", "What is 23 * 19?");
  await client.next("approval_request");
  assert.equal(await metric(engine, "vectorshift_active_generations"), 1);
  const answer = await rest(engine, "POST", `/v1/sessions/${sessionId}/terminate`);
  assert.equal(answer.status, 200);
  assert.equal(await metric(engine, "vectorshift_active_generations"), 0);
  await client.next("session_terminated");
  await client.closed;
});

Deno.test("documents added over REST are searchable again after a restart on the same store", async () => {
  const store = new MemoryStore();
  {
    await using first = await startEngineWithStore({ port: 0, apiKeys: ["vs-docs"] }, store);
    const added = await rest(first, "POST", "/v1/knowledge/documents", {
      title: "Warranty",
      text: "The warranty lasts three years.",
    });
    assert.equal(added.status, 201);
  }
  await using engine = await startEngineWithStore(
    { port: 0, apiKeys: ["vs-docs"], offlineModel: { tokensPerSecond: 0 } },
    store,
  );
  const agent = await createAgent(engine, { tools: [{ name: "kb", tool_type: "knowledge_search" }] });
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("q", "Search the docs for warranty");
  const search = await client.next("search_result");
  assert.equal(search.data.results[0]?.title, "Warranty");
  await client.close();
});

Deno.test("an organisation's knowledge base is bounded: a document beyond maxKnowledgeChars gets 413", async () => {
  await using engine = await testEngine({ maxKnowledgeChars: 100 });
  const first = await rest(engine, "POST", "/v1/knowledge/documents", { title: "A", text: "x".repeat(80) });
  assert.equal(first.status, 201);
  const refused = await rest<{ error: string }>(engine, "POST", "/v1/knowledge/documents", {
    title: "B",
    text: "y".repeat(30),
  });
  assert.equal(refused.status, 413);
  assert.match(refused.body.error, /would exceed 100 characters of text \(it holds 80\)/);
});
