/**
 * The sessions of one node of a Redis cluster. Any node serves any session:
 *
 * - sockets attach to a {@link SessionFeed} on the node they reached, fed from the session's log in
 *   Redis whichever node writes it;
 * - exactly one node runs a session (its turns, posts, approvals, terminate): the holder of its lease
 *   (`leases.ts`). A command that reaches another node is sent to the holder (`node_rpc.ts`); when
 *   the lease is free (never taken, given back, or expired because its node died) the node that got
 *   the command takes it and runs the session itself, first closing a turn the dead node left open;
 * - a sweep takes over sessions whose node died mid-turn even when no command arrives, so their
 *   listeners see the turn end (`turn_interrupted`) within about one lease period.
 *
 * @module
 */
import type { ApprovalResponseFrame, UserMessage } from "../../generated/protocol.ts";
import { CloseCode } from "../../generated/protocol_schema.ts";
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import { type EventData, type EventType, makeEvent } from "../events.ts";
import { ApiError, type ErrorStatus } from "../http/errors.ts";
import type { ModelTool } from "../model.ts";
import type { RateLimiter } from "../rate_limit.ts";
import type { AnswerOutcome } from "../session/approvals.ts";
import type { Subscriber } from "../session/fanout.ts";
import type { PostOutcome } from "../session/posts.ts";
import { goneError, notFound, SessionRegistry } from "../session/registry.ts";
import type { SessionRuntime } from "../session/session_runtime.ts";
import type { SessionHandle, Sessions, SessionTarget } from "../session/sessions.ts";
import type { RedisStore } from "../store/redis_store.ts";
import type { SessionRecord } from "../store/store.ts";
import { StoreUnavailableError } from "../store/store_unavailable.ts";
import { Bus } from "./bus.ts";
import { Leases } from "./leases.ts";
import {
  type Command,
  type CommandReply,
  type CommandRequest,
  NodeRpc,
  NodeUnreachable,
} from "./node_rpc.ts";
import { EXPIRED_NOTICE, SessionFeed } from "./session_feed.ts";

/** How a cluster node is set up. */
export interface ClusterOptions {
  /** Lease time in ms: how long a dead node's sessions wait before another node takes them over. */
  leaseMs: number;
}

type ModelToolsFor = (tools: components["schemas"]["Tool"][]) => ModelTool[];

/** How long a command waits for the running node before asking again. */
const COMMAND_TIMEOUT_MS = 1_000;

