/**
 * The Anthropic provider against a local server replaying recorded Messages API streams: the request
 * it sends, text, streamed tool use, thinking blocks, an error mid-stream, an abort mid-stream, HTTP
 * errors with their codes, and the operator-key rule.
 */
import assert from "node:assert/strict";
import { type ModelChunk, type ModelRequest, ProviderError } from "../../../src/engine/model.ts";
import { createAnthropic } from "../../../src/engine/providers/anthropic.ts";
import { selectProvider } from "../../../src/engine/providers/select.ts";
import { ANTHROPIC_API, type ReplayStep, withReplayServer } from "../../support/replay_server.ts";
import { builtinTools, collect, user, userFile } from "./helpers.ts";

function provider(baseUrl: string, extra: { maxRetries?: number } = {}) {
  return createAnthropic({
    baseUrl,
    modelId: "claude-sonnet-4-5",
    apiKey: "sk-ant-test",
    retryIntervalMs: 1,
    ...extra,
  });
}

function replay(steps: ReplayStep[], fn: Parameters<typeof withReplayServer>[1]): Promise<void> {
  return withReplayServer(steps, fn, ANTHROPIC_API);
}

Deno.test("Anthropic provider posts a streamed Messages request with the conversation, and streams text", async () => {
  await replay([{ fixture: "text_stream.sse" }], async (server) => {
    const model = provider(server.baseUrl);
    assert.equal(model.provider, "anthropic");
    assert.equal(model.simulated, false);
    const { text, chunks } = await collect(model, [
      user("Hi"),
      {
        role: "assistant",
        text: "",
        toolCalls: [{ callId: "toolu_1", name: "calc", arguments: { expression: "6*7" } }],
      },
      {
        role: "tool",
        callId: "toolu_1",
        name: "calc",
        status: "success",
        result: "43",
        arguments: { expression: "6*7+1" },
      },
      { role: "assistant", text: "6*7+1 = 43." },
      {
        role: "user",
        content: [
          ...userFile("notes.txt", "text/plain", "alpha").content,
          { kind: "file", mime_type: "image/png", filename: "dot.png", data_base64: "iVBORw0KGgo=" },
        ],
      },
    ], { instructions: "Be helpful.", tools: builtinTools.slice(0, 1) });
    assert.equal(text, "The capital of France is Paris.");
    assert.ok(chunks.every((c) => c.type === "text"));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, "/v1/messages");
    assert.equal(request.headers["x-api-key"], "sk-ant-test");
    assert.equal(request.headers["anthropic-version"], "2023-06-01");
    assert.equal(request.headers["authorization"], undefined);
    assert.deepEqual(request.body, {
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      stream: true,
      system: "Be helpful.",
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "calc", input: { expression: "6*7" } }],
        },
        {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: '[ran with arguments {"expression":"6*7+1"}] 43',
          }],
        },
        { role: "assistant", content: [{ type: "text", text: "6*7+1 = 43." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "File notes.txt (text/plain):\nalpha" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
      tools: [{
        name: "calc",
        description: "calculator tool",
        input_schema: { type: "object", properties: { expression: { type: "string" } } },
      }],
    });
  });
});

Deno.test("Anthropic provider assembles tool use from streamed input_json_delta fragments", async () => {
  await replay([{ fixture: "tool_use_stream.sse" }], async (server) => {
    const { chunks } = await collect(provider(server.baseUrl), [user("What is 23 * 19?")], {
      tools: builtinTools,
    });
    assert.deepEqual(chunks, [
      { type: "text", delta: "Let me work that out." },
      {
        type: "tool_call",
        call: { callId: "toolu_01CalcReplay", name: "calc", arguments: { expression: "23 * 19" } },
      },
    ]);
  });
});

Deno.test("Anthropic provider maps a thinking block to one thinking chunk before the text", async () => {
  await replay([{ fixture: "thinking_stream.sse" }], async (server) => {
    const { chunks } = await collect(provider(server.baseUrl), [user("What is 27 * 453?")]);
    assert.deepEqual(chunks, [
      { type: "thinking", summary: "The user wants 27 * 453. 27 * 453 = 12,231." },
      { type: "text", delta: "27 * 453 = 12,231." },
    ]);
  });
});

Deno.test("Anthropic provider surfaces an error event mid-stream with its code, the upstream text only in detail", async () => {
  await replay([{ fixture: "stream_error_overloaded.sse" }], async (server) => {
    const seen: ModelChunk[] = [];
    await assert.rejects(async () => {
      for await (const chunk of provider(server.baseUrl).stream(request([user("x")]))) seen.push(chunk);
    }, (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.code, "provider_overloaded");
      assert.match(error.message, /overloaded.*try again/);
      assert.doesNotMatch(error.message, /Overloaded/);
      assert.equal(error.detail, "Overloaded");
      return true;
    });
    assert.deepEqual(seen, [{ type: "text", delta: "Partial" }]);
  });
});

