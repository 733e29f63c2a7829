/**
 * The sessions of the engine: creates them (for an agent or a chatbot), finds them with tenancy
 * (another organisation's session is "not found"), terminates them, and stops them all at shutdown.
 * A terminated session is never brought back: its id stays as a tombstone here (and its record, state
 * `terminated`, in the store) while its event log, history and receipts are freed.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import { ApiError } from "../http/errors.ts";
import { newId } from "../ids.ts";
import type { ModelTool } from "../model.ts";
import type { Agent, OpenTurn, SessionRecord } from "../store/store.ts";
import { SessionRuntime } from "./session_runtime.ts";
import type { Sessions, SessionTarget } from "./sessions.ts";

export type { SessionTarget } from "./sessions.ts";

type ModelToolsFor = (tools: components["schemas"]["Tool"][]) => ModelTool[];

/** How a cluster node takes part in the registry's decisions (one engine process needs none). */
export interface RegistryHooks {
  /** Called with a new session's id before anything of it is stored (the node takes its lease). */
  claim?(sessionId: string): Promise<void>;
  /** Whether this process may expire the session now (the node holds or took its lease). */
  mayExpire?(record: SessionRecord): Promise<boolean>;
  /** The session expired (other nodes close their sockets). */
  expired?(sessionId: string): void;
  /** The session left memory (the node gives its lease back). */
  evicted?(sessionId: string): void;
}

/** Live sessions by id. */
export class SessionRegistry implements Sessions {
  readonly #ctx: EngineContext;
  readonly #modelTools: ModelToolsFor;
  readonly #live = new Map<string, SessionRuntime>();
  readonly #restoring = new Map<string, Promise<SessionRuntime>>();
  /**
   * Terminated session ids (to their organisation), set before anything of the terminate is awaited:
   * a read of the store that raced the terminate can then never revive the session. A few bytes per
   * session, like the store's own tombstone record.
   */
  readonly #tombstones = new Map<string, { org: string; state: "terminated" | "expired" }>();

  readonly #hooks: RegistryHooks;

  constructor(ctx: EngineContext, modelTools: ModelToolsFor, hooks: RegistryHooks = {}) {
    this.#ctx = ctx;
    this.#modelTools = modelTools;
    this.#hooks = hooks;
  }

