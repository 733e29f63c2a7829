/**
 * `Chatbot`: a named front for a conversational agent; sessions work exactly like agent sessions.
 *
 * @module
 */
import { type ClientOptions, pickClient } from "./config.ts";
import { type CallOptions, fetchByIdOrName, request } from "./http.ts";
import type { ChatbotCreate, ChatbotRecord, Deleted } from "./rest_types.ts";
import { Session } from "./session.ts";
import type { AgentCallOptions, AgentSessionOptions } from "./agent_options.ts";

/** The fields of a new chatbot (wire names) plus call options. */
export interface ChatbotNewOptions extends ChatbotCreate, AgentCallOptions {}

/** Find a chatbot by id or by exact name. */
export type ChatbotFetchOptions =
  & ({ id: string; name?: undefined } | { name: string; id?: undefined })
  & AgentCallOptions;

/**
 * A stored chatbot, answering through a conversational agent.
 *
 * @example A session through a chatbot
 * ```ts
 * import { type Agent, Chatbot } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * // Set-up: an embedded engine (offline) and an agent to run the example against.
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
 * async function chat(agent: Agent) {
 *   const bot = await Chatbot.new({ name: "Support", agent_id: agent.id });
 *   await using session = await bot.createSession();
 *   await session.send("Hi!");
 * }
 * await chat(demo);
 * ```
 */
export class Chatbot {
  readonly #record: ChatbotRecord;
  readonly #client: ClientOptions;

  /** Wraps a stored chatbot record; prefer {@link Chatbot.new} and {@link Chatbot.fetch}. */
  constructor(record: ChatbotRecord, client: ClientOptions = {}) {
    this.#record = { ...record };
    this.#client = client;
  }

  /**
   * Creates a chatbot bound to a conversational agent.
   *
   * @example
   * ```ts
   * import { Chatbot } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * function create(agentId: string) {
   *   return Chatbot.new({ name: "Support", description: "Answers tickets", agent_id: agentId });
   * }
   * console.log((await create(demo.id)).name); // "Support"
   * ```
   */
  static async new(options: ChatbotNewOptions): Promise<Chatbot> {
    const { signal, apiKey: _apiKey, baseUrl: _baseUrl, ...body } = options;
    const client = pickClient(options);
    return new Chatbot(
      await request<ChatbotRecord>("POST", "/v1/chatbots", { client, signal, body }),
      client,
    );
  }

  /**
   * Fetches a chatbot by `id` or exact `name`.
   *
   * @throws {NotFoundError} No such chatbot in this organisation.
   * @example
   * ```ts
   * import { Chatbot } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function support() {
   *   return await Chatbot.fetch({ name: "Support" });
   * }
   * await vs.Chatbot.new({ name: "Support", agent_id: demo.id });
   * console.log((await support()).name); // "Support"
   * ```
   */
  static async fetch(options: ChatbotFetchOptions): Promise<Chatbot> {
    const client = pickClient(options);
    return new Chatbot(await fetchByIdOrName<ChatbotRecord>("chatbot", options, client), client);
  }

  /** Chatbot id. */
  get id(): string {
    return this.#record.id;
  }
  /** Name. */
  get name(): string {
    return this.#record.name;
  }
  /** Description. */
  get description(): string {
    return this.#record.description;
  }
  /** The agent that answers. */
  get agentId(): string {
    return this.#record.agent_id;
  }
  /** Creation time (RFC 3339). */
  get createdAt(): string {
    return this.#record.created_at;
  }

  /**
   * Deletes the chatbot.
   *
   * @example
   * ```ts
   * import type { Chatbot } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function retire(bot: Chatbot) {
   *   await bot.delete();
   * }
   * await retire(await vs.Chatbot.new({ name: "Old bot", agent_id: demo.id }));
   * ```
   */
  async delete(options: CallOptions = {}): Promise<Deleted> {
    const path = `/v1/chatbots/${encodeURIComponent(this.id)}`;
    return await request<Deleted>("DELETE", path, { client: this.#client, signal: options.signal });
  }

  /**
   * A new session through this chatbot, not yet connected.
   *
   * @example
   * ```ts
   * import type { Chatbot } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function hello(bot: Chatbot) {
   *   await using session = await bot.createSession();
   *   await session.send("Hi!");
   * }
   * await hello(await vs.Chatbot.new({ name: "Greeter", agent_id: demo.id }));
   * ```
   */
  // deno-lint-ignore require-await
  async createSession(options: AgentSessionOptions = {}): Promise<Session> {
    return new Session({ ...this.#client, ...options, chatbotId: this.id });
  }

  /** The stored record (wire names). */
  toJSON(): ChatbotRecord {
    return { ...this.#record };
  }
}