function request(messages: ModelRequest["messages"], signal = new AbortController().signal): ModelRequest {
  return { instructions: "", messages, tools: [], signal };
}

Deno.test("Anthropic provider stops reading at once when aborted mid-stream", async () => {
  await replay([{ fixture: "long_stream.sse", eventDelayMs: 20 }], async (server) => {
    const controller = new AbortController();
    const reason = new Error("turn cancelled");
    const seen: ModelChunk[] = [];
    await assert.rejects(async () => {
      for await (const chunk of provider(server.baseUrl).stream(request([user("x")], controller.signal))) {
        seen.push(chunk);
        if (seen.length === 2) controller.abort(reason);
      }
    }, (error) => error === reason);
    assert.equal(seen.length, 2, "no chunk after the abort");
    await server.streamCancelled;
  });
});

const HTTP_ERRORS: Array<{ fixture: string; status: number; code: string; hint: RegExp }> = [
  {
    fixture: "error_401.json",
    status: 401,
    code: "provider_auth_failed",
    hint: /check llm_info\.api_key or ANTHROPIC_API_KEY/,
  },
  {
    fixture: "error_429.json",
    status: 429,
    code: "provider_rate_limited",
    hint: /rate limiting: wait and try again/,
  },
  {
    fixture: "error_529.json",
    status: 529,
    code: "provider_overloaded",
    hint: /overloaded: try again in a little while/,
  },
  {
    fixture: "error_404_model.json",
    status: 404,
    code: "model_not_found",
    hint: /check llm_info\.model_id \("claude-sonnet-4-5"\)/,
  },
];

for (const { fixture, status, code, hint } of HTTP_ERRORS) {
  Deno.test(`Anthropic provider maps HTTP ${status} to ${code} with a hint, the body only in detail`, async () => {
    await replay([{ fixture, status, headers: { "retry-after": "0" } }], async (server) => {
      await assert.rejects(collect(provider(server.baseUrl, { maxRetries: 0 }), [user("x")]), (error) => {
        assert.ok(error instanceof ProviderError);
        assert.equal(error.code, code);
        assert.equal(error.status, status);
        assert.match(error.message, new RegExp(`answered ${status}`));
        assert.match(error.message, hint);
        const body = JSON.parse(
          Deno.readTextFileSync(new URL(`../../fixtures/anthropic/${fixture}`, import.meta.url)),
        );
        assert.ok(!error.message.includes(body.error.message), "the upstream message is not shown");
        assert.equal(error.detail, body.error.message);
        return true;
      });
    });
  });
}

Deno.test("Anthropic provider retries 529 and 429, then streams", async () => {
  await replay([
    { fixture: "error_529.json", status: 529, headers: { "retry-after": "0" } },
    { fixture: "error_429.json", status: 429, headers: { "retry-after": "0" } },
    { fixture: "text_stream.sse" },
  ], async (server) => {
    const { text } = await collect(provider(server.baseUrl), [user("x")]);
    assert.equal(text, "The capital of France is Paris.");
    assert.equal(server.requests.length, 3);
  });
});

Deno.test("Anthropic: the operator's ANTHROPIC_API_KEY goes to ANTHROPIC_BASE_URL, never to a tenant's base_url", async () => {
  await replay([{ fixture: "text_stream.sse" }, { fixture: "text_stream.sse" }], async (server) => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-operator", ANTHROPIC_BASE_URL: server.baseUrl };
    const operator = selectProvider({ provider: "anthropic", model_id: "claude-sonnet-4-5" }, { env });
    await collect(operator.provider, [user("x")]);
    assert.equal(server.requests[0]?.headers["x-api-key"], "sk-ant-operator");
    const tenant = selectProvider(
      { provider: "anthropic", model_id: "claude-sonnet-4-5", base_url: server.baseUrl },
      { env: { ANTHROPIC_API_KEY: "sk-ant-operator" } },
    );
    await collect(tenant.provider, [user("x")]);
    assert.equal(server.requests[1]?.headers["x-api-key"], undefined, "no key sent to the tenant's server");
  });
});

Deno.test("createAnthropic() refuses a base URL that is not http(s) and a bad token bound", () => {
  assert.throws(() => createAnthropic({ modelId: "m", baseUrl: "ftp://x" }), /not an http\(s\) URL/);
  assert.throws(
    () => createAnthropic({ modelId: "m", maxTokens: 0 }),
    /maxTokens must be a positive whole number/,
  );
});