  /** Creates a session; throws 404 for an unknown agent or chatbot, 422 for a functional agent. */
  async create(org: string, target: SessionTarget): Promise<SessionRuntime> {
    const { agent, chatbotId } = await this.#resolveTarget(org, target);
    const record: SessionRecord = {
      id: newId("session"),
      org,
      agent_id: agent.id,
      ...(chatbotId === undefined ? {} : { chatbot_id: chatbotId }),
      state: "active",
      created_at: new Date().toISOString(),
    };
    await this.#hooks.claim?.(record.id);
    await this.#ctx.store.putSession(record);
    const runtime = new SessionRuntime(record, this.#ctx, this.#modelTools);
    this.#live.set(record.id, runtime);
    runtime.emit("session_created", {
      agent_id: agent.id,
      ...(chatbotId === undefined ? {} : { chatbot_id: chatbotId }),
    });
    this.#ctx.log(`session ${record.id} started (agent ${agent.id} "${agent.name}", org ${org})`);
    try {
      const { notice } = this.#ctx.selectModel(agent.llm_info);
      if (notice !== undefined) this.#ctx.log(`session ${record.id}: ${notice}`);
    } catch (error) {
      this.#ctx.log(`session ${record.id}: ${error instanceof Error ? error.message : error}`);
    }
    return runtime;
  }

  /** The live session; throws 404 when unknown to the organisation and 410 when terminated or expired. */
  async open(org: string, id: string): Promise<SessionRuntime> {
    const gone = this.#tombstones.get(id);
    if (gone?.org === org) throw goneError(id, gone.state);
    const live = this.#live.get(id);
    if (live && live.org === org && !live.broken) return live;
    if (live?.broken) this.#live.delete(id);
    const record = await this.#ctx.store.getSession(org, id);
    if (!record) throw notFound(id);
    if (record.state !== "active") throw goneError(id, record.state);
    const runtime = await this.#restore(record);
    // A terminate may have won the race while the store was read.
    const raced = this.#tombstones.get(id);
    if (raced) throw goneError(id, raced.state);
    if (runtime.record.state !== "active") throw goneError(id, runtime.record.state);
    return runtime;
  }

  /**
   * Start-up after a crash or restart: closes every turn the store still records as running (a
   * logged `error` `turn_interrupted` and `message_complete` with status `error`), except turns
   * paused for an approval, which continue once it is answered.
   */
  async recover(): Promise<number> {
    let closed = 0;
    for (const { session, turn } of await this.#ctx.store.listOpenTurns()) {
      if (session.state !== "active") {
        await this.#ctx.store.putOpenTurn(session.id, undefined);
        continue;
      }
      if (await this.recoverTurn(session, turn)) closed++;
    }
    if (closed > 0) this.#ctx.log(`recovered: closed ${closed} turn(s) interrupted by the last stop`);
    return closed;
  }

  /**
   * Closes one turn found open in the store whose process is gone, unless it is paused for an
   * approval (it continues once answered). False when it was left open.
   */
  async recoverTurn(session: SessionRecord, turn: OpenTurn): Promise<boolean> {
    if ((await this.#ctx.store.listApprovals(session.id)).length > 0) return false;
    const runtime = await this.open(session.org, session.id);
    if (runtime.generating) return false;
    await runtime.closeInterruptedTurn(turn);
    return true;
  }

  /** The session if it is live in this process. */
  live(id: string): SessionRuntime | undefined {
    return this.#live.get(id);
  }

  /**
   * Forgets a live session without writing anything (a cluster node lost its lease: another node runs
   * it now, and its writes here would be refused anyway). Its running turn is aborted.
   */
  abandon(id: string): void {
    const runtime = this.#live.get(id);
    if (!runtime) return;
    this.#live.delete(id);
    void runtime.abandon();
  }

  /**
   * Expires sessions idle for longer than `idleMs` (no socket, no turn, no activity): their data is
   * freed, their record stays (state `expired`) to answer 410 / 4011. Returns how many expired.
   */
  async expireIdle(idleMs: number, limit = 1000): Promise<number> {
    const before = new Date(Date.now() - idleMs).toISOString();
    let expired = 0;
    for (const record of await this.#ctx.store.listIdleSessions(before, limit)) {
      const live = this.#live.get(record.id);
      if (live && (live.attached > 0 || live.generating)) {
        live.touch();
        continue;
      }
      if (this.#tombstones.has(record.id)) continue;
      if (this.#hooks.mayExpire && !(await this.#hooks.mayExpire(record))) continue;
      this.#tombstones.set(record.id, { org: record.org, state: "expired" });
      this.#live.delete(record.id);
      await live?.expire();
      await this.#ctx.store.putSession({ ...record, state: "expired" });
      await this.#ctx.store.deleteSessionData(record.id);
      this.#hooks.expired?.(record.id);
      expired++;
    }
    if (expired > 0) this.#ctx.log(`expired ${expired} session(s) idle for over ${idleMs} ms`);
    return expired;
  }

  /**
   * Drops from memory the sessions nobody used for `idleMs` (no socket, no turn, nothing to write); their state
   * is in the store and the next attach or read restores them. Keeps the engine's memory proportional
   * to the sessions in use, not to every session it has seen. Returns how many were dropped.
   */
  evictIdle(idleMs: number): number {
    let evicted = 0;
    for (const [id, runtime] of this.#live) {
      if (runtime.idleMs < idleMs || !runtime.evictable) continue;
      this.#live.delete(id);
      this.#hooks.evicted?.(id);
      evicted++;
    }
    this.#ctx.metrics.sessionsInMemory = this.#live.size;
    return evicted;
  }

  /** Sessions held in memory now. */
  get liveCount(): number {
    return this.#live.size;
  }

  /** Whether any live session is running a turn (a draining shutdown waits for none). */
  get generating(): boolean {
    for (const runtime of this.#live.values()) if (runtime.generating) return true;
    return false;
  }

  /** Terminates a session; throws 404 when unknown and 410 when already terminated. */
  async terminate(org: string, id: string, reason?: string): Promise<SessionRuntime> {
    const runtime = await this.open(org, id);
    if (!(await this.#terminate(runtime, reason))) throw goneError(id, "terminated");
    return runtime;
  }

  /** Terminates every session of an agent (the agent is being deleted). */
  async terminateAgentSessions(org: string, agentId: string): Promise<void> {
    for (const record of await this.#ctx.store.listSessionsOfAgent(org, agentId)) {
      if (record.state !== "active") continue;
      try {
        await this.#terminate(await this.open(org, record.id), "the agent was deleted");
      } catch (error) {
        // Terminated meanwhile by someone else: nothing left to do for this one.
        if (!(error instanceof ApiError && error.status === 410)) throw error;
      }
    }
  }

  /** Operator action: closes a session's sockets with 1011; returns how many were closed. */
  dropSockets(id: string): number {
    return this.#live.get(id)?.drop() ?? 0;
  }

  /** Stops every live session's generation (engine shutdown); sessions stay active in the store. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.#live.values()].map((s) => s.shutdown()));
  }

  async #terminate(runtime: SessionRuntime, reason: string | undefined): Promise<boolean> {
    const id = runtime.sessionId;
    if (this.#tombstones.has(id)) return false;
    this.#tombstones.set(id, { org: runtime.org, state: "terminated" });
    if (this.#live.get(id) === runtime) this.#live.delete(id);
    this.#ctx.log(`session ${id} terminated${reason ? ` (${reason})` : ""}`);
    if (!(await runtime.terminate(reason))) return false;
    // Generation has stopped and every write has landed: the log, history and receipts can go.
    await this.#ctx.store.deleteSessionData(id);
    return true;
  }

  async #resolveTarget(org: string, target: SessionTarget): Promise<{ agent: Agent; chatbotId?: string }> {
    const store = this.#ctx.store;
    let chatbotId: string | undefined;
    let agentId: string;
    if ("chatbot_id" in target) {
      const chatbot = await store.getChatbot(org, target.chatbot_id);
      if (!chatbot) {
        throw new ApiError(
          404,
          `Chatbot ${target.chatbot_id} not found in your organisation; list them with GET /v1/chatbots.`,
        );
      }
      chatbotId = chatbot.id;
      agentId = chatbot.agent_id;
    } else {
      agentId = target.agent_id;
    }
    const agent = await store.getAgent(org, agentId);
    if (!agent) {
      throw new ApiError(
        404,
        `Agent ${agentId} not found in your organisation; list them with GET /v1/agents.`,
      );
    }
    if (agent.type !== "conversational") {
      throw new ApiError(
        422,
        `Agent ${agent.id} is a ${agent.type} agent; sessions need a conversational agent.`,
      );
    }
    return chatbotId === undefined ? { agent } : { agent, chatbotId };
  }

  /** Brings a stored active session back to life (a persistent store after a restart). */
  #restore(record: SessionRecord): Promise<SessionRuntime> {
    let pending = this.#restoring.get(record.id);
    if (!pending) {
      pending = (async () => {
        const store = this.#ctx.store;
        const [{ headSeq }, receipts, memory, approvals] = await Promise.all([
          store.readEvents(record.id, Number.MAX_SAFE_INTEGER),
          store.listReceipts(record.id),
          store.getMemory(record.id),
          store.listApprovals(record.id),
        ]);
        const gone = this.#tombstones.get(record.id);
        if (gone) throw goneError(record.id, gone.state);
        const runtime = new SessionRuntime(record, this.#ctx, this.#modelTools, {
          head: headSeq,
          receipts,
          memory,
        });
        for (const approval of approvals) runtime.restoreApproval(approval);
        this.#live.set(record.id, runtime);
        return runtime;
      })().finally(() => this.#restoring.delete(record.id));
      this.#restoring.set(record.id, pending);
    }
    return pending;
  }
}

/** 404 for a session unknown to the organisation. */
export function notFound(id: string): ApiError {
  return new ApiError(
    404,
    `Session ${id} not found in your organisation; create one with POST /v1/sessions.`,
  );
}

/** 410 for a terminated or expired session, with the `code` that says which. */
export function goneError(id: string, state: "terminated" | "expired"): ApiError {
  if (state === "expired") {
    return new ApiError(
      410,
      `Session ${id} expired: it was idle longer than this engine keeps sessions, and its data was removed; create a new session.`,
      {},
      "session_expired",
    );
  }
  return new ApiError(
    410,
    `Session ${id} was terminated and cannot be used or resumed; create a new session.`,
    {},
    "session_terminated",
  );
}
