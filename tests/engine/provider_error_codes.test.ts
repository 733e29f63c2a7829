/**
 * Provider failures reach the session as documented `error` events whose code says what to do: a bad
 * key, a rate limit, an overloaded provider, an unknown model. Both real providers, through a real
 * engine and a local server replaying the providers' recorded error answers.
 */
import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { ANTHROPIC_API, OPENAI_API, type ReplayApi, withReplayServer } from "../support/replay_server.ts";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const CASES: Array<{ provider: string; api: ReplayApi; fixture: string; status: number; code: string }> = [
  {
    provider: "openai",
    api: OPENAI_API,
    fixture: "error_401.json",
    status: 401,
    code: "provider_auth_failed",
  },
  {
    provider: "openai",
    api: OPENAI_API,
    fixture: "error_429.json",
    status: 429,
    code: "provider_rate_limited",
  },
  {
    provider: "openai",
    api: OPENAI_API,
    fixture: "error_500.json",
    status: 503,
    code: "provider_overloaded",
  },
  {
    provider: "openai",
    api: OPENAI_API,
    fixture: "error_404_model.json",
    status: 404,
    code: "model_not_found",
  },
  {
    provider: "anthropic",
    api: ANTHROPIC_API,
    fixture: "error_401.json",
    status: 401,
    code: "provider_auth_failed",
  },
  {
    provider: "anthropic",
    api: ANTHROPIC_API,
    fixture: "error_429.json",
    status: 429,
    code: "provider_rate_limited",
  },
  {
    provider: "anthropic",
    api: ANTHROPIC_API,
    fixture: "error_529.json",
    status: 529,
    code: "provider_overloaded",
  },
  {
    provider: "anthropic",
    api: ANTHROPIC_API,
    fixture: "error_404_model.json",
    status: 404,
    code: "model_not_found",
  },
];

for (const { provider, api, fixture, status, code } of CASES) {
  Deno.test(`${provider} answering ${status} ends the turn with an error event coded ${code}`, async () => {
    await withReplayServer([{ fixture, status }], async (server) => {
      await using engine = await testEngine();
      const agent = await createAgent(engine, {
        llm_info: { provider, model_id: "m", api_key: "k", base_url: server.baseUrl, max_retries: 0 },
      });
      const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
      client.post("p1", "Hello");
      const events: ServerEvent[] = await client.until((e) => e.type === "message_complete");
      await client.close();
      const error = events.find((e) => e.type === "error");
      assert.ok(error?.type === "error", JSON.stringify(events.map((e) => e.type)));
      assert.equal(error.data.code, code);
      assert.match(error.data.error, new RegExp(`answered ${status}`));
      const complete = events.at(-1);
      assert.ok(complete?.type === "message_complete" && complete.data.status === "error");
    }, api);
  });
}
