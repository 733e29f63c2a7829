import assert from "node:assert/strict";
import { type ModelChunk, type ModelRequest, ProviderError } from "../../../src/engine/model.ts";
import { createOpenAICompatible, displayUrl } from "../../../src/engine/providers/openai_compatible.ts";
import { type ReplayStep, startReplayServer, withReplayServer } from "../../support/replay_server.ts";
import { builtinTools, collect, user, userFile } from "./helpers.ts";

function provider(baseUrl: string, extra: { apiKey?: string; maxRetries?: number } = {}) {
  return createOpenAICompatible({
    baseUrl,
    modelId: "gpt-4o",
    apiKey: "sk-test-1234",
    retryIntervalMs: 1,
    ...extra,
  });
}

Deno.test("OpenAI-compatible provider posts a streamed Chat Completions request with the conversation", async () => {
  await withReplayServer([{ fixture: "text_stream.sse" }], async (server) => {
    const model = provider(server.baseUrl);
    assert.equal(model.provider, "openai");
    assert.equal(model.simulated, false);
    const png = {
      kind: "file" as const,
      mime_type: "image/png",
      filename: "dot.png",
      data_base64: "iVBORw0KGgo=",
    };
    const zip = {
      kind: "file" as const,
      mime_type: "application/zip",
      filename: "a.zip",
      data_base64: "UEsDBA==",
    };
    const { text, chunks } = await collect(model, [
      user("Hi"),
      {
        role: "assistant",
        text: "",
        toolCalls: [{ callId: "call_1", name: "calc", arguments: { expression: "1+1" } }],
      },
      { role: "tool", callId: "call_1", name: "calc", status: "success", result: "2" },
      { role: "tool", callId: "call_2", name: "calc", status: "denied", result: "no" },
      { role: "assistant", text: "1 + 1 = 2." },
      { role: "user", content: [...userFile("notes.txt", "text/plain", "alpha\nbeta").content, png, zip] },
    ], { instructions: "Be helpful.", tools: builtinTools.slice(0, 1) });
    assert.equal(text, "The capital of France is Paris.");
    assert.ok(chunks.every((c) => c.type === "text"));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.headers["authorization"], "Bearer sk-test-1234");
    assert.equal(request.headers["content-type"], "application/json");
    assert.deepEqual(request.body, {
      model: "gpt-4o",
      stream: true,
      messages: [
        { role: "system", content: "Be helpful." },
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_1",
            type: "function",
            function: { name: "calc", arguments: '{"expression":"1+1"}' },
          }],
        },
        { role: "tool", tool_call_id: "call_1", content: "2" },
        { role: "tool", tool_call_id: "call_2", content: "[denied] no" },
        { role: "assistant", content: "1 + 1 = 2." },
        {
          role: "user",
          content: [
            { type: "text", text: "File notes.txt (text/plain):\nalpha\nbeta" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            {
              type: "text",
              text: "[Attached file a.zip (application/zip, 4 bytes); its contents are not shown.]",
            },
          ],
        },
      ],
      tools: [{
        type: "function",
        function: { name: "calc", description: "calculator tool", parameters: builtinTools[0]?.parameters },
      }],
    });
  });
});

Deno.test("OpenAI-compatible provider assembles tool calls streamed in fragments", async () => {
  await withReplayServer([{ fixture: "tool_call_stream.sse" }], async (server) => {
    const { chunks } = await collect(provider(server.baseUrl), [user("23*19 and the time in Paris")], {
      tools: builtinTools,
    });
    assert.deepEqual(chunks, [
      {
        type: "tool_call",
        call: { callId: "call_Qx3mZ8aKp1", name: "calc", arguments: { expression: "23 * 19" } },
      },
      {
        type: "tool_call",
        call: { callId: "call_Vb7nW2cLr4", name: "clock", arguments: { timezone: "Europe/Paris" } },
      },
    ]);
  });
});

Deno.test("OpenAI-compatible provider rejects tool arguments that are not valid JSON", async () => {
  await withReplayServer([{ fixture: "tool_call_bad_args.sse" }], async (server) => {
    await assert.rejects(collect(provider(server.baseUrl), [user("x")]), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.match(error.message, /invalid JSON arguments for tool "calc"/);
      return true;
    });
  });
});

Deno.test("OpenAI-compatible provider surfaces an error event sent mid-stream, its text only in detail", async () => {
  await withReplayServer([{ fixture: "stream_error.sse" }], async (server) => {
    await assert.rejects(collect(provider(server.baseUrl), [user("x")]), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.match(error.message, /error mid-stream/);
      assert.doesNotMatch(error.message, /The server had an error/);
      assert.match(error.detail ?? "", /The server had an error/);
      return true;
    });
  });
});

Deno.test("OpenAI-compatible provider maps 401 to a ProviderError naming the key settings", async () => {
  await withReplayServer([{ fixture: "error_401.json", status: 401 }], async (server) => {
    await assert.rejects(collect(provider(server.baseUrl), [user("x")]), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, 401);
      assert.match(error.message, /answered 401; check llm_info\.api_key/);
      assert.doesNotMatch(error.message, /Incorrect API key/, "the upstream body is never shown");
      assert.match(error.detail ?? "", /Incorrect API key provided/);
      return true;
    });
    assert.equal(server.requests.length, 1, "401 is not retried");
  });
});