/** The sessions of one cluster node. */
export class ClusterSessions implements Sessions {
  readonly nodeId: string = `node_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  readonly #ctx: EngineContext;
  readonly #store: RedisStore;
  readonly #registry: SessionRegistry;
  readonly #leases: Leases;
  readonly #rpc: NodeRpc;
  readonly #leaseMs: number;
  readonly #feeds = new Map<string, Promise<SessionFeed>>();
  readonly #adopting = new Map<string, Promise<SessionRuntime>>();
  /** The feeds of {@link #feeds} that are open. */
  readonly #open = new Map<string, SessionFeed>();
  #bus: Bus | undefined;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #closing = false;

  constructor(ctx: EngineContext, store: RedisStore, modelTools: ModelToolsFor, options: ClusterOptions) {
    this.#ctx = ctx;
    this.#store = store;
    this.#leaseMs = options.leaseMs;
    store.requireLeases();
    store.origin = this.nodeId;
    this.#leases = new Leases(
      store,
      this.nodeId,
      options.leaseMs,
      (id) => this.#registry.abandon(id),
      ctx.log,
    );
    this.#registry = new SessionRegistry(ctx, modelTools, {
      claim: async (id) => {
        const lease = await this.#leases.acquire(id);
        if (!lease.mine) throw new Error(`session id ${id} is already leased by node ${lease.node}`);
      },
      mayExpire: async (record) => (await this.#leases.acquire(record.id)).mine,
      expired: (id) => {
        void this.#store.publish(this.#store.keys.events(id), EXPIRED_NOTICE).catch(() => {});
        void this.#leases.release(id);
      },
      evicted: (id) => void this.#leases.release(id),
    });
    this.#rpc = new NodeRpc(store, this.nodeId, (request) => this.#serve(request));
  }

  /** Joins the cluster: subscribes, starts lease renewal, the node heartbeat and the takeover sweep. */
  async start(limiter: RateLimiter): Promise<void> {
    this.#bus = await Bus.connect(this.#store, () => this.#busDown());
    await this.#rpc.start(this.#bus);
    // Documents added over REST on another node become searchable here too.
    await this.#bus.subscribe(this.#store.keys.documentsAdded(), (message) => this.#documentAdded(message));
    this.#leases.start();
    const heartbeat = async () => {
      try {
        limiter.setNodes(await this.#heartbeat());
      } catch {
        // Redis unreachable: keep the last split; requests fail with 503 meanwhile.
      }
    };
    await heartbeat();
    this.#every(Math.max(100, this.#leaseMs / 2), heartbeat);
    this.#every(Math.max(100, this.#leaseMs / 2), () => this.#sweep());
    await this.#sweep();
  }

  /** Running turns on this node (a draining shutdown waits for them). */
  get generating(): boolean {
    return this.#registry.generating;
  }

  async create(org: string, target: SessionTarget): Promise<SessionHandle> {
    const runtime = await this.#registry.create(org, target);
    return new ClusterSession(this, runtime.record);
  }

  async open(org: string, id: string): Promise<SessionHandle> {
    return new ClusterSession(this, await this.#record(org, id));
  }

  async terminate(org: string, id: string, reason?: string): Promise<SessionHandle> {
    const record = await this.#record(org, id);
    await this.command(record, reason === undefined ? { op: "terminate" } : { op: "terminate", reason });
    return new ClusterSession(this, { ...record, state: "terminated" });
  }

  async terminateAgentSessions(org: string, agentId: string): Promise<void> {
    for (const record of await this.#store.listSessionsOfAgent(org, agentId)) {
      if (record.state !== "active") continue;
      try {
        await this.command(record, { op: "terminate", reason: "the agent was deleted" });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 410)) throw error;
      }
    }
  }

  dropSockets(id: string): number {
    const feed = this.#open.get(id);
    return feed?.fanout.closeAll(
      CloseCode.internal_error,
      "dropped by operator; resume from your last seq",
    ) ?? 0;
  }

  /** Expires idle sessions this node can take (see the registry); sockets anywhere close with 4011. */
  async expireIdle(idleMs: number): Promise<number> {
    // Sessions with sockets on this node are in use, whatever the store's last activity says.
    const now = new Date().toISOString();
    for (const id of this.#feeds.keys()) await this.#store.touchSession(id, now).catch(() => {});
    return await this.#registry.expireIdle(idleMs);
  }

  /** Drops idle sessions from memory and gives their leases back. */
  evictIdle(idleMs: number): number {
    return this.#registry.evictIdle(idleMs);
  }

  /** Leaves the cluster: stops this node's sessions and gives their leases back at once. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#registry.shutdown();
    await this.#leases.stop();
    await this.#store.client.zrem(this.#store.keys.nodes(), this.nodeId).catch(() => {});
    this.#bus?.close();
  }

  /** Runs a command on the node that runs the session: this one, or the lease holder. */
  async command(record: SessionRecord, command: Command): Promise<unknown> {
    const deadline = performance.now() + this.#leaseMs + 2 * COMMAND_TIMEOUT_MS;
    for (;;) {
      const lease = await this.#leases.acquire(record.id);
      if (lease.mine) return await this.#run(record, command);
      let reply: CommandReply;
      try {
        reply = await this.#rpc.call(
          lease.node,
          { session_id: record.id, org: record.org, command },
          COMMAND_TIMEOUT_MS,
        );
      } catch (error) {
        if (!(error instanceof NodeUnreachable)) throw error;
        // The holder may have died: its lease expires within `leaseMs`, then this node takes over.
        if (performance.now() > deadline) {
          throw new StoreUnavailableError(
            `The node running session ${record.id} does not answer and its lease has not expired; retry shortly.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (reply.ok) return reply.value;
      if ("not_owner" in reply) continue;
      if (reply.status === 503) throw new StoreUnavailableError(reply.error);
      throw new ApiError(reply.status as ErrorStatus, reply.error, {}, reply.code as ApiError["code"]);
    }
  }

  /** This node's feed of a session (subscribed before it reads the head, so it misses nothing). */
  async feed(record: SessionRecord): Promise<SessionFeed> {
    let pending = this.#feeds.get(record.id);
    if (!pending) {
      pending = this.#openFeed(record);
      this.#feeds.set(record.id, pending);
      pending.catch(() => this.#feeds.delete(record.id));
    }
    return await pending;
  }

  /** Called when a socket left a feed: an empty feed unsubscribes. */
  released(feed: SessionFeed): void {
    if (feed.fanout.size > 0) return;
    void this.#feeds.get(feed.sessionId)?.then((current) => {
      if (current !== feed || feed.fanout.size > 0) return;
      this.#feeds.delete(feed.sessionId);
      this.#open.delete(feed.sessionId);
      void this.#bus?.unsubscribe(this.#store.keys.events(feed.sessionId));
    });
  }

  /** The session as REST shows it, from the shared store (any node answers the same). */
  async info(record: SessionRecord): Promise<components["schemas"]["SessionInfo"]> {
    const [current, window, turn, feed] = await Promise.all([
      this.#store.getSession(record.org, record.id),
      this.#store.readEvents(record.id, Number.MAX_SAFE_INTEGER),
      this.#store.getOpenTurn(record.id),
      this.#open.get(record.id),
    ]);
    const { id, agent_id, chatbot_id, state, created_at } = current ?? record;
    return {
      id,
      agent_id,
      ...(chatbot_id === undefined ? {} : { chatbot_id }),
      state,
      head_seq: window.headSeq,
      generating: turn !== undefined && state === "active",
      attached_sockets: feed?.fanout.size ?? 0,
      created_at,
    };
  }

  async #openFeed(record: SessionRecord): Promise<SessionFeed> {
    const bus = this.#bus;
    if (!bus) throw new StoreUnavailableError("This node is not connected to Redis yet; retry shortly.");
    let feed: SessionFeed | undefined;
    const early: string[] = [];
    await bus.subscribe(this.#store.keys.events(record.id), (message) => {
      if (feed) feed.receive(message);
      else early.push(message);
    });
    try {
      // Read after subscribing: whatever is logged from now on arrives on the channel.
      const [current, window] = await Promise.all([
        this.#store.getSession(record.org, record.id),
        this.#store.readEvents(record.id, Number.MAX_SAFE_INTEGER),
      ]);
      if (!current) throw notFound(record.id);
      if (current.state !== "active") throw goneError(record.id, current.state);
      feed = new SessionFeed(this.#ctx, current, window.headSeq);
      for (const message of early) feed.receive(message);
      this.#open.set(record.id, feed);
      return feed;
    } catch (error) {
      await bus.unsubscribe(this.#store.keys.events(record.id));
      throw error;
    }
  }

  async #record(org: string, id: string): Promise<SessionRecord> {
    const record = await this.#store.getSession(org, id);
    if (!record) throw notFound(id);
    if (record.state !== "active") throw goneError(id, record.state);
    return record;
  }

  /** Runs a command here (this node holds the lease). */
  async #run(record: SessionRecord, command: Command): Promise<unknown> {
    const runtime = await this.#adopt(record);
    switch (command.op) {
      case "post": {
        const outcome = await runtime.post(command.message as UserMessage);
        await runtime.logged();
        return { outcome: withoutPosts(outcome), head: runtime.head };
      }
      case "batch": {
        const outcome = await runtime.batch(command.batch_id, command.messages as UserMessage[]);
        await runtime.logged();
        return { outcome: withoutPosts(outcome), head: runtime.head };
      }
      case "answer":
        return runtime.answer(command.frame as ApprovalResponseFrame);
      case "cancel":
        return runtime.cancel(command.reason);
      case "terminate":
        await this.#registry.terminate(record.org, record.id, command.reason);
        await this.#leases.release(record.id);
        return true;
    }
  }

  /**
   * The live runtime of a session this node holds the lease of; restored from the store when it is
   * not in memory, after closing a turn the previous node left open (it died mid-answer).
   */
  #adopt(record: SessionRecord): Promise<SessionRuntime> {
    const live = this.#registry.live(record.id);
    if (live && !live.broken) return Promise.resolve(live);
    // One restore per session at a time: two commands (or a command and the sweep) must not both
    // close the same interrupted turn.
    let pending = this.#adopting.get(record.id);
    if (!pending) {
      pending = (async () => {
        const turn = await this.#store.getOpenTurn(record.id);
        if (turn) {
          const current = await this.#store.getSession(record.org, record.id);
          if (current && await this.#registry.recoverTurn(current, turn)) {
            this.#ctx.log(`cluster: session ${record.id}: closed the turn its previous node left open`);
          }
        }
        return await this.#registry.open(record.org, record.id);
      })().finally(() => this.#adopting.delete(record.id));
      this.#adopting.set(record.id, pending);
    }
    return pending;
  }

  /** Answers a command from another node. */
  async #serve(request: CommandRequest): Promise<CommandReply> {
    if (this.#closing || !this.#leases.holds(request.session_id)) return { ok: false, not_owner: true };
    try {
      const record = await this.#record(request.org, request.session_id);
      return { ok: true, value: await this.#run(record, request.command) };
    } catch (error) {
      if (error instanceof ApiError) {
        return {
          ok: false,
          status: error.status,
          error: error.message,
          ...(error.code ? { code: error.code } : {}),
        };
      }
      if (error instanceof StoreUnavailableError) return { ok: false, status: 503, error: error.message };
      this.#ctx.log(
        `cluster: command ${request.command.op} on session ${request.session_id} failed: ${error}`,
      );
      return { ok: false, status: 500, error: "internal error in the engine running the session" };
    }
  }

  /**
   * Takes over sessions whose node died mid-turn: their open turn is closed as interrupted here, so
   * listeners on every node see it end without waiting for the next command.
   */
  async #sweep(): Promise<void> {
    if (this.#closing) return;
    try {
      // Cheap in the common case (every open turn running healthily somewhere): one HKEYS and one MGET.
      const ids = (await this.#store.listOpenTurnIds()).filter((id) => {
        const live = this.#registry.live(id);
        // Ours and healthy: running here. Ours and failed (Redis went away mid-turn): to be closed.
        return !(this.#leases.holds(id) && live && !live.broken);
      });
      const holders = await this.#store.leaseHolders(ids);
      for (const [i, id] of ids.entries()) {
        if (holders[i] !== null && !this.#leases.holds(id)) continue;
        const session = await this.#store.sessionById(id);
        if (session?.state !== "active") continue;
        if ((await this.#store.listApprovals(id)).length > 0) continue;
        if (!(await this.#leases.acquire(id)).mine) continue;
        await this.#adopt(session);
      }
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) {
        this.#ctx.log(`cluster: takeover sweep failed: ${error}`);
      }
    }
  }

  #documentAdded(message: string): void {
    try {
      const { origin, org, document } = JSON.parse(message) as {
        origin: string;
        org: string;
        document: { id: string; title: string; text: string };
      };
      if (origin !== this.nodeId) this.#ctx.knowledge(org).add(document);
    } catch (error) {
      this.#ctx.log(`cluster: ignored a malformed document announcement: ${error}`);
    }
  }

  /** Announces this node; returns how many nodes are alive. */
  async #heartbeat(): Promise<number> {
    const key = this.#store.keys.nodes();
    const now = Date.now();
    const result = await this.#store.client.multi()
      .zadd(key, now + 3 * this.#leaseMs, this.nodeId)
      .zremrangebyscore(key, "-inf", now)
      .zcard(key)
      .exec();
    return Number(result?.[2]?.[1] ?? 1);
  }

  /** Redis pub/sub dropped: what was published meanwhile never reaches these sockets; they resume. */
  #busDown(): void {
    const feeds = [...this.#feeds.values()];
    this.#feeds.clear();
    this.#open.clear();
    if (!this.#closing) {
      this.#ctx.log(`cluster: lost the Redis subscription; closing ${feeds.length} feed(s)`);
    }
    for (const pending of feeds) {
      void pending.then((feed) =>
        feed.fanout.closeAll(
          CloseCode.store_unavailable,
          "the engine lost its shared store; resume from your last seq",
        )
      ).catch(() => {});
    }
  }

  #every(ms: number, run: () => Promise<void>): void {
    const timer = setInterval(() => void run(), ms);
    Deno.unrefTimer(timer);
    this.#timers.push(timer);
  }
}

/** A session as one socket or REST request of this node uses it. */
class ClusterSession implements SessionHandle {
  readonly sessionId: string;
  readonly org: string;
  readonly #sessions: ClusterSessions;
  readonly #record: SessionRecord;
  #feed: SessionFeed | undefined;
  /** The head after this handle's last post: its next frame waits until the feed delivered it. */
  #acked = 0;

  constructor(sessions: ClusterSessions, record: SessionRecord) {
    this.#sessions = sessions;
    this.#record = record;
    this.sessionId = record.id;
    this.org = record.org;
  }

  async attach(sub: Subscriber, lastSeq: number, resumed: boolean): Promise<boolean> {
    const feed = await this.#sessions.feed(this.#record);
    if (feed.ended) return false;
    this.#feed = feed;
    return await feed.fanout.attach(sub, lastSeq, resumed);
  }

  detach(sub: Subscriber): void {
    const feed = this.#feed;
    if (!feed) return;
    feed.fanout.detach(sub);
    this.#sessions.released(feed);
  }

  scoped<T extends EventType>(sub: Subscriber, type: T, data: EventData<T>, messageId?: string): string {
    if (this.#feed) return this.#feed.fanout.scoped(sub, type, data, messageId);
    const envelope = { seq: 0, logged: false, session_id: this.sessionId, message_id: messageId };
    return JSON.stringify(makeEvent(type, envelope, data));
  }

  async post(message: UserMessage): Promise<PostOutcome> {
    const { outcome, head } = await this.#sessions.command(this.#record, { op: "post", message }) as Posted;
    this.#acked = head;
    return outcome;
  }

  async batch(batchId: string, messages: UserMessage[]): Promise<PostOutcome> {
    const { outcome, head } = await this.#sessions.command(this.#record, {
      op: "batch",
      batch_id: batchId,
      messages,
    }) as Posted;
    this.#acked = head;
    return outcome;
  }

  logged(): Promise<void> {
    return this.#feed?.reached(this.#acked) ?? Promise.resolve();
  }

  async answer(frame: ApprovalResponseFrame): Promise<AnswerOutcome> {
    return await this.#sessions.command(this.#record, { op: "answer", frame }) as AnswerOutcome;
  }

  async cancel(reason: string | undefined): Promise<boolean> {
    const command: Command = reason === undefined ? { op: "cancel" } : { op: "cancel", reason };
    return await this.#sessions.command(this.#record, command) as boolean;
  }

  info(): Promise<components["schemas"]["SessionInfo"]> {
    return this.#sessions.info(this.#record);
  }
}

interface Posted {
  outcome: PostOutcome;
  head: number;
}

/** A post's outcome without the posts themselves (the caller needs only receipts and refusals). */
function withoutPosts(outcome: PostOutcome): PostOutcome {
  return "posts" in outcome ? { duplicate: false, posts: [] } : outcome;
}
