/**
 * The Redis {@link EngineStore}: the shared store of an engine cluster. Every node started with the
 * same Redis URL and key prefix serves the same organisations, agents, chatbots and sessions.
 *
 * A session's event log is a Redis Stream whose entry ids are the events' seqs (`<seq>-0`), so Redis
 * itself refuses a seq that does not increase. Appends run in one Lua script that also checks the
 * session's lease (only the node running the session may write its log: see `cluster/leases.ts`),
 * that the batch continues the stored head, trims to the retention, and publishes the batch on the
 * session's channel, where every node with an attached socket receives it in order.
 *
 * Commands fail fast while Redis is unreachable (no offline queue): the caller gets a
 * {@link StoreUnavailableError}, which the engine answers with `503` / close `1013`, and the client
 * reconnects in the background until Redis is back.
 *
 * @module
 */
import { Redis, ReplyError } from "ioredis";
import type { ServerEvent } from "../../generated/protocol.ts";
import type { ModelMessage } from "../model.ts";
import * as scripts from "./redis_scripts.ts";
import type {
  Agent,
  Chatbot,
  EngineStore,
  EventWindow,
  OpenTurn,
  Page,
  PostReceipt,
  SessionCounts,
  SessionMessage,
  SessionRecord,
  StoredApproval,
  StoredDocument,
} from "./store.ts";
import { redactUrl } from "./redis_url.ts";
import { StoreUnavailableError } from "./store_unavailable.ts";

/** How long one command may take before it fails as unavailable (Redis answers in microseconds). */
const COMMAND_TIMEOUT_MS = 5_000;

/** How to reach Redis. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Prefix of every key and channel; nodes of one cluster share it (default `vs:`). */
  prefix?: string;
  /** Connect timeout in ms (default 5,000). */
  connectTimeoutMs?: number;
}

type Scripted = Redis & {
  vsAppend(...args: Array<string | number>): Promise<number>;
  vsRead(...args: Array<string | number>): Promise<[string, string | null, Array<[string, string[]]>]>;
  vsPutSession(...args: Array<string | number>): Promise<number>;
  vsTouch(...args: Array<string | number>): Promise<number>;
  vsPutOrdered(...args: Array<string | number>): Promise<number>;
  vsDeleteOrdered(...args: Array<string | number>): Promise<number>;
  vsAcquire(...args: Array<string | number>): Promise<string>;
  vsRenew(...args: Array<string | number>): Promise<number[]>;
  vsRelease(...args: Array<string | number>): Promise<number>;
};

/** Key names, in one place. */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  agents(org: string): string {
    return `${this.prefix}org:${org}:agents`;
  }
  agentOrder(org: string): string {
    return `${this.prefix}org:${org}:agents:order`;
  }
  chatbots(org: string): string {
    return `${this.prefix}org:${org}:chatbots`;
  }
  chatbotOrder(org: string): string {
    return `${this.prefix}org:${org}:chatbots:order`;
  }
  documents(org: string): string {
    return `${this.prefix}org:${org}:documents`;
  }
  agentSessions(org: string, agentId: string): string {
    return `${this.prefix}org:${org}:agent:${agentId}:sessions`;
  }
  session(id: string): string {
    return `${this.prefix}session:${id}`;
  }
  sessionCounts(): string {
    return `${this.prefix}sessions:counts`;
  }
  idle(): string {
    return `${this.prefix}sessions:idle`;
  }
  openTurns(): string {
    return `${this.prefix}sessions:open_turns`;
  }
  log(id: string): string {
    return `${this.prefix}session:${id}:log`;
  }
  head(id: string): string {
    return `${this.prefix}session:${id}:head`;
  }
  messages(id: string): string {
    return `${this.prefix}session:${id}:messages`;
  }
  messageOrder(id: string): string {
    return `${this.prefix}session:${id}:messages:order`;
  }
  receipts(id: string): string {
    return `${this.prefix}session:${id}:receipts`;
  }
  memory(id: string): string {
    return `${this.prefix}session:${id}:memory`;
  }
  approvals(id: string): string {
    return `${this.prefix}session:${id}:approvals`;
  }
  lease(id: string): string {
    return `${this.prefix}session:${id}:lease`;
  }
  /** Where a session's logged events are published. */
  events(id: string): string {
    return `${this.prefix}events:${id}`;
  }
  /** Where a node receives commands and replies. */
  node(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }
  nodes(): string {
    return `${this.prefix}nodes`;
  }
  /** Where added knowledge documents are announced to every node. */
  documentsAdded(): string {
    return `${this.prefix}documents:added`;
  }
}

