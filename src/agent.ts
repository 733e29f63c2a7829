/**
 * `Agent`: create, fetch, list, change, save and delete agents, open sessions on them, run one
 * conversational turn, or run a functional agent.
 *
 * @module
 */
import { type ClientOptions, pickClient } from "./config.ts";
import type { SendContent } from "./content.ts";
import { VectorshiftError } from "./errors.ts";
import { type CallOptions, fetchByIdOrName, request } from "./http.ts";
import type {
  AgentFetchOptions,
  AgentListOptions,
  AgentNewOptions,
  AgentSessionOptions,
} from "./agent_options.ts";
import type {
  AgentCreate,
  AgentRecord,
  AgentUpdate,
  Deleted,
  IoConfig,
  LlmInfo,
  MemoryConfig,
  Tool,
} from "./rest_types.ts";
import {
  type AgentRunResult,
  type ConversationalAgentRunResult,
  type FunctionalRunOptions,
  isInputsObject,
  runConversational,
  runFunctional,
  type RunOptions,
} from "./run.ts";
import { Session } from "./session.ts";
import { AgentType } from "./tools.ts";

type Dirty = Pick<AgentUpdate, "instructions" | "llm_info" | "tools" | "memory_config">;

/**
 * A stored agent. Local changes (`updateInstructions`, `addTool`, ...) are sent by `save()`.
 *
 * Conversational agents hold sessions (`createSession()`, `resumeSession()`, and `run("text")` for one
 * turn). Functional agents run stateless jobs instead: they declare `inputs` and `outputs`, their
 * instructions may name inputs as `{{inputs.<name>}}`, and `run({ name: value, ... })` returns an
 * {@link AgentRunResult} whose `outputs` are keyed by the declared output names (one output gets the
 * whole answer; several are asked of the model as one JSON object). Functional runs are not streamed,
 * keep no history, and never offer tools that require approval. Sessions on functional agents are refused.
 *
 * @example Create, change, save, delete (against an engine started in process)
 * ```ts
 * import { Agent, AgentType, configure } from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0 });
 * configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const agent = await Agent.new({
 *   name: "Helper",
 *   type: AgentType.CONVERSATIONAL,
 *   llm_info: { provider: "openai", model_id: "gpt-4o" },
 *   instructions: "Be brief.",
 *   memory_config: { enable_session_memory: true },
 * });
 * agent.addTool({ name: "calc", tool_type: "calculator", approval_config: "auto_run" });
 * await agent.save();
 * await agent.delete();
 * ```
 */
export class Agent {
  #record: AgentRecord;
  #dirty: Dirty = {};
  readonly #client: ClientOptions;

  /** Wraps a stored agent record; prefer {@link Agent.new} and {@link Agent.fetch}. */
  constructor(record: AgentRecord, client: ClientOptions = {}) {
    this.#record = structuredClone(record);
    this.#client = client;
  }

  /**
   * Creates an agent on the engine.
   *
   * @example
   * ```ts
   * import { Agent, ToolApprovalConfig } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * function create() {
   *   return Agent.new({
   *     name: "Helper",
   *     llm_info: { provider: "openai", model_id: "gpt-4o" },
   *     tools: [{ name: "calc", tool_type: "calculator", approval_config: ToolApprovalConfig.AUTO_RUN }],
   *   });
   * }
   * const made = await create();
   * console.log(made.name, made.tools.map((t) => t.name)); // "Helper" ["calc"]
   * ```
   */
  static async new(options: AgentNewOptions): Promise<Agent> {
    const { signal, apiKey: _apiKey, baseUrl: _baseUrl, agent_type, type, ...fields } = options;
    const kind = type ?? agent_type;
    const body: AgentCreate = kind === undefined ? fields : { ...fields, type: kind };
    const client = pickClient(options);
    return new Agent(await request<AgentRecord>("POST", "/v1/agents", { client, signal, body }), client);
  }

