/**
 * What a check works with: the server's URL and keys, REST calls checked against the document,
 * sockets it opens (closed when the check ends), and the kit's agents (created once per run).
 *
 * @module
 */
import type { SessionTarget } from "../src/generated/protocol.ts";
import type { components } from "../src/generated/rest.ts";
import { CheckSkipped, ConformanceFailure } from "./check.ts";
import type { ResolvedOptions } from "./options.ts";
import { type RestAnswer, restCall } from "./wire/rest.ts";
import { type Ev, WireSocket } from "./wire/socket.ts";

type Agent = components["schemas"]["Agent"];
type Tool = components["schemas"]["Tool"];

/** The agents checks use; each is created on first use and deleted after the run. */
export type AgentKind = "plain" | "essay" | "approval";

/** Instructions under which the model writes a long answer (the simulator writes an essay). */
export const ESSAY_INSTRUCTIONS = "Write a very long essay about the history of computing.";
/** A question the approval agent answers with its calculator tool. */
export const ARITHMETIC_QUESTION = "What is 23 * 19?";

const AGENTS: Record<AgentKind, { instructions: string; tools: Tool[] }> = {
  plain: { instructions: "You are helpful. Answer briefly.", tools: [] },
  essay: { instructions: ESSAY_INSTRUCTIONS, tools: [] },
  approval: {
    instructions: "Use the calculator for arithmetic.",
    tools: [{ name: "calc", tool_type: "calculator", approval_config: "requires_approval" }],
  },
};

/** Options of one REST call made by a check. */
export interface RestOptions {
  /** Values for the route's `{parameters}`. */
  params?: Record<string, string>;
  /** Query parameters. */
  query?: Record<string, string>;
  /** The body. */
  body?: unknown;
  /** The key to send; `null` sends none. Defaults to the run's key. */
  key?: string | null;
}

/** A session the kit opened: its socket (handshake done, `session_created` read) and id. */
export interface OpenSession {
  socket: WireSocket;
  sessionId: string;
  connected: Ev<"session_connected">;
}

/** State shared by every check of one run: the agents. */
export class RunState {
  readonly #agents = new Map<string, Promise<Agent>>();
  /** Every agent created, with the key of its organisation, to delete after the run. */
  readonly created: { id: string; key: string }[] = [];

  agent(options: ResolvedOptions, kind: AgentKind, key: string): Promise<Agent> {
    const cacheKey = `${kind}\n${key}`;
    let agent = this.#agents.get(cacheKey);
    if (agent === undefined) {
      agent = createAgent(options, kind, key).then((a) => {
        this.created.push({ id: a.id, key });
        return a;
      });
      this.#agents.set(cacheKey, agent);
      agent.catch(() => this.#agents.delete(cacheKey));
    }
    return agent;
  }
}

async function createAgent(options: ResolvedOptions, kind: AgentKind, key: string): Promise<Agent> {
  const answer = await restCall<Agent>(options.url, {
    method: "POST",
    route: "/v1/agents",
    key,
    body: {
      name: `conformance ${kind} ${crypto.randomUUID().slice(0, 8)}`,
      type: "conversational",
      llm_info: options.llmInfo,
      ...AGENTS[kind],
    },
  }, options.waitMs);
  if (answer.status !== 201) {
    throw new ConformanceFailure(
      `creating the kit's ${kind} agent (POST /v1/agents) answered ${answer.status}`,
    );
  }
  return answer.body;
}

/** What one check works with. Sockets it opens are closed when the check ends. */
export class CheckContext {
  /** The run's options. */
  readonly options: ResolvedOptions;
  readonly #state: RunState;
  readonly #sockets = new Set<WireSocket>();
  /** Aborts when the check has run for `checkTimeoutMs`: its sockets close, so every wait ends at once. */
  readonly #deadline: AbortSignal;
  readonly #onDeadline = () => void this.close();

  /** A context for one check of a run. */
  constructor(options: ResolvedOptions, state: RunState) {
    this.options = options;
    this.#state = state;
    this.#deadline = AbortSignal.timeout(options.checkTimeoutMs);
    this.#deadline.addEventListener("abort", this.#onDeadline, { once: true });
  }

  /** Whether the check ran out of time. */
  get timedOut(): boolean {
    return this.#deadline.aborted;
  }

  /** The server's base URL. */
  get url(): string {
    return this.options.url;
  }

  /** The run's API key. */
  get key(): string {
    return this.options.key;
  }

  /** The second organisation's key; skips the check when none was given. */
  otherKey(): string {
    if (this.options.otherKey === undefined) {
      throw new CheckSkipped("needs a key of a second organisation (--other-key / otherKey)");
    }
    return this.options.otherKey;
  }

  /** Calls a documented REST route; the answer's status and body are checked against the document. */
  rest<T = Record<string, unknown>>(
    method: string,
    route: string,
    options: RestOptions = {},
  ): Promise<RestAnswer<T>> {
    return restCall<T>(
      this.url,
      {
        method,
        route,
        key: options.key === undefined ? this.key : options.key,
        ...(options.params === undefined ? {} : { params: options.params }),
        ...(options.query === undefined ? {} : { query: options.query }),
        ...(options.body === undefined ? {} : { body: options.body }),
      },
      this.options.waitMs,
      this.#deadline,
    );
  }

  /** One of the kit's agents (in the run's organisation, or in `key`'s). */
  agent(kind: AgentKind, key: string = this.key): Promise<Agent> {
    return this.#state.agent(this.options, kind, key);
  }

  /** Opens a socket without a handshake. */
  async open(): Promise<WireSocket> {
    if (this.timedOut) throw new ConformanceFailure("the check ran out of time");
    const socket = await WireSocket.open(this.url, this.options.waitMs);
    this.#sockets.add(socket);
    return socket;
  }

  /** Opens a socket, sends `hello` and reads `session_connected`; keeps the socket alive with pings. */
  async attach(
    target: SessionTarget,
    key: string = this.key,
  ): Promise<{ socket: WireSocket; connected: Ev<"session_connected"> }> {
    const socket = await this.open();
    socket.hello(key, target);
    const first = await socket.next();
    if (first.type !== "session_connected") {
      throw new ConformanceFailure(
        `hello with a valid key and target was answered with ${first.type} instead of session_connected` +
          (first.type === "error" ? ` (${first.data.code}: ${first.data.error})` : ""),
      );
    }
    socket.keepAlive(first.data.heartbeat_interval_ms / 2);
    return { socket, connected: first };
  }

  /** A new session on one of the kit's agents, with its `session_created` read. */
  async newSession(kind: AgentKind): Promise<OpenSession> {
    const agent = await this.agent(kind);
    const { socket, connected } = await this.attach({ agent_id: agent.id });
    const created = await socket.next();
    if (created.type !== "session_created") {
      throw new ConformanceFailure(`a new session's first event was ${created.type}, not session_created`);
    }
    return { socket, sessionId: created.session_id, connected };
  }

  /** Closes every socket this check opened. */
  async close(): Promise<void> {
    this.#deadline.removeEventListener("abort", this.#onDeadline);
    await Promise.all([...this.#sockets].map((s) => s.close()));
    this.#sockets.clear();
  }
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
