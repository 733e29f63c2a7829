/** Agent and Chatbot over REST: create, fetch, list, change, save, delete, and errors by status. */
import assert from "node:assert/strict";
import {
  Agent,
  AgentType,
  AuthenticationError,
  Chatbot,
  ConflictError,
  NotFoundError,
  ToolApprovalConfig,
  ToolInputType,
  UnprocessableEntityError,
  VectorshiftApiError,
  VectorshiftError,
} from "../../mod.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

Deno.test("Agent CRUD: new, fetch by id and name, list, update, save, delete", async () => {
  await withEngine(async ({ client }) => {
    const name = `crud ${crypto.randomUUID()}`;
    const agent = await Agent.new({
      name,
      type: AgentType.CONVERSATIONAL,
      llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
      instructions: "Version one.",
      tools: [{ name: "archive", tool_type: "knowledge_search", description: "Searches the archive." }],
      memory_config: { enable_session_memory: true },
      ...client,
    });
    assert.match(agent.id, /\S/);
    assert.equal(agent.name, name);
    assert.equal(agent.agentType, "conversational");
    assert.equal(agent.type, "conversational");
    assert.deepEqual(agent.memoryConfig, { enable_session_memory: true });

    assert.equal((await Agent.fetch({ id: agent.id, ...client })).name, name);
    assert.equal((await Agent.fetch({ name, ...client })).id, agent.id);
    const other = await newAgent(client);
    const all = await Agent.list({ ...client });
    assert.ok(all.every((a) => a instanceof Agent));
    assert.deepEqual(all.map((a) => a.id), [agent.id, other.id]);
    assert.deepEqual((await Agent.list({ limit: 1, offset: 1, ...client })).map((a) => a.id), [other.id]);

    agent.addTool({
      name: "calc",
      tool_type: "calculator",
      approval_config: ToolApprovalConfig.LET_AGENT_DECIDE,
      inputs: { expression: { type: ToolInputType.DYNAMIC, description: "What to compute" } },
    });
    assert.throws(() => agent.addTool({ name: "calc", tool_type: "calculator" }), VectorshiftError);
    agent.removeTool("knowledge_search"); // by tool_type
    assert.throws(() => agent.removeTool("nope"), /has no tool "nope"/);
    agent.updateInstructions("Version two.");
    agent.updateLlmInfo({ provider: "simulator", model_id: "offline-simulator-2" });
    assert.equal(agent.instructions, "Version two.");
    await agent.save();
    const stored = await Agent.fetch({ id: agent.id, ...client });
    assert.equal(stored.instructions, "Version two.");
    assert.equal(stored.llmInfo.model_id, "offline-simulator-2");
    assert.deepEqual(stored.tools.map((t) => [t.name, t.approval_config]), [["calc", "let_agent_decide"]]);

    const receipt = await agent.delete();
    assert.deepEqual(receipt, { status: "success", id: agent.id });
    await assert.rejects(Agent.fetch({ id: agent.id, ...client }), (error) => {
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.statusCode, 404);
      assert.equal(error.method, "GET");
      assert.equal(error.endpoint, `/v1/agents/${agent.id}`);
      assert.match(error.errorMessage, /\S/);
      return true;
    });
    await assert.rejects(Agent.fetch({ name: "missing", ...client }), NotFoundError);
  });
});

Deno.test("Agent errors: fetch without id or name, name clash, invalid body, wrong key", async () => {
  await withEngine(async ({ client }) => {
    await assert.rejects(Agent.fetch({ ...client } as never), /needs an id or a name/);
    const agent = await newAgent(client);
    await assert.rejects(
      Agent.new({ name: agent.name, llm_info: { provider: "simulator", model_id: "m" }, ...client }),
      ConflictError,
    );
    await assert.rejects(
      Agent.new({ name: "bad", llm_info: { provider: "", model_id: "" }, ...client }),
      (error) => error instanceof UnprocessableEntityError && error.statusCode === 422,
    );
    await assert.rejects(Agent.list({ ...client, apiKey: "vs-wrong" }), (error) => {
      assert.ok(error instanceof AuthenticationError);
      assert.ok(error instanceof VectorshiftApiError);
      assert.equal(error.statusCode, 401);
      assert.match(error.message, /configure\(\{ apiKey \}\)/);
      return true;
    });
  });
});

Deno.test("functional agents: created and read, but sessions and run(text) say what is missing", async () => {
  await withEngine(async ({ client }) => {
    const agent = await Agent.new({
      name: "functional",
      agent_type: AgentType.FUNCTIONAL,
      llm_info: { provider: "simulator", model_id: "m" },
      inputs: { topic: { io_type: "string" } },
      outputs: { brief: { io_type: "string" } },
      ...client,
    });
    assert.equal(agent.agentType, "functional");
    assert.deepEqual(Object.keys(agent.inputs ?? {}), ["topic"]);
    await assert.rejects(agent.createSession(), /needs a conversational agent/);
    await assert.rejects(agent.run("hi"), /needs an object of inputs/);
  });
});

Deno.test("Chatbot: new, fetch by id and name, session through it, delete", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    const bot = await Chatbot.new({
      name: "Support",
      description: "Answers tickets",
      agent_id: agent.id,
      ...client,
    });
    assert.equal(bot.agentId, agent.id);
    assert.equal((await Chatbot.fetch({ id: bot.id, ...client })).name, "Support");
    assert.equal((await Chatbot.fetch({ name: "Support", ...client })).id, bot.id);
    await assert.rejects(Chatbot.fetch({ name: "nobody", ...client }), NotFoundError);

    await using session = await bot.createSession();
    await session.send("Hello!");
    const events = await untilComplete(session);
    const created = events.find((e) => e.type === "session_created");
    assert.equal(created?.data.chatbot_id, bot.id);
    assert.equal(events.at(-1)?.data.status, "complete");

    await bot.delete();
    await assert.rejects(Chatbot.fetch({ id: bot.id, ...client }), NotFoundError);
  });
});
