import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { type RecordingOpenAI, SECRET_BODY, startRecordingOpenAI } from "./support/recording_openai.ts";
import { TestClient } from "./support/ws_client.ts";

type Agent = components["schemas"]["Agent"];
const OPERATOR_KEY = "sk-operator-secret";
const isIdle = (e: ServerEvent) => e.type === "participant_status" && e.data.status === "idle";

async function withUpstream(fn: (upstream: RecordingOpenAI) => Promise<void>): Promise<void> {
  const upstream = startRecordingOpenAI();
  try {
    await fn(upstream);
  } finally {
    await upstream.close();
  }
}

/** Runs one turn of a new session of `agent`; returns the events of the turn. */
async function turn(engine: { url: string; apiKey: string }, agent: Agent): Promise<ServerEvent[]> {
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("p1", "Hello");
  const events = await client.until(isIdle);
  await client.close();
  return events;
}

Deno.test("the operator's OPENAI_API_KEY is never sent to a base_url an agent chose", async () => {
  await withUpstream(async (upstream) => {
    await using engine = await testEngine({
      env: { OPENAI_API_KEY: OPERATOR_KEY, OPENAI_BASE_URL: upstream.baseUrl },
    });
    const own = await createAgent(engine, {
      llm_info: { provider: "openai", model_id: "m", base_url: `${upstream.baseUrl}/tenant` },
    });
    const events = await turn(engine, own);
    assert.equal(events.find((e) => e.type === "message_complete")?.data.status, "complete");
    assert.equal(upstream.requests.at(-1)?.path, "/v1/tenant/chat/completions");
    assert.equal(upstream.requests.at(-1)?.authorization, null, "no key goes to the agent's own server");

    const operators = await createAgent(engine, { llm_info: { provider: "openai", model_id: "m" } });
    await turn(engine, operators);
    assert.equal(upstream.requests.at(-1)?.path, "/v1/chat/completions");
    assert.equal(
      upstream.requests.at(-1)?.authorization,
      `Bearer ${OPERATOR_KEY}`,
      "the operator's key still goes to the operator's server",
    );
  });
});

Deno.test("changing base_url or endpoint drops the stored key; a same-server update keeps it", async () => {
  await withUpstream(async (upstream) => {
    await using engine = await testEngine();
    const agent = await createAgent(engine, {
      llm_info: { provider: "openai", model_id: "m", api_key: "sk-tenant", base_url: upstream.baseUrl },
    });
    const patch = (llm_info: components["schemas"]["LlmInfo"]) =>
      rest(engine, "PATCH", `/v1/agents/${agent.id}`, { llm_info });

    assert.equal(
      (await patch({ provider: "openai", model_id: "m2", base_url: upstream.baseUrl })).status,
      200,
    );
    await turn(engine, agent);
    assert.equal(upstream.requests.at(-1)?.authorization, "Bearer sk-tenant", "same server: key kept");

    const moved = `${upstream.baseUrl}/elsewhere`;
    assert.equal((await patch({ provider: "openai", model_id: "m2", base_url: moved })).status, 200);
    await turn(engine, agent);
    assert.equal(upstream.requests.at(-1)?.path, "/v1/elsewhere/chat/completions");
    assert.equal(upstream.requests.at(-1)?.authorization, null, "the key does not follow the agent");

    assert.equal(
      (await patch({ provider: "openai", model_id: "m2", endpoint: upstream.baseUrl, api_key: "sk-2" }))
        .status,
      200,
    );
    assert.equal((await patch({ provider: "openai", model_id: "m2", endpoint: moved })).status, 200);
    await turn(engine, agent);
    assert.equal(upstream.requests.at(-1)?.authorization, null, "a new endpoint drops the key too");
  });
});

Deno.test("a provider's error body goes to the engine log, never to the tenant; URLs lose their credentials", async () => {
  await withUpstream(async (upstream) => {
    const log: string[] = [];
    await using engine = await testEngine({ log: (line) => log.push(line) });
    const withCredentials = upstream.failingUrl.replace("http://", "http://admin:pa55word@");
    const agent = await createAgent(engine, {
      llm_info: { provider: "openai", model_id: "m", api_key: "sk-tenant", base_url: withCredentials },
    });
    const events = await turn(engine, agent);
    const error = events.find((e) => e.type === "error");
    assert.ok(error?.type === "error");
    assert.equal(error.data.code, "provider_auth_failed", "a bad key has its own code");
    assert.match(error.data.error, /answered 401; check llm_info\.api_key/);
    const seen = JSON.stringify(events);
    assert.ok(!seen.includes("hunter2"), "the upstream body is not shown");
    assert.ok(!seen.includes("pa55word"), "credentials in the base URL are not shown");
    assert.ok(log.some((line) => line.includes(SECRET_BODY)), "the operator's log has the body");
    assert.equal(upstream.requests.at(-1)?.path, "/fail/v1/chat/completions");
  });
});

Deno.test("allowedModelHosts refuses agents that name another model server", async () => {
  await using engine = await testEngine({ allowedModelHosts: ["models.internal:8000"] });
  const refused = await rest<components["schemas"]["Error"]>(engine, "POST", "/v1/agents", {
    name: "elsewhere",
    llm_info: { provider: "openai", model_id: "m", base_url: "http://169.254.169.254/latest" },
  });
  assert.equal(refused.status, 422);
  assert.match(refused.body.error, /names host 169\.254\.169\.254, which this engine does not allow/);
  const allowed = await rest(engine, "POST", "/v1/agents", {
    name: "inside",
    llm_info: { provider: "openai", model_id: "m", base_url: "http://models.internal:8000/v1" },
  });
  assert.equal(allowed.status, 201);
});