  /**
   * Fetches an agent by `id` or by exact `name`.
   *
   * @throws {NotFoundError} No such agent in this organisation.
   * @example
   * ```ts
   * import { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function find(idOrName: { id: string } | { name: string }) {
   *   return await Agent.fetch(idOrName);
   * }
   * console.log((await find({ name: "Demo" })).id === demo.id); // true
   * ```
   */
  static async fetch(options: AgentFetchOptions): Promise<Agent> {
    const client = pickClient(options);
    return new Agent(await fetchByIdOrName<AgentRecord>("agent", options, client), client);
  }

  /**
   * Lists the organisation's agents, oldest first.
   *
   * @example
   * ```ts
   * import { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function show() {
   *   for (const agent of await Agent.list({ limit: 10 })) console.log(agent.id, agent.name);
   * }
   * await show(); // one line per agent
   * ```
   */
  static async list(options: AgentListOptions = {}): Promise<Agent[]> {
    const client = pickClient(options);
    const page = await request<{ agents: AgentRecord[] }>("GET", "/v1/agents", {
      client,
      signal: options.signal,
      query: { limit: options.limit ?? 50, offset: options.offset ?? 0 },
    });
    return page.agents.map((record) => new Agent(record, client));
  }

  /** Agent id. */
  get id(): string {
    return this.#record.id;
  }
  /** Name. */
  get name(): string {
    return this.#record.name;
  }
  /** Conversational or functional. */
  get agentType(): AgentType {
    return this.#record.type;
  }
  /** Alias of {@link Agent.agentType}. */
  get type(): AgentType {
    return this.#record.type;
  }
  /** Model settings (`api_key` is never returned by the engine). */
  get llmInfo(): LlmInfo {
    return this.#dirty.llm_info ?? this.#record.llm_info;
  }
  /** System instructions. */
  get instructions(): string {
    return this.#dirty.instructions ?? this.#record.instructions;
  }
  /** Tools, including unsaved local changes. */
  get tools(): readonly Tool[] {
    return this.#dirty.tools ?? this.#record.tools;
  }
  /** Memory settings. */
  get memoryConfig(): MemoryConfig {
    return this.#dirty.memory_config ?? this.#record.memory_config;
  }
  /** Functional agents: declared inputs. */
  get inputs(): Record<string, IoConfig> | undefined {
    return this.#record.inputs;
  }
  /** Functional agents: declared outputs. */
  get outputs(): Record<string, IoConfig> | undefined {
    return this.#record.outputs;
  }
  /** Creation time (RFC 3339). */
  get createdAt(): string {
    return this.#record.created_at;
  }
  /** Last change on the engine (RFC 3339). */
  get updatedAt(): string {
    return this.#record.updated_at;
  }

  /**
   * Sets new instructions locally; `save()` persists them.
   *
   * @example
   * ```ts
   * import { Agent } from "@vectorshift/sdk";
   * const agent = new Agent({
   *   id: "agt_local",
   *   name: "Local",
   *   type: "conversational",
   *   llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
   *   instructions: "Be brief.",
   *   tools: [],
   *   memory_config: {},
   *   created_at: "2026-01-01T00:00:00Z",
   *   updated_at: "2026-01-01T00:00:00Z",
   * });
   * agent.updateInstructions("Answer in one sentence.");
   * console.log(agent.instructions); // "Answer in one sentence."
   * ```
   */
  updateInstructions(instructions: string): void {
    this.#dirty.instructions = instructions;
  }

  /**
   * Sets new model settings locally; `save()` persists them.
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function useMini(agent: Agent) {
   *   agent.updateLlmInfo({ provider: "openai", model_id: "gpt-4o-mini" });
   *   await agent.save();
   * }
   * await useMini(demo);
   * console.log(demo.llmInfo.model_id); // "gpt-4o-mini"
   * ```
   */
  updateLlmInfo(llmInfo: LlmInfo): void {
    this.#dirty.llm_info = structuredClone(llmInfo);
  }

  /**
   * Sets new memory settings locally; `save()` persists them.
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function forget(agent: Agent) {
   *   agent.updateMemoryConfig({ enable_session_memory: false });
   *   await agent.save();
   * }
   * await forget(demo);
   * console.log(demo.memoryConfig.enable_session_memory); // false
   * ```
   */
  updateMemoryConfig(memoryConfig: MemoryConfig): void {
    this.#dirty.memory_config = structuredClone(memoryConfig);
  }

