/** Agent.run(inputs) on functional agents: one stateless run, outputs by declared name. */
import assert from "node:assert/strict";
import {
  Agent,
  AgentType,
  AuthenticationError,
  type ClientOptions,
  type LlmInfo,
  NotFoundError,
  UnprocessableEntityError,
  VectorshiftError,
} from "../../mod.ts";
import { withReplayServer } from "../support/replay_server.ts";
import { newAgent, withEngine } from "./support.ts";

function briefAgent(
  client: ClientOptions,
  llm_info: LlmInfo = { provider: "simulator", model_id: "offline-simulator-1" },
) {
  return Agent.new({
    name: `brief ${crypto.randomUUID()}`,
    type: AgentType.FUNCTIONAL,
    llm_info,
    instructions: "Write a one-paragraph research brief about {{inputs.topic}}.",
    inputs: { topic: { io_type: "string", description: "What to research." } },
    outputs: { brief: { io_type: "string", description: "The research brief." } },
    ...client,
  });
}

Deno.test("run({ topic }) on a functional agent returns success, the declared outputs and a run id", async () => {
  await withEngine(async ({ client }) => {
    const agent = await briefAgent(client);
    const result = await agent.run({ topic: "tidal power" });
    assert.equal(result.status, "success");
    assert.match(result.runId, /^run_/);
    assert.deepEqual(Object.keys(result.outputs), ["brief"]);
    assert.match(String(result.outputs.brief), /tidal power/i);
    assert.equal("error" in result, false);
  });
});

Deno.test("run() sends additionalInstructions and resolves a failed run with its error", async () => {
  await withReplayServer([{ fixture: "text_stream.sse" }], async (server) => {
    await withEngine(async ({ client }) => {
      const agent = await Agent.new({
        name: "two outputs",
        type: AgentType.FUNCTIONAL,
        llm_info: { provider: "openai", model_id: "gpt-4o", api_key: "sk-test", base_url: server.baseUrl },
        instructions: "Research {{inputs.topic}}.",
        inputs: { topic: { io_type: "string" } },
        outputs: { brief: { io_type: "string" }, keywords: { io_type: "string" } },
        ...client,
      });
      const result = await agent.run({ topic: "tidal power" }, { additionalInstructions: "Be concise." });
      assert.equal(result.status, "failed", "the recorded answer is prose, not the JSON two outputs need");
      assert.deepEqual(result.outputs, {});
      assert.match(result.error ?? "", /JSON object with keys "brief", "keywords"/);
      assert.match(JSON.stringify(server.requests[0]?.body), /Research tidal power\.\\n\\nBe concise\./);
    });
  });
});

Deno.test("run() needs an inputs object on functional agents and text on conversational ones", async () => {
  await withEngine(async ({ client }) => {
    const agent = await briefAgent(client);
    await assert.rejects(agent.run("tidal power"), (error: unknown) => {
      assert.ok(error instanceof VectorshiftError);
      assert.match(
        error.message,
        /needs an object of inputs .* agent\.run\(\{ "topic": \.\.\. \}\); got a string/,
      );
      return true;
    });
    await assert.rejects(agent.run(["tidal power"]), /got an array/);
    const chat = await newAgent(client);
    await assert.rejects(
      chat.run({ topic: "tidal power" }),
      /needs a functional agent; .* is conversational/,
    );
  });
});

Deno.test("run() errors from the engine: 404 unknown agent, 422 conversational or bad inputs, 401 bad key", async () => {
  await withEngine(async ({ client }) => {
    const agent = await briefAgent(client);

    await assert.rejects(agent.run({}), (error: unknown) => {
      assert.ok(error instanceof UnprocessableEntityError);
      assert.equal(error.statusCode, 422);
      assert.match(error.message, /missing input "topic"/);
      return true;
    });
    await assert.rejects(agent.run({ topic: "x", tone: "dry" }), /unknown input "tone"/);

    const stranger = new Agent(agent.toJSON(), { ...client, apiKey: "vs-wrong" });
    await assert.rejects(stranger.run({ topic: "x" }), AuthenticationError);

    // A stale local object: the engine's agent is conversational.
    const chat = await newAgent(client);
    const stale = new Agent({ ...chat.toJSON(), type: "functional" }, client);
    await assert.rejects(stale.run({ topic: "x" }), (error: unknown) => {
      assert.ok(error instanceof UnprocessableEntityError);
      assert.match(error.message, /is conversational; only functional agents run here/);
      return true;
    });

    await agent.delete();
    await assert.rejects(agent.run({ topic: "x" }), NotFoundError);
  });
});

Deno.test("run() with an aborted signal rejects with the reason and stops the run on the engine", async () => {
  await withReplayServer([{ fixture: "long_stream.sse", eventDelayMs: 20 }], async (server) => {
    await withEngine(async ({ client }) => {
      const agent = await briefAgent(client, {
        provider: "openai",
        model_id: "gpt-4o",
        api_key: "sk-test",
        base_url: server.baseUrl,
      });
      const abort = new AbortController();
      const running = agent.run({ topic: "tidal power" }, { signal: abort.signal });
      for (let i = 0; i < 200 && server.requests.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 50));
      const reason = new Error("user gave up");
      abort.abort(reason);
      await assert.rejects(running, (error: unknown) => error === reason);
      await server.streamCancelled;
    });
  });
});