Deno.test("OpenAI-compatible provider maps 404 to a hint about the model and base URL", async () => {
  await withReplayServer([{ fixture: "error_404_model.json", status: 404 }], async (server) => {
    await assert.rejects(collect(provider(server.baseUrl), [user("x")]), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, 404);
      assert.match(error.message, /answered 404; check llm_info\.model_id \("gpt-4o"\) and the base URL/);
      assert.match(error.detail ?? "", /model `gpt-7-imaginary` does not exist/);
      return true;
    });
  });
});

Deno.test("OpenAI-compatible provider retries 429 and 5xx, then streams", async () => {
  const steps: ReplayStep[] = [
    { fixture: "error_429.json", status: 429, headers: { "retry-after": "0" } },
    { fixture: "error_500.json", status: 500 },
    { fixture: "text_stream.sse" },
  ];
  await withReplayServer(steps, async (server) => {
    const { text } = await collect(provider(server.baseUrl), [user("x")]);
    assert.equal(text, "The capital of France is Paris.");
    assert.equal(server.requests.length, 3);
  });
});

Deno.test("OpenAI-compatible provider gives up after maxRetries, keeping the provider's message in detail", async () => {
  const steps: ReplayStep[] = [
    { fixture: "error_429.json", status: 429, headers: { "retry-after": "0" } },
    { fixture: "error_429.json", status: 429, headers: { "retry-after": "0" } },
  ];
  await withReplayServer(steps, async (server) => {
    await assert.rejects(collect(provider(server.baseUrl, { maxRetries: 1 }), [user("x")]), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.status, 429);
      assert.match(error.message, /429 \(after 1 retry\); the provider is rate limiting/);
      assert.match(error.detail ?? "", /Rate limit reached/);
      return true;
    });
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("OpenAI-compatible provider names the base URL when the server cannot be reached", async () => {
  const server = await startReplayServer([]);
  const baseUrl = server.baseUrl;
  await server.close();
  await assert.rejects(collect(provider(baseUrl, { maxRetries: 0 }), [user("x")]), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.ok(error.message.includes(`Could not reach the model server at ${baseUrl}`), error.message);
    return true;
  });
});

Deno.test("OpenAI-compatible provider sends no Authorization header without a key", async () => {
  await withReplayServer([{ fixture: "text_stream.sse" }], async (server) => {
    const model = createOpenAICompatible({ baseUrl: `${server.baseUrl}/`, modelId: "llama3.2" });
    await collect(model, [user("x")]);
    assert.equal(server.requests[0]?.headers["authorization"], undefined);
    assert.equal(
      server.requests[0]?.path,
      "/v1/chat/completions",
      "a trailing slash on the base URL is ignored",
    );
  });
});

Deno.test("OpenAI-compatible provider stops reading at once when aborted mid-stream", async () => {
  await withReplayServer([{ fixture: "long_stream.sse", eventDelayMs: 20 }], async (server) => {
    const controller = new AbortController();
    const reason = new Error("turn cancelled");
    const request: ModelRequest = {
      instructions: "",
      messages: [user("x")],
      tools: [],
      signal: controller.signal,
    };
    const seen: ModelChunk[] = [];
    await assert.rejects(async () => {
      for await (const chunk of provider(server.baseUrl).stream(request)) {
        seen.push(chunk);
        if (seen.length === 2) controller.abort(reason);
      }
    }, (error) => error === reason);
    assert.equal(seen.length, 2, "no chunk after the abort");
    await server.streamCancelled; // the server saw the client stop reading
  });
});

Deno.test("OpenAI-compatible provider uses an injected fetch", async () => {
  const calls: string[] = [];
  const fakeFetch: typeof fetch = (input) => {
    calls.push(String(input));
    return Promise.resolve(
      new Response('data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n'),
    );
  };
  const model = createOpenAICompatible({
    baseUrl: "http://models.invalid/v1",
    modelId: "m",
    fetch: fakeFetch,
  });
  assert.equal((await collect(model, [user("x")])).text, "ok");
  assert.deepEqual(calls, ["http://models.invalid/v1/chat/completions"]);
  assert.throws(
    () => createOpenAICompatible({ baseUrl: "localhost:8080", modelId: "m" }),
    /not an http\(s\) URL/,
  );
});

Deno.test("OpenAI-compatible provider errors never show credentials, query or fragment of the base URL", async () => {
  assert.equal(displayUrl("https://me:secret@models.example/v1/?api-key=k#x"), "https://models.example/v1");
  assert.equal(displayUrl("not a url://u:p@host/v1?key=1"), "not a url://host/v1");
  const server = await startReplayServer([]);
  const baseUrl = server.baseUrl.replace("http://", "http://user:s3cret@") + "?key=abc";
  await server.close();
  await assert.rejects(collect(provider(baseUrl, { maxRetries: 0 }), [user("x")]), (error) => {
    assert.ok(error instanceof ProviderError);
    assert.ok(!error.message.includes("s3cret") && !error.message.includes("abc"), error.message);
    assert.match(error.message, /Could not reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1\./);
    return true;
  });
});