/** Parses a stream entry id `<seq>-0`. */
function seqOf(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}

function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}

/** The shared store of an engine cluster, on Redis. */
export class RedisStore implements EngineStore {
  readonly keys: RedisKeys;
  readonly url: string;
  readonly #redis: Scripted;
  /** Lease tokens of the sessions this node runs: appends carry them, and Redis checks them. */
  readonly #fences = new Map<string, string>();
  #leasesRequired = false;
  /** Who announces added documents (a cluster node's id), so a node skips its own announcements. */
  origin = "";
  #closed = false;

  private constructor(redis: Redis, url: string, prefix: string) {
    this.#redis = redis as Scripted;
    this.url = url;
    this.keys = new RedisKeys(prefix);
    const define = (name: string, keys: number, lua: string) =>
      redis.defineCommand(name, { numberOfKeys: keys, lua });
    define("vsAppend", 3, scripts.APPEND_EVENTS);
    define("vsRead", 2, scripts.READ_EVENTS);
    define("vsPutSession", 4, scripts.PUT_SESSION);
    define("vsTouch", 2, scripts.TOUCH_SESSION);
    define("vsPutOrdered", 2, scripts.PUT_ORDERED);
    define("vsDeleteOrdered", 2, scripts.DELETE_ORDERED);
    define("vsAcquire", 1, scripts.ACQUIRE_LEASE);
    // Any number of keys: the caller passes the count first.
    redis.defineCommand("vsRenew", { lua: scripts.RENEW_LEASES });
    define("vsRelease", 1, scripts.RELEASE_LEASE);
  }

  /** Connects; rejects with a message naming the URL when Redis cannot be reached. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    let scheme: string;
    try {
      scheme = new URL(options.url).protocol;
    } catch {
      scheme = "";
    }
    if (scheme !== "redis:" && scheme !== "rediss:") {
      throw new TypeError(
        `Invalid Redis URL ${
          JSON.stringify(redactUrl(options.url))
        }: give redis://HOST:PORT (or rediss:// for TLS), ` +
          `for example redis://127.0.0.1:6379.`,
      );
    }
    const redis = newClient(options.url, options.connectTimeoutMs ?? 5_000);
    // The socket's own error (ECONNREFUSED, ...) says more than the client's "Connection is closed".
    let cause: unknown;
    const noteError = (error: unknown) => cause ??= error;
    redis.on("error", noteError);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      const reason = messageOf(cause ?? error).replace(/\.$/, "");
      throw new StoreUnavailableError(
        `Cannot reach Redis at ${redactUrl(options.url)}: ${reason}. Start redis-server, or check --redis.`,
        { cause: cause ?? error },
      );
    } finally {
      redis.off("error", noteError);
    }
    return new RedisStore(redis, options.url, options.prefix ?? "vs:");
  }

  /** The command connection (cluster coordination shares it). */
  get client(): Redis {
    return this.#redis;
  }

  /** A second connection for subscriptions (Redis dedicates a subscribing connection to them). */
  subscriber(): Redis {
    const sub = newClient(this.url, 5_000, true);
    return sub;
  }

  /**
   * Cluster mode: from now on an append is refused unless this node holds the session's lease
   * ({@link fence}). Without it (one process, tests) an append is refused only while a lease exists.
   */
  requireLeases(): void {
    this.#leasesRequired = true;
  }