  /**
   * Adds a tool locally; `save()` persists it.
   *
   * @throws {VectorshiftError} The tool has no name, or the agent already has a tool with that name.
   * @example
   * ```ts
   * import { type Agent, ToolApprovalConfig, ToolInputType } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function addCalculator(agent: Agent) {
   *   agent.addTool({
   *     name: "calculator",
   *     tool_type: "calculator",
   *     approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
   *     inputs: { expression: { type: ToolInputType.DYNAMIC, description: "What to compute" } },
   *   });
   *   await agent.save();
   * }
   * await addCalculator(demo);
   * console.log(demo.tools.map((t) => t.name)); // ["calculator"]
   * ```
   */
  addTool(tool: Tool): void {
    if (!tool.name) throw new VectorshiftError("addTool() needs a tool with a non-empty name.");
    if (this.tools.some((t) => t.name === tool.name)) {
      throw new VectorshiftError(
        `Agent "${this.name}" already has a tool named "${tool.name}"; pick another name.`,
      );
    }
    this.#dirty.tools = [...this.tools, structuredClone(tool)];
  }

  /**
   * Removes a tool locally by tool, name or `tool_type`; `save()` persists it.
   *
   * @throws {VectorshiftError} No tool matches.
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function dropSearch(agent: Agent) {
   *   agent.removeTool("archive_search"); // a name, a tool, or a tool_type
   *   await agent.save();
   *   console.log(agent.tools.map((t) => t.name));
   * }
   * demo.addTool({ name: "archive_search", tool_type: "knowledge_search" });
   * await demo.save();
   * await dropSearch(demo); // []
   * ```
   */
  removeTool(toolOrName: Tool | string): void {
    const key = typeof toolOrName === "string" ? toolOrName : toolOrName.name;
    let index = this.tools.findIndex((t) => t.name === key);
    if (index < 0) index = this.tools.findIndex((t) => t.tool_type === key);
    if (index < 0) {
      const names = this.tools.map((t) => t.name).join(", ") || "none";
      throw new VectorshiftError(`Agent "${this.name}" has no tool "${key}" (its tools: ${names}).`);
    }
    this.#dirty.tools = this.tools.filter((_, i) => i !== index);
  }

