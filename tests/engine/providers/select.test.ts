import assert from "node:assert/strict";
import { ProviderError } from "../../../src/engine/model.ts";
import { type LlmInfo, selectProvider } from "../../../src/engine/providers/select.ts";
import { startReplayServer } from "../../support/replay_server.ts";
import { collect, user } from "./helpers.ts";

const openai: LlmInfo = { provider: "openai", model_id: "gpt-4o" };

Deno.test("selectProvider() picks the simulator for provider 'simulator'", () => {
  const { provider } = selectProvider({ provider: "simulator", model_id: "anything" }, { env: {} });
  assert.equal(provider.provider, "simulator");
  assert.equal(provider.simulated, true);
});

Deno.test("selectProvider() falls back to the simulator with a notice when openai has no credentials", () => {
  const { provider, notice } = selectProvider(openai, { env: {} });
  assert.equal(provider.simulated, true);
  assert.equal(
    notice,
    'No credentials for provider "openai" (set llm_info.api_key or OPENAI_API_KEY): the offline model simulator answers instead.',
  );
  const blank = selectProvider({ ...openai, api_key: "  " }, { env: { OPENAI_API_KEY: "" } });
  assert.equal(blank.provider.simulated, true, "empty keys are no credentials");
});

Deno.test("selectProvider() never substitutes the simulator when credentials are given", () => {
  const cases: Array<[LlmInfo, Record<string, string>]> = [
    [{ ...openai, api_key: "sk-1" }, {}],
    [openai, { OPENAI_API_KEY: "sk-env" }],
    [{ provider: "ollama", model_id: "llama3.2", base_url: "http://127.0.0.1:11434/v1" }, {}],
    [{ provider: "vllm", model_id: "m", endpoint: "http://127.0.0.1:8000/v1" }, {}],
    [{ provider: "lmstudio", model_id: "m" }, { OPENAI_BASE_URL: "http://127.0.0.1:1234/v1" }],
    [{ provider: "openai_compatible", model_id: "m", api_key: "k" }, {}],
  ];
  for (const [llmInfo, env] of cases) {
    const { provider, notice } = selectProvider(llmInfo, { env });
    assert.equal(provider.simulated, false, JSON.stringify(llmInfo));
    assert.equal(provider.provider, "openai");
    assert.equal(notice, undefined);
  }
  const tuned = selectProvider({ ...openai, api_key: "k", fine_tuned_model_id: "ft:gpt-4o:acme" }, {
    env: {},
  });
  assert.equal(tuned.provider.modelId, "ft:gpt-4o:acme");
});

Deno.test("selectProvider() refuses unsupported providers with credentials and notes them without", () => {
  assert.throws(
    () => selectProvider({ provider: "anthropic", model_id: "claude", api_key: "k" }, { env: {} }),
    (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(
        error.message,
        'Provider anthropic is not supported by this engine; use provider "openai" with base_url for OpenAI-compatible servers, or "simulator".',
      );
      return true;
    },
  );
  assert.throws(() =>
    selectProvider({ provider: "anthropic", model_id: "c" }, { env: { ANTHROPIC_API_KEY: "k" } })
  );
  const { provider, notice } = selectProvider({ provider: "anthropic", model_id: "claude" }, { env: {} });
  assert.equal(provider.simulated, true);
  assert.match(notice ?? "", /"anthropic"/);
});

Deno.test("selectProvider() wires base URL, key, model and retries into the HTTP provider", async () => {
  const server = await startReplayServer([
    { fixture: "error_500.json", status: 500, headers: { "retry-after": "0" } },
    { fixture: "text_stream.sse" },
  ]);
  try {
    const { provider } = selectProvider(
      { provider: "openai", model_id: "gpt-4o", base_url: server.baseUrl, api_key: "sk-abc", max_retries: 1 },
      { env: { OPENAI_API_KEY: "sk-ignored" } },
    );
    assert.equal((await collect(provider, [user("hi")])).text, "The capital of France is Paris.");
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]?.headers["authorization"], "Bearer sk-abc");
    assert.equal((server.requests[1]?.body as { model?: string }).model, "gpt-4o");
  } finally {
    await server.close();
  }
});

Deno.test("selectProvider() passes the simulator speed and an injected fetch through", async () => {
  const sim = selectProvider(openai, { env: {}, simulator: { tokensPerSecond: 0 } }).provider;
  assert.equal((await collect(sim, [user("Hello")])).text, "Hello! How can I help you today?");
  const urls: string[] = [];
  const fakeFetch: typeof fetch = (input) => {
    urls.push(String(input));
    return Promise.resolve(new Response("data: [DONE]\n\n"));
  };
  const { provider } = selectProvider({ ...openai, api_key: "k" }, { env: {}, fetch: fakeFetch });
  await collect(provider, [user("x")]);
  assert.deepEqual(urls, ["https://api.openai.com/v1/chat/completions"]);
});
