/**
 * Options of `Agent`'s static and instance methods.
 *
 * @module
 */
import type { ClientOptions } from "./config.ts";
import type { CallOptions } from "./http.ts";
import type { AgentCreate } from "./rest_types.ts";
import type { SessionOptions } from "./session_options.ts";
import type { AgentType } from "./tools.ts";

/** Per-call options: cancellation and per-call credentials. */
export interface AgentCallOptions extends CallOptions, ClientOptions {}

/**
 * The fields of a new agent, with their wire names, plus call options. `type` and `agent_type` are
 * aliases (default conversational).
 */
export interface AgentNewOptions extends Omit<AgentCreate, "type">, AgentCallOptions {
  /** Conversational (default) or functional. */
  type?: AgentType;
  /** Alias of `type`. */
  agent_type?: AgentType;
}

/** Find an agent by id or by exact name. */
export type AgentFetchOptions =
  & ({ id: string; name?: undefined } | { name: string; id?: undefined })
  & AgentCallOptions;

/** A page of agents. */
export interface AgentListOptions extends AgentCallOptions {
  /** Page size (1 to 500). @default {50} */
  limit?: number;
  /** How many to skip. @default {0} */
  offset?: number;
}

/** Session options for sessions opened from an agent (the agent supplies the target). */
export type AgentSessionOptions = Omit<SessionOptions, "agentId" | "chatbotId" | "sessionId">;