  /** From now on, appends to this session carry `token` (its lease); `undefined` when it was given up. */
  fence(sessionId: string, token: string | undefined): void {
    if (token === undefined) this.#fences.delete(sessionId);
    else this.#fences.set(sessionId, token);
  }

  /** Takes the session's lease for `ms` when it is free; returns the holder's token (ours if taken). */
  acquireLease(sessionId: string, token: string, ms: number): Promise<string> {
    return this.#run(() => this.#redis.vsAcquire(this.keys.lease(sessionId), token, ms));
  }

  /** Extends leases; returns, per lease, whether it was still ours. */
  async renewLeases(leases: Array<{ sessionId: string; token: string }>, ms: number): Promise<boolean[]> {
    if (leases.length === 0) return [];
    const keys = leases.map((l) => this.keys.lease(l.sessionId));
    const kept = await this.#run(() =>
      this.#redis.vsRenew(keys.length, ...keys, ms, ...leases.map((l) => l.token))
    );
    return kept.map((k) => k === 1);
  }

  /** Gives a lease back if still ours. */
  async releaseLease(sessionId: string, token: string): Promise<void> {
    await this.#run(() => this.#redis.vsRelease(this.keys.lease(sessionId), token));
  }

  /** The token holding a session's lease, if any. */
  leaseHolder(sessionId: string): Promise<string | null> {
    return this.#run(() => this.#redis.get(this.keys.lease(sessionId)));
  }

  /** The tokens holding the sessions' leases (null where free), in one round trip. */
  async leaseHolders(sessionIds: string[]): Promise<Array<string | null>> {
    if (sessionIds.length === 0) return [];
    return await this.#run(() => this.#redis.mget(...sessionIds.map((id) => this.keys.lease(id))));
  }

  /** The sessions with a turn recorded as running (ids only). */
  listOpenTurnIds(): Promise<string[]> {
    return this.#run(() => this.#redis.hkeys(this.keys.openTurns()));
  }

  /** A session record by id alone (cluster bookkeeping; tenant reads go through {@link getSession}). */
  sessionById(id: string): Promise<SessionRecord | undefined> {
    return this.#session(id);
  }

  /** The running turn recorded for one session. */
  async getOpenTurn(sessionId: string): Promise<OpenTurn | undefined> {
    const json = await this.#run(() => this.#redis.hget(this.keys.openTurns(), sessionId));
    return json === null ? undefined : parse<OpenTurn>(json);
  }

  /** Publishes on a channel (control notices to the nodes). */
  async publish(channel: string, message: string): Promise<void> {
    await this.#run(() => this.#redis.publish(channel, message));
  }

  putAgent(org: string, agent: Agent): Promise<void> {
    return this.#put(this.keys.agents(org), this.keys.agentOrder(org), agent.id, agent);
  }

  async getAgent(org: string, id: string): Promise<Agent | undefined> {
    const json = await this.#run(() => this.#redis.hget(this.keys.agents(org), id));
    return json === null ? undefined : parse<Agent>(json);
  }

  async findAgentByName(org: string, name: string): Promise<Agent | undefined> {
    const all = await this.#ordered<Agent>(this.keys.agents(org), this.keys.agentOrder(org), 0, -1);
    return all.find((a) => a.name === name);
  }

  async listAgents(org: string, page: Page): Promise<{ agents: Agent[]; total: number }> {
    const [agents, total] = await Promise.all([
      page.limit <= 0 ? Promise.resolve([]) : this.#ordered<Agent>(
        this.keys.agents(org),
        this.keys.agentOrder(org),
        page.offset,
        page.offset + page.limit - 1,
      ),
      this.#run(() => this.#redis.llen(this.keys.agentOrder(org))),
    ]);
    return { agents, total };
  }

  deleteAgent(org: string, id: string): Promise<boolean> {
    return this.#delete(this.keys.agents(org), this.keys.agentOrder(org), id);
  }

  putChatbot(org: string, chatbot: Chatbot): Promise<void> {
    return this.#put(this.keys.chatbots(org), this.keys.chatbotOrder(org), chatbot.id, chatbot);
  }

  async getChatbot(org: string, id: string): Promise<Chatbot | undefined> {
    const json = await this.#run(() => this.#redis.hget(this.keys.chatbots(org), id));
    return json === null ? undefined : parse<Chatbot>(json);
  }

  listChatbots(org: string): Promise<Chatbot[]> {
    return this.#ordered<Chatbot>(this.keys.chatbots(org), this.keys.chatbotOrder(org), 0, -1);
  }

  deleteChatbot(org: string, id: string): Promise<boolean> {
    return this.#delete(this.keys.chatbots(org), this.keys.chatbotOrder(org), id);
  }

  async putSession(record: SessionRecord): Promise<void> {
    const { last_active_at: _active, ...rest } = record;
    const since = Date.parse(record.last_active_at ?? record.created_at);
    await this.#run(() =>
      this.#redis.vsPutSession(
        this.keys.session(record.id),
        this.keys.sessionCounts(),
        this.keys.idle(),
        this.keys.agentSessions(record.org, record.agent_id),
        JSON.stringify(rest),
        record.state,
        record.id,
        Number.isFinite(since) ? since : 0,
        record.last_active_at ?? "",
      )
    );
  }

  async getSession(org: string, id: string): Promise<SessionRecord | undefined> {
    const record = await this.#session(id);
    return record?.org === org ? record : undefined;
  }

  async listSessionsOfAgent(org: string, agentId: string): Promise<SessionRecord[]> {
    const ids = await this.#run(() => this.#redis.smembers(this.keys.agentSessions(org, agentId)));
    const records = await this.#sessions(ids);
    // Oldest first, like the other stores (a set has no order).
    return records.filter((r) => r.org === org && r.agent_id === agentId).sort((a, b) =>
      a.created_at < b.created_at
        ? -1
        : a.created_at > b.created_at
        ? 1
        : a.id < b.id
        ? -1
        : a.id > b.id
        ? 1
        : 0
    );
  }

  async countSessions(): Promise<SessionCounts> {
    const counts = await this.#run(() => this.#redis.hgetall(this.keys.sessionCounts()));
    return {
      active: Number(counts.active ?? 0),
      terminated: Number(counts.terminated ?? 0),
      expired: Number(counts.expired ?? 0),
    };
  }

  async appendEvents(
    sessionId: string,
    events: ServerEvent[],
    retain: number,
    frames?: string[],
  ): Promise<void> {
    if (!(retain >= 0)) throw new RangeError(`retain must be >= 0, got ${retain}.`);
    if (events.length === 0) return;
    const first = events[0]!.seq;
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.seq !== first + i) {
        throw new Error(
          `appendEvents(${sessionId}): expected seq ${first + i}, got ${
            events[i]!.seq
          } (appends must continue ` +
            `the log's head with consecutive seqs).`,
        );
      }
    }
    const token = this.#fences.get(sessionId);
    if (token === undefined && this.#leasesRequired) {
      throw new Error(
        `appendEvents(${sessionId}): this node does not hold the session's lease; nothing was appended.`,
      );
    }
    const serialized = frames ?? events.map((e) => JSON.stringify(e));
    try {
      await this.#run(() =>
        this.#redis.vsAppend(
          this.keys.log(sessionId),
          this.keys.head(sessionId),
          this.keys.lease(sessionId),
          token ?? "",
          retain,
          this.keys.events(sessionId),
          first,
          ...serialized,
        )
      );
    } catch (error) {
      if (!(error instanceof ReplyError)) throw error;
      const message = messageOf(error);
      if (message.startsWith(scripts.NOT_OWNER)) {
        throw new Error(
          `appendEvents(${sessionId}): this node no longer holds the session's lease (${message}); ` +
            `another node runs the session now, and nothing was appended.`,
        );
      }
      throw new Error(
        `appendEvents(${sessionId}): ${
          message.slice(scripts.SEQ_MISMATCH.length + 1)
        } (appends must continue the log's head with consecutive seqs).`,
      );
    }
  }

  async readEvents(sessionId: string, afterSeq: number): Promise<EventWindow> {
    const start = afterSeq < 1 ? "-" : `${Math.floor(afterSeq) + 1}-0`;
    const [head, oldest, entries] = await this.#run(() =>
      this.#redis.vsRead(this.keys.log(sessionId), this.keys.head(sessionId), start)
    );
    const headSeq = Number(head);
    return {
      events: entries.map(([, fields]) => parse<ServerEvent>(fields[1] ?? "null")),
      oldestSeq: oldest ? seqOf(oldest) : headSeq + 1,
      headSeq,
    };
  }

  putMessage(message: SessionMessage): Promise<void> {
    const id = message.session_id;
    return this.#put(this.keys.messages(id), this.keys.messageOrder(id), message.id, message);
  }

  listMessages(sessionId: string): Promise<SessionMessage[]> {
    return this.#ordered(this.keys.messages(sessionId), this.keys.messageOrder(sessionId), 0, -1);
  }

  async putReceipt(sessionId: string, receipt: PostReceipt): Promise<void> {
    await this.#run(() => this.#redis.rpush(this.keys.receipts(sessionId), JSON.stringify(receipt)));
  }

  async listReceipts(sessionId: string): Promise<PostReceipt[]> {
    const all = await this.#run(() => this.#redis.lrange(this.keys.receipts(sessionId), 0, -1));
    return all.map((json) => parse<PostReceipt>(json));
  }

  async putMemory(sessionId: string, memory: ModelMessage[]): Promise<void> {
    await this.#run(() => this.#redis.set(this.keys.memory(sessionId), JSON.stringify(memory)));
  }

  async getMemory(sessionId: string): Promise<ModelMessage[]> {
    const json = await this.#run(() => this.#redis.get(this.keys.memory(sessionId)));
    return json === null ? [] : parse<ModelMessage[]>(json);
  }

  async putOpenTurn(sessionId: string, turn: OpenTurn | undefined): Promise<void> {
    await this.#run(() =>
      turn === undefined
        ? this.#redis.hdel(this.keys.openTurns(), sessionId)
        : this.#redis.hset(this.keys.openTurns(), sessionId, JSON.stringify(turn))
    );
  }

  async listOpenTurns(): Promise<Array<{ session: SessionRecord; turn: OpenTurn }>> {
    const all = await this.#run(() => this.#redis.hgetall(this.keys.openTurns()));
    // Sorted by id: a hash has no order, and callers should not see one that changes between calls.
    const ids = Object.keys(all).sort();
    const records = await this.#sessions(ids);
    return records.map((session) => ({ session, turn: parse<OpenTurn>(all[session.id]!) }));
  }

  async putApproval(sessionId: string, approval: StoredApproval): Promise<void> {
    const id = approval.event.data.request_id;
    await this.#run(() => this.#redis.hset(this.keys.approvals(sessionId), id, JSON.stringify(approval)));
  }

  async deleteApproval(sessionId: string, requestId: string): Promise<void> {
    await this.#run(() => this.#redis.hdel(this.keys.approvals(sessionId), requestId));
  }

  async listApprovals(sessionId: string): Promise<StoredApproval[]> {
    const all = await this.#run(() => this.#redis.hvals(this.keys.approvals(sessionId)));
    return all.map((json) => parse<StoredApproval>(json)).sort((a, b) => a.event.seq - b.event.seq);
  }

  async touchSession(sessionId: string, at: string): Promise<void> {
    await this.#run(() =>
      this.#redis.vsTouch(this.keys.session(sessionId), this.keys.idle(), sessionId, at, Date.parse(at))
    );
  }

  async listIdleSessions(before: string, limit: number): Promise<SessionRecord[]> {
    const ids = await this.#run(() =>
      this.#redis.zrangebyscore(this.keys.idle(), "-inf", `(${Date.parse(before)}`, "LIMIT", 0, limit)
    );
    const records = await this.#sessions(ids);
    return records.filter((r) => r.state === "active" && (r.last_active_at ?? r.created_at) < before);
  }

  async deleteSessionData(sessionId: string): Promise<void> {
    const k = this.keys;
    await this.#run(() =>
      this.#redis.multi()
        .del(
          k.log(sessionId),
          k.head(sessionId),
          k.messages(sessionId),
          k.messageOrder(sessionId),
          k.receipts(sessionId),
          k.memory(sessionId),
          k.approvals(sessionId),
        )
        .hdel(k.openTurns(), sessionId)
        .zrem(k.idle(), sessionId)
        .exec()
    );
  }

  /** Stores a document and announces it, so every node of the cluster can search it. */
  async addDocument(org: string, document: StoredDocument): Promise<void> {
    const announcement = JSON.stringify({ origin: this.origin, org, document });
    await this.#run(() =>
      this.#redis.multi()
        .rpush(this.keys.documents(org), JSON.stringify(document))
        .publish(this.keys.documentsAdded(), announcement)
        .exec()
    );
  }

  async listDocuments(org: string): Promise<StoredDocument[]> {
    const all = await this.#run(() => this.#redis.lrange(this.keys.documents(org), 0, -1));
    return all.map((json) => parse<StoredDocument>(json));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  async #session(id: string): Promise<SessionRecord | undefined> {
    const [rec, active] = await this.#run(() => this.#redis.hmget(this.keys.session(id), "rec", "active"));
    return rec ? withActivity(rec, active ?? null) : undefined;
  }

  async #sessions(ids: string[]): Promise<SessionRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.session(id), "rec", "active");
    const results = await this.#run(() => pipeline.exec());
    const records: SessionRecord[] = [];
    for (const [error, value] of results ?? []) {
      if (error) throw unavailable(error);
      const [rec, active] = value as [string | null, string | null];
      if (rec) records.push(withActivity(rec, active));
    }
    return records;
  }

  async #put(items: string, order: string, id: string, value: unknown): Promise<void> {
    await this.#run(() => this.#redis.vsPutOrdered(items, order, id, JSON.stringify(value)));
  }

  async #delete(items: string, order: string, id: string): Promise<boolean> {
    return (await this.#run(() => this.#redis.vsDeleteOrdered(items, order, id))) === 1;
  }

  async #ordered<T>(items: string, order: string, from: number, to: number): Promise<T[]> {
    const ids = await this.#run(() => this.#redis.lrange(order, from, to));
    if (ids.length === 0) return [];
    const values = await this.#run(() => this.#redis.hmget(items, ...ids));
    return values.flatMap((json) => json === null ? [] : [parse<T>(json)]);
  }

  /** Runs a command; a connection failure becomes {@link StoreUnavailableError}. */
  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("The Redis store is closed; start a new engine.");
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      throw unavailable(error);
    }
  }
}

function withActivity(rec: string, active: string | null): SessionRecord {
  const record = parse<SessionRecord>(rec);
  return active === null ? record : { ...record, last_active_at: active };
}

function unavailable(error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`Redis is unavailable: ${messageOf(error)}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A client that fails commands at once while disconnected and reconnects in the background. */
function newClient(url: string, connectTimeoutMs: number, subscriber = false): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    // Subscriptions are re-established by the client after a reconnect; commands never wait for one.
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    ...(subscriber ? {} : { commandTimeout: COMMAND_TIMEOUT_MS }),
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
  });
  // Connection errors reach the callers of commands (as StoreUnavailableError); without a listener the
  // client would print each reconnect attempt itself.
  client.on("error", () => {});
  return client;
}
