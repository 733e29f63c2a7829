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
    () => selectProvider({ provider: "mistral", model_id: "large", api_key: "k" }, { env: {} }),
    (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(
        error.message,
        'Provider mistral is not supported by this engine; use "openai" (with base_url for OpenAI-compatible servers), "anthropic", or "simulator".',
      );
      return true;
    },
  );
  assert.throws(() =>
    selectProvider({ provider: "mistral", model_id: "c" }, { env: { MISTRAL_API_KEY: "k" } })
  );
  const { provider, notice } = selectProvider({ provider: "mistral", model_id: "large" }, { env: {} });
  assert.equal(provider.simulated, true);
  assert.match(notice ?? "", /"mistral" is not supported/);
});

Deno.test("selectProvider() serves anthropic with a key, and falls back to the simulator (saying so) without", () => {
  const claude = { provider: "anthropic", model_id: "claude-sonnet-4-5" };
  const fallback = selectProvider(claude, { env: {} });
  assert.equal(fallback.provider.simulated, true);
  assert.match(fallback.notice ?? "", /No credentials for provider "anthropic".*ANTHROPIC_API_KEY/);
  for (
    const selection of [
      selectProvider(claude, { env: { ANTHROPIC_API_KEY: "sk-ant-operator" } }),
      selectProvider({ ...claude, api_key: "sk-ant-tenant" }, { env: {} }),
      selectProvider({ ...claude, base_url: "http://127.0.0.1:9/v1" }, { env: {} }),
    ]
  ) {
    assert.equal(selection.provider.provider, "anthropic");
    assert.equal(selection.provider.simulated, false);
    assert.equal(selection.provider.modelId, "claude-sonnet-4-5");
    assert.equal(selection.notice, undefined);
  }
  assert.throws(
    () =>
      selectProvider({ ...claude, base_url: "http://evil.example/v1" }, {
        env: {},
        allowedModelHosts: ["127.0.0.1"],
      }),
    /does not allow/,
  );
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

Deno.test("selectProvider() never sends OPENAI_API_KEY to a base_url or endpoint the agent chose", async () => {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const fakeFetch: typeof fetch = (input, init) => {
    seen.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization") });
    return Promise.resolve(new Response("data: [DONE]\n\n"));
  };
  const env = { OPENAI_API_KEY: "sk-operator", OPENAI_BASE_URL: "http://operator.internal/v1" };
  for (const own of [{ base_url: "http://tenant.example/v1" }, { endpoint: "http://tenant.example/v1" }]) {
    const { provider } = selectProvider({ ...openai, ...own }, { env, fetch: fakeFetch });
    await collect(provider, [user("x")]);
    assert.deepEqual(seen.pop(), { url: "http://tenant.example/v1/chat/completions", authorization: null });
  }
  const withKey = selectProvider({ ...openai, base_url: "http://tenant.example/v1", api_key: "sk-own" }, {
    env,
    fetch: fakeFetch,
  });
  await collect(withKey.provider, [user("x")]);
  assert.equal(seen.pop()?.authorization, "Bearer sk-own");
  const operators = selectProvider(openai, { env, fetch: fakeFetch });
  await collect(operators.provider, [user("x")]);
  assert.deepEqual(seen.pop(), {
    url: "http://operator.internal/v1/chat/completions",
    authorization: "Bearer sk-operator",
  });
  const ownDefault = selectProvider({ ...openai, base_url: "https://api.openai.com/v1" }, { env });
  assert.equal(
    ownDefault.provider.simulated,
    true,
    "no key of its own: the simulator, not the operator's key",
  );
});

Deno.test("selectProvider() checks an agent's own model host against allowedModelHosts", () => {
  const options = {
    env: { OPENAI_BASE_URL: "http://anywhere.internal/v1" },
    allowedModelHosts: ["ok.example"],
  };
  assert.equal(
    selectProvider({ ...openai, base_url: "http://ok.example/v1" }, options).provider.simulated,
    false,
  );
  assert.throws(
    () => selectProvider({ ...openai, endpoint: "http://10.0.0.1:8080/v1" }, options),
    /names host 10\.0\.0\.1:8080, which this engine does not allow; use one of: ok\.example/,
  );
  assert.equal(
    selectProvider(openai, options).provider.simulated,
    false,
    "the operator's URL is not checked",
  );
});
