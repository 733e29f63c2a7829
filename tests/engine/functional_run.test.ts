/** POST /v1/agents/{agent_id}/run: stateless runs of functional agents against a real engine. */
import assert from "node:assert/strict";
import type { Engine } from "../../src/engine/mod.ts";
import type { components } from "../../src/generated/rest.ts";
import { withReplayServer } from "../support/replay_server.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";

type Agent = components["schemas"]["Agent"];
type RunResult = components["schemas"]["AgentRunResult"];
type ErrorBody = components["schemas"]["Error"];

const BRIEF = "Write a one-paragraph research brief about {{inputs.topic}}.";

async function withEngine(fn: (engine: Engine) => Promise<void>): Promise<void> {
  const engine = await testEngine({ log: () => {} });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

function briefAgent(
  engine: Engine,
  extra: Partial<components["schemas"]["AgentCreate"]> = {},
): Promise<Agent> {
  return createAgent(engine, {
    type: "functional",
    instructions: BRIEF,
    inputs: { topic: { io_type: "string", description: "What to research." } },
    outputs: { brief: { io_type: "string", description: "The research brief." } },
    ...extra,
  });
}

function runOf(engine: Engine, agent: { id: string }, body: unknown, key?: string) {
  return rest<RunResult & ErrorBody>(engine, "POST", `/v1/agents/${agent.id}/run`, body, key);
}

Deno.test("a functional run fills the placeholders and returns the declared output", async () => {
  await withEngine(async (engine) => {
    const agent = await briefAgent(engine);
    const answer = await runOf(engine, agent, { inputs: { topic: "tidal power" } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, "success");
    assert.match(answer.body.run_id, /^run_[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(answer.body.outputs), ["brief"]);
    assert.match(String(answer.body.outputs.brief), /^Brief on tidal power/);
    assert.equal(answer.body.error, undefined);
    const again = await runOf(engine, agent, { inputs: { topic: "tidal power" } });
    assert.notEqual(again.body.run_id, answer.body.run_id, "every run has its own id");
  });
});

Deno.test("several declared outputs are read from the model's JSON answer", async () => {
  await withEngine(async (engine) => {
    const agent = await briefAgent(engine, {
      outputs: {
        title: { io_type: "string" },
        brief: { io_type: "string", description: "The research brief." },
        keywords: { io_type: "string" },
      },
    });
    const answer = await runOf(engine, agent, { inputs: { topic: "tidal power" } });
    assert.equal(answer.body.status, "success", answer.body.error);
    assert.deepEqual(Object.keys(answer.body.outputs), ["title", "brief", "keywords"]);
    assert.equal(answer.body.outputs.title, "Tidal power");
    assert.match(String(answer.body.outputs.keywords), /tidal/);
  });
});

Deno.test("a functional run sends the filled instructions and the inputs to the provider", async () => {
  await withReplayServer([{ fixture: "text_stream.sse" }], async (server) => {
    await withEngine(async (engine) => {
      const agent = await briefAgent(engine, {
        llm_info: { provider: "openai", model_id: "gpt-4o", api_key: "sk-test", base_url: server.baseUrl },
      });
      const answer = await runOf(engine, agent, {
        inputs: { topic: "tidal power" },
        additional_instructions: "Cite {{ inputs.topic }} sources.",
      });
      assert.equal(answer.body.status, "success", answer.body.error);
      assert.match(String(answer.body.outputs.brief), /^The capital/);
      const sent = server.requests[0]?.body as { messages: { role: string; content: unknown }[] };
      const system = JSON.stringify(sent.messages[0]);
      assert.match(system, /research brief about tidal power\.\\n\\nCite tidal power sources\./);
      assert.doesNotMatch(system, /\{\{/);
      const user = JSON.stringify(sent.messages.at(-1));
      assert.match(user, /Inputs:\\n\{\\n {2}\\"topic\\": \\"tidal power\\"\\n\}/);
    });
  });
});

Deno.test("a run whose answer lacks the declared outputs fails with a clear error", async () => {
  await withReplayServer([{ fixture: "text_stream.sse" }], async (server) => {
    await withEngine(async (engine) => {
      const agent = await briefAgent(engine, {
        llm_info: { provider: "openai", model_id: "gpt-4o", api_key: "sk-test", base_url: server.baseUrl },
        outputs: { brief: { io_type: "string" }, keywords: { io_type: "string" } },
      });
      const answer = await runOf(engine, agent, { inputs: { topic: "tidal power" } });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, "failed");
      assert.deepEqual(answer.body.outputs, {});
      assert.match(answer.body.error ?? "", /not the JSON object with keys "brief", "keywords"/);
    });
  });
});

Deno.test("a provider failure is a failed run that says what the provider said", async () => {
  await withReplayServer([{ fixture: "error_401.json", status: 401 }], async (server) => {
    await withEngine(async (engine) => {
      const agent = await briefAgent(engine, {
        llm_info: {
          provider: "openai",
          model_id: "gpt-4o",
          api_key: "sk-wrong",
          base_url: server.baseUrl,
          max_retries: 0,
        },
      });
      const answer = await runOf(engine, agent, { inputs: { topic: "tidal power" } });
      assert.equal(answer.body.status, "failed");
      assert.match(answer.body.error ?? "", /^The model provider failed: .*(?:401|API key)/i);
    });
  });
});

Deno.test("auto-run tools run during a functional run; tools that need approval are not offered", async () => {
  await withEngine(async (engine) => {
    const fields = {
      type: "functional" as const,
      instructions: "Answer the question.",
      inputs: { question: { io_type: "string" } },
    };
    const auto = await createAgent(engine, {
      ...fields,
      tools: [{ name: "calc", tool_type: "calculator", approval_config: "auto_run" }],
    });
    const answer = await runOf(engine, auto, { inputs: { question: "What is 23 * 19 + 4?" } });
    assert.equal(answer.body.status, "success", answer.body.error);
    assert.match(String(answer.body.outputs.output), /441/, "no declared outputs: the answer is `output`");

    const gated = await createAgent(engine, {
      ...fields,
      tools: [{ name: "calc", tool_type: "calculator", approval_config: "requires_approval" }],
    });
    const direct = await runOf(engine, gated, { inputs: { question: "What is 23 * 19 + 4?" } });
    assert.equal(direct.body.status, "success", direct.body.error);
    assert.doesNotMatch(String(direct.body.outputs.output), /441/);
  });
});

Deno.test("run requests that cannot run answer 401, 404 and 422 naming what is wrong", async () => {
  await withEngine(async (engine) => {
    const agent = await briefAgent(engine);
    const inputs = { topic: "tidal power" };
    assert.equal((await runOf(engine, agent, { inputs }, "vs-wrong")).status, 401);

    const unknown = await runOf(engine, { id: "agt_nope" }, { inputs });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /Agent agt_nope not found/);

    const chat = await createAgent(engine);
    const conversational = await runOf(engine, chat, { inputs });
    assert.equal(conversational.status, 422);
    assert.match(conversational.body.error, /is conversational; only functional agents run here/);

    const missing = await runOf(engine, agent, { inputs: {} });
    assert.equal(missing.status, 422);
    assert.match(missing.body.error, /missing input "topic".*declared inputs \("topic"\)/);

    const extra = await runOf(engine, agent, { inputs: { ...inputs, tone: "dry" } });
    assert.equal(extra.status, 422);
    assert.match(extra.body.error, /unknown input "tone"/);

    const notObject = await runOf(engine, agent, { inputs: ["tidal power"] });
    assert.equal(notObject.status, 422);
    assert.match(notObject.body.error, /Invalid AgentRunRequest: inputs/);

    const placeholder = await briefAgent(engine, { instructions: "Brief on {{inputs.subject}}." });
    const undeclared = await runOf(engine, placeholder, { inputs });
    assert.equal(undeclared.status, 422);
    assert.match(undeclared.body.error, /\{\{inputs\.subject\}\}, which is not a declared input/);
  });
});

Deno.test("closing the request cancels the run and stops the provider stream", async () => {
  await withReplayServer([{ fixture: "long_stream.sse", eventDelayMs: 20 }], async (server) => {
    await withEngine(async (engine) => {
      const agent = await briefAgent(engine, {
        llm_info: { provider: "openai", model_id: "gpt-4o", api_key: "sk-test", base_url: server.baseUrl },
      });
      const abort = new AbortController();
      const response = await fetch(`${engine.url}/v1/agents/${agent.id}/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${engine.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ inputs: { topic: "tidal power" } }),
        signal: abort.signal,
      });
      assert.equal(response.status, 200, "the run has started");
      // Abort mid-stream: once the provider has the request and has begun streaming.
      for (let i = 0; i < 200 && server.requests.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 50));
      abort.abort();
      await response.body?.cancel().catch(() => {});
      await server.streamCancelled;
    });
  });
});
