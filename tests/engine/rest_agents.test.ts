import assert from "node:assert/strict";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";

type Agent = components["schemas"]["Agent"];
type AgentList = components["schemas"]["AgentList"];
type ErrorBody = components["schemas"]["Error"];

Deno.test("REST refuses a missing or wrong key with 401 and an actionable error body", async () => {
  await using engine = await testEngine();
  const missing = await rest<ErrorBody>(engine, "GET", "/v1/agents", undefined, null);
  assert.equal(missing.status, 401);
  assert.equal(missing.body.status, "failed");
  assert.match(missing.body.error, /Authorization: Bearer/);
  const wrong = await rest<ErrorBody>(engine, "GET", "/v1/agents", undefined, "vs-wrong");
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.error, /Invalid API key/);
  const health = await rest(engine, "GET", "/v1/health", undefined, null);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, "ok");
  assert.equal(health.body.protocol_version, 1);
});

Deno.test("agents: create, get, find by name, list with limit/offset, update, delete", async () => {
  await using engine = await testEngine();
  const created = await createAgent(engine, {
    name: "Researcher",
    instructions: "Be brief.",
    llm_info: { provider: "openai", model_id: "gpt-4o", api_key: "sk-secret" },
    tools: [{ name: "calc", tool_type: "calculator", approval_config: "auto_run" }],
  });
  assert.equal(created.type, "conversational");
  assert.equal(created.llm_info.api_key, undefined, "the provider key is never returned");
  assert.match(created.tools[0]?.id ?? "", /^tool_/);
  assert.equal(created.memory_config.enable_session_memory, true);

  const got = await rest<Agent>(engine, "GET", `/v1/agents/${created.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, created);

  const byName = await rest<AgentList>(engine, "GET", "/v1/agents?name=Researcher");
  assert.deepEqual(byName.body.agents.map((a) => a.id), [created.id]);
  const noName = await rest<AgentList>(engine, "GET", "/v1/agents?name=Nobody");
  assert.deepEqual(noName.body, { agents: [], total: 0 });

  for (const name of ["B", "C", "D"]) await createAgent(engine, { name });
  const page = await rest<AgentList>(engine, "GET", "/v1/agents?limit=2&offset=1");
  assert.equal(page.body.total, 4);
  assert.deepEqual(page.body.agents.map((a) => a.name), ["B", "C"]);
  assert.equal((await rest(engine, "GET", "/v1/agents?limit=0")).status, 400);
  assert.equal((await rest(engine, "GET", "/v1/agents?offset=-1")).status, 400);

  const updated = await rest<Agent>(engine, "PATCH", `/v1/agents/${created.id}`, {
    instructions: "Answer in one sentence.",
    llm_info: { provider: "simulator", model_id: "offline" },
    tools: [{ name: "clock", tool_type: "current_time" }],
  });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.instructions, "Answer in one sentence.");
  assert.equal(updated.body.llm_info.provider, "simulator");
  assert.deepEqual(updated.body.tools.map((t) => t.name), ["clock"]);
  assert.equal(updated.body.name, "Researcher", "fields left out are unchanged");

  const deleted = await rest(engine, "DELETE", `/v1/agents/${created.id}`);
  assert.deepEqual(deleted.body, { status: "success", id: created.id });
  assert.equal((await rest(engine, "GET", `/v1/agents/${created.id}`)).status, 404);
  assert.equal((await rest(engine, "DELETE", `/v1/agents/${created.id}`)).status, 404);
});

Deno.test("agents: name clash 409, schema violation 422 naming the field, bad JSON 400, oversize 413", async () => {
  await using engine = await testEngine({ maxFrameBytes: 4096 });
  await createAgent(engine, { name: "Taken" });
  const clash = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "Taken",
    llm_info: { provider: "simulator", model_id: "x" },
  });
  assert.equal(clash.status, 409);
  assert.match(clash.body.error, /already exists/);

  const invalid = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "X",
    llm_info: { provider: "simulator" },
  });
  assert.equal(invalid.status, 422);
  assert.match(invalid.body.error, /llm_info/);
  const badTool = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "Y",
    llm_info: { provider: "simulator", model_id: "x" },
    tools: [{ name: "has space", tool_type: "calculator" }],
  });
  assert.equal(badTool.status, 422);
  assert.match(badTool.body.error, /tools\.0\.name/);
  const unsupported = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "Z",
    llm_info: { provider: "mistral", model_id: "large", api_key: "k" },
  });
  assert.equal(unsupported.status, 422, "a provider the engine cannot serve with the credentials given");
  assert.match(unsupported.body.error, /not supported/);

  const badJson = await rest<ErrorBody>(engine, "POST", "/v1/agents", "{not json");
  assert.equal(badJson.status, 400);
  assert.match(badJson.body.error, /not valid JSON/);
  const huge = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "Big",
    llm_info: { provider: "simulator", model_id: "x" },
    instructions: "x".repeat(10_000),
  });
  assert.equal(huge.status, 413);
});

Deno.test("unknown routes answer 404 with the list of routes; wrong methods 405", async () => {
  await using engine = await testEngine();
  const unknown = await rest<ErrorBody>(engine, "GET", "/v1/nothing");
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error, /Known routes: .*GET \/v1\/agents/);
  const method = await rest<ErrorBody>(engine, "PUT", "/v1/agents");
  assert.equal(method.status, 405);
  assert.match(method.headers.get("allow") ?? "", /POST/);
  const notWs = await rest<ErrorBody>(engine, "GET", "/v1/sessions/ws");
  assert.equal(notWs.status, 426);
});

Deno.test("each key is an organisation: another organisation's agent and chatbot answer 404", async () => {
  await using engine = await testEngine({ apiKeys: ["vs-org-a", "vs-org-b"] });
  assert.equal(engine.apiKey, "vs-org-a");
  const agent = await createAgent(engine, { name: "Shared name" }, "vs-org-a");
  await createAgent(engine, { name: "Shared name" }, "vs-org-b");
  assert.equal((await rest(engine, "GET", `/v1/agents/${agent.id}`, undefined, "vs-org-b")).status, 404);
  assert.equal(
    (await rest(engine, "PATCH", `/v1/agents/${agent.id}`, { name: "x" }, "vs-org-b")).status,
    404,
  );
  const list = await rest<AgentList>(engine, "GET", "/v1/agents", undefined, "vs-org-b");
  assert.equal(list.body.total, 1);
  const chatbot = await rest<{ id: string }>(engine, "POST", "/v1/chatbots", {
    name: "Bot",
    agent_id: agent.id,
  });
  assert.equal(chatbot.status, 201);
  assert.equal(
    (await rest(engine, "GET", `/v1/chatbots/${chatbot.body.id}`, undefined, "vs-org-b")).status,
    404,
  );
  const foreignBind = await rest(
    engine,
    "POST",
    "/v1/chatbots",
    { name: "Bot", agent_id: agent.id },
    "vs-org-b",
  );
  assert.equal(foreignBind.status, 404);
});

Deno.test("chatbots: create bound to an agent, fetch by id or name, delete", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const created = await rest<components["schemas"]["Chatbot"]>(engine, "POST", "/v1/chatbots", {
    name: "Support",
    description: "Answers questions",
    agent_id: agent.id,
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.agent_id, agent.id);
  assert.deepEqual((await rest(engine, "GET", `/v1/chatbots/${created.body.id}`)).body, created.body);
  const byName = await rest<components["schemas"]["ChatbotList"]>(engine, "GET", "/v1/chatbots?name=Support");
  assert.deepEqual(byName.body.chatbots.map((c) => c.id), [created.body.id]);
  assert.equal(
    (await rest(engine, "POST", "/v1/chatbots", { name: "Support", agent_id: agent.id })).status,
    409,
  );
  assert.equal(
    (await rest(engine, "POST", "/v1/chatbots", { name: "Other", agent_id: "agt_missing" })).status,
    404,
  );
  const functional = await createAgent(engine, { type: "functional" });
  assert.equal(
    (await rest(engine, "POST", "/v1/chatbots", { name: "F", agent_id: functional.id })).status,
    422,
  );
  assert.deepEqual((await rest(engine, "DELETE", `/v1/chatbots/${created.body.id}`)).body, {
    status: "success",
    id: created.body.id,
  });
  assert.equal((await rest(engine, "GET", `/v1/chatbots/${created.body.id}`)).status, 404);
});

Deno.test("REST requests count against the per-key rate limit and answer 429 with Retry-After", async () => {
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 1, burst: 3 } });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await rest(engine, "GET", "/v1/agents")).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const limited = await rest<ErrorBody>(engine, "GET", "/v1/agents");
  assert.match(limited.body.error, /Too many requests/);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
});