  /**
   * Persists local changes (only the changed fields are sent).
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function shorten(agent: Agent) {
   *   agent.updateInstructions("Answer in one sentence.");
   *   await agent.save();
   * }
   * await shorten(demo);
   * console.log(demo.instructions); // "Answer in one sentence."
   * ```
   */
  async save(options: CallOptions = {}): Promise<this> {
    const body: AgentUpdate = { ...this.#dirty };
    this.#record = await request<AgentRecord>("PATCH", this.#path, {
      client: this.#client,
      signal: options.signal,
      body,
    });
    this.#dirty = {};
    return this;
  }

  /**
   * Deletes the agent; its sessions are terminated.
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function remove(agent: Agent) {
   *   const { id } = await agent.delete();
   *   console.log(`deleted ${id}`);
   * }
   * await remove(demo); // deleted agt_...
   * ```
   */
  async delete(options: CallOptions = {}): Promise<Deleted> {
    return await request<Deleted>("DELETE", this.#path, { client: this.#client, signal: options.signal });
  }

  /**
   * A new session on this agent, not yet connected (or, with `sessionId`, an existing one).
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function greet(agent: Agent) {
   *   await using session = await agent.createSession({ reconnect: { maxRetries: 3 } });
   *   await session.send("Hello");
   * }
   * await greet(demo);
   * ```
   */
  // deno-lint-ignore require-await
  async createSession(options: AgentSessionOptions & { sessionId?: string } = {}): Promise<Session> {
    this.#assertConversational("createSession()");
    const { sessionId, ...rest } = options;
    return new Session({ ...this.#client, ...rest, ...(sessionId ? { sessionId } : { agentId: this.id }) });
  }

  /**
   * A handle on an existing session of this agent, not yet connected.
   *
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function continueChat(agent: Agent, sessionId: string) {
   *   await using session = await agent.resumeSession(sessionId);
   *   await session.send("Where were we?");
   * }
   * const first = await demo.run("Hello!", { keepAlive: true });
   * await continueChat(demo, first.sessionId);
   * ```
   */
  // deno-lint-ignore require-await
  async resumeSession(sessionId: string, options: AgentSessionOptions = {}): Promise<Session> {
    this.#assertConversational("resumeSession()");
    if (!sessionId) throw new VectorshiftError("resumeSession() needs a session id.");
    return new Session({ ...this.#client, ...options, sessionId });
  }

  /**
   * Runs one conversational turn in a hidden session and returns the final message. The session is
   * terminated afterwards unless `keepAlive` or `sessionId` is given (then it is disconnected).
   *
   * @throws {ConversationalRunActionRequiredError} The turn needs an approval or re-authentication.
   * @throws {VectorshiftError} The agent is functional: pass its inputs as an object instead.
   * @example Two turns in one kept-alive session
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function remember(agent: Agent) {
   *   const first = await agent.run("My name is Alice.", { keepAlive: true });
   *   const second = await agent.run("What is my name?", { sessionId: first.sessionId });
   *   console.log(second.status, second.finalMessage); // "success", "Your name is Alice."
   * }
   * await remember(demo); // success Your name is Alice.
   * ```
   */
  run(input: SendContent, options?: RunOptions): Promise<ConversationalAgentRunResult>;
  /**
   * Runs a functional agent once: its instructions with `{{inputs.<name>}}` filled in, one model
   * answer (tools that run without approval are used; tools that require approval are not offered),
   * mapped onto the declared outputs. A failed run resolves with `status: "failed"` and `error`.
   *
   * @param inputs A value for every declared input, keyed by input name.
   * @throws {VectorshiftError} `inputs` is not a plain object, or the agent is conversational.
   * @throws {UnprocessableEntityError} An input is missing or not declared (the message names it).
   * @example Write a brief
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * async function brief(agent: Agent) {
   *   const result = await agent.run({ topic: "tidal power" }, { additionalInstructions: "Be concise." });
   *   if (result.status === "success") console.log(result.outputs.brief, result.runId);
   * }
   * const writer = await vs.Agent.new({
   *   name: "Brief writer",
   *   type: vs.AgentType.FUNCTIONAL,
   *   llm_info: { provider: "openai", model_id: "gpt-4o" },
   *   instructions: "Write a one-paragraph research brief about {{inputs.topic}}.",
   *   inputs: { topic: { io_type: "string", description: "What to research." } },
   *   outputs: { brief: { io_type: "string", description: "The research brief." } },
   * });
   * await brief(writer); // the brief and the run id
   * ```
   */
  run(inputs: object, options?: FunctionalRunOptions): Promise<AgentRunResult>;
  run(
    input: SendContent | object,
    options: RunOptions & FunctionalRunOptions = {},
  ): Promise<ConversationalAgentRunResult | AgentRunResult> {
    if (this.agentType === AgentType.FUNCTIONAL) {
      return runFunctional(this.#record, input, options, this.#client);
    }
    if (isInputsObject(input)) {
      return Promise.reject(
        new VectorshiftError(
          `agent.run() with an inputs object needs a functional agent; "${this.name}" is ${this.agentType}: ` +
            `pass the message text instead.`,
        ),
      );
    }
    return runConversational(this.id, input as SendContent, options, this.#client);
  }

  /** The stored record (wire names), including unsaved local changes. */
  toJSON(): AgentRecord {
    return { ...this.#record, ...this.#dirty } as AgentRecord;
  }

  /** The agent's REST path. */
  get #path(): string {
    return `/v1/agents/${encodeURIComponent(this.id)}`;
  }

  #assertConversational(method: string): void {
    if (this.agentType !== AgentType.CONVERSATIONAL) {
      throw new VectorshiftError(
        `${method} needs a conversational agent; "${this.name}" is ${this.agentType}.`,
      );
    }
  }
}
