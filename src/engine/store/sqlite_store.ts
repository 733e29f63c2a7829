/**
 * The SQLite {@link EngineStore} (Deno's built-in `node:sqlite`): one file in WAL mode with
 * `synchronous=NORMAL`, so a committed transaction survives a crash or SIGKILL of the process (not a
 * power cut). Event appends, one call per streamed token, are group-committed: queued and written in
 * one transaction per tick (or as soon as `maxBatchRows` rows wait), and every caller of a batch is
 * answered once that transaction has committed. Every other call first commits what is queued, so
 * nothing it reads or writes can be reordered with a pending append.
 *
 * One engine process per database file: the store keeps each session's log head in memory, and another
 * process appending to the same sessions would make commits fail (never interleave or overwrite).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { clearImmediate, setImmediate } from "node:timers";
import type { ServerEvent } from "../../generated/protocol.ts";
import type { ModelMessage } from "../model.ts";
import { migrate, NewerSchemaError, SCHEMA_VERSION, schemaVersion } from "./sqlite_migrations.ts";
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
  SessionState,
  StoredApproval,
  StoredDocument,
} from "./store.ts";

/** Tuning of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** How long a statement waits for another connection's lock before failing (ms); default 5000. */
  busyTimeoutMs?: number;
  /** How long appends gather before their transaction commits (ms); default 0 (the next tick). */
  commitDelayMs?: number;
  /** Commit at once when this many event rows wait; default 4096. */
  maxBatchRows?: number;
  /** Trimmed-away event rows of a session are deleted once at least this many linger; default 64. */
  trimBatch?: number;
  /** WAL pages written before SQLite checkpoints them into the file (each checkpoint syncs); default 4000. */
  checkpointPages?: number;
}

/** What the store knows of one session's event log (mirrors its `event_logs` row once committed). */
interface LogState {
  /** The log's integer id (`event_logs.id`), the key of its event rows; undefined until first committed. */
  id: number | undefined;
  /** Newest seq (0 when empty). */
  head: number;
  /** Oldest retained seq (head + 1 when nothing is retained). */
  oldest: number;
  /** Rows with seq <= this are known deleted. */
  trimmed: number;
}

/** Appends waiting for their transaction, and the promise all their callers get. */
interface Batch {
  sessionIds: string[];
  seqs: number[];
  jsons: string[];
  touched: Set<string>;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

type Row = Record<string, unknown>;
type Tuning = { commitDelayMs: number; maxBatchRows: number; trimBatch: number };

const RESOLVED: Promise<void> = Promise.resolve();
/** Past this many cached log states, the cache is emptied after a commit (it reloads on demand). */
const MAX_CACHED_LOGS = 50_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a number >= 0, got ${value}.`);
  }
  return Math.floor(value);
}

function sessionFromRow(row: Row): SessionRecord {
  const record: SessionRecord = {
    id: String(row.id),
    org: String(row.org),
    agent_id: String(row.agent_id),
    state: String(row.state) as SessionState,
    created_at: String(row.created_at),
  };
  if (typeof row.chatbot_id === "string") record.chatbot_id = row.chatbot_id;
  if (typeof row.last_active_at === "string") record.last_active_at = row.last_active_at;
  return record;
}

const SESSION_COLUMNS = "id, org, agent_id, chatbot_id, state, created_at, last_active_at";

/** Stores everything in one SQLite file (or `:memory:`). Open it with {@link SqliteStore.open}. */
export class SqliteStore implements EngineStore {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #commitDelayMs: number;
  readonly #maxBatchRows: number;
  readonly #trimBatch: number;
  readonly #statements = new Map<string, StatementSync>();
  readonly #logs = new Map<string, LogState>();
  #batch: Batch | undefined;
  #timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(db: DatabaseSync, path: string, tuning: Tuning) {
    this.#db = db;
    this.#path = path;
    this.#commitDelayMs = tuning.commitDelayMs;
    this.#maxBatchRows = tuning.maxBatchRows;
    this.#trimBatch = tuning.trimBatch;
  }

  /**
   * Opens (creating it when missing) the database at `path`, or a private in-memory one for
   * `":memory:"`, and brings its schema up to date. The file's directory must exist. Throws an error
   * naming the path when the file cannot be opened, is not an SQLite database, or was written by a
   * newer engine (its schema version is above {@link SCHEMA_VERSION}).
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const tuning: Tuning = {
      commitDelayMs: nonNegativeInteger(options.commitDelayMs ?? 0, "commitDelayMs"),
      maxBatchRows: Math.max(1, nonNegativeInteger(options.maxBatchRows ?? 4096, "maxBatchRows")),
      trimBatch: Math.max(1, nonNegativeInteger(options.trimBatch ?? 64, "trimBatch")),
    };
    const busyTimeoutMs = nonNegativeInteger(options.busyTimeoutMs ?? 5000, "busyTimeoutMs");
    const checkpointPages = nonNegativeInteger(options.checkpointPages ?? 4000, "checkpointPages");
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
    } catch (error) {
      throw openError(path, error);
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      // Before anything writes to the file: a database of a newer engine is left untouched.
      const version = schemaVersion(db);
      if (version > SCHEMA_VERSION) throw new NewerSchemaError(path, version);
      const mode = db.prepare("PRAGMA journal_mode = WAL").get() as { journal_mode?: string } | undefined;
      if (path !== ":memory:" && mode?.journal_mode !== "wal") {
        throw new Error(`could not switch to WAL mode (journal_mode is ${mode?.journal_mode ?? "unknown"})`);
      }
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec(`PRAGMA wal_autocheckpoint = ${checkpointPages}`);
      db.exec("PRAGMA journal_size_limit = 67108864");
      db.exec("PRAGMA temp_store = MEMORY");
      migrate(db, path);
      return new SqliteStore(db, path, tuning);
    } catch (error) {
      try {
        db.close();
      } catch {
        // Already failing; the first error is the one to report.
      }
      if (error instanceof NewerSchemaError) throw error;
      throw openError(path, error);
    }
  }

  /** The path it was opened with. */
  get path(): string {
    return this.#path;
  }

  // ---- events (group commit) -------------------------------------------------------------------

  appendEvents(sessionId: string, events: ServerEvent[], retain: number, frames?: string[]): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!(retain >= 0)) return Promise.reject(new RangeError(`retain must be >= 0, got ${retain}.`));
    if (events.length === 0) return this.#batch?.promise ?? RESOLVED;
    let state: LogState;
    try {
      state = this.#logState(sessionId);
    } catch (error) {
      return Promise.reject(error);
    }
    let expected = state.head + 1;
    for (const event of events) {
      if (event.seq !== expected) {
        return Promise.reject(
          new Error(
            `appendEvents(${sessionId}): expected seq ${expected}, got ${event.seq} (appends must continue ` +
              `the log's head ${state.head} with consecutive seqs).`,
          ),
        );
      }
      expected++;
    }
    const batch = this.#batch ?? this.#startBatch();
    const start = batch.jsons.length;
    try {
      // The engine hands over the frames it sends: the same text, not serialized a second time.
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        batch.jsons.push(frames?.[i] ?? JSON.stringify(event));
        batch.sessionIds.push(sessionId);
        batch.seqs.push(event.seq);
      }
    } catch (error) {
      batch.jsons.length = batch.sessionIds.length = batch.seqs.length = start;
      return Promise.reject(error);
    }
    state.head = expected - 1;
    const oldest = state.head - retain + 1;
    if (oldest > state.oldest) state.oldest = oldest;
    batch.touched.add(sessionId);
    if (batch.jsons.length >= this.#maxBatchRows) this.#commit();
    return batch.promise;
  }

  async readEvents(sessionId: string, afterSeq: number): Promise<EventWindow> {
    this.#ready();
    const state = this.#logState(sessionId);
    if (state.head === 0) return { events: [], oldestSeq: 1, headSeq: 0 };
    const from = Math.max(afterSeq + 1, state.oldest);
    const events: ServerEvent[] = [];
    if (from <= state.head && state.id !== undefined) {
      const rows = this.#statement(
        "SELECT json FROM events WHERE log = ? AND seq >= ? ORDER BY seq",
      ).all(state.id, from) as Array<{ json: string }>;
      for (const row of rows) events.push(JSON.parse(row.json) as ServerEvent);
    }
    return await Promise.resolve({ events, oldestSeq: state.oldest, headSeq: state.head });
  }

  #startBatch(): Batch {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    // Every caller of a failed batch is handed this promise; one of them may not listen.
    promise.catch(() => {});
    const batch: Batch = {
      sessionIds: [],
      seqs: [],
      jsons: [],
      touched: new Set(),
      promise,
      resolve,
      reject,
    };
    this.#batch = batch;
    // With no delay the batch commits as soon as this event-loop turn is done (setImmediate, about
    // 5 µs): Deno's setTimeout(0) waits about 2 ms, which every event of a stream paid before it was sent.
    this.#timer = this.#commitDelayMs > 0
      ? setTimeout(() => this.#commit(), this.#commitDelayMs)
      : setImmediate(() => this.#commit());
    return batch;
  }

  /** Writes the queued appends in one transaction and answers their callers. Never throws. */
  #commit(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer as ReturnType<typeof setTimeout>);
      clearImmediate(this.#timer as ReturnType<typeof setImmediate>);
    }
    this.#timer = undefined;
    const db = this.#db;
    try {
      db.exec("BEGIN IMMEDIATE");
      // A log seen for the first time gets its integer id (the key of its rows) before its rows go in.
      const create = this.#statement(
        "INSERT INTO event_logs (session_id, head, oldest) VALUES (?, 0, 1) RETURNING id",
      );
      const ids = new Map<string, number>();
      for (const sessionId of batch.touched) {
        const state = this.#logs.get(sessionId);
        if (!state) throw new Error(`internal: no log state for ${sessionId}`);
        state.id ??= Number((create.get(sessionId) as { id: number }).id);
        ids.set(sessionId, state.id);
      }
      const insert = this.#statement("INSERT INTO events (log, seq, json) VALUES (?, ?, ?)");
      const { sessionIds, seqs, jsons } = batch;
      for (let i = 0; i < jsons.length; i++) {
        insert.run(ids.get(sessionIds[i] ?? "") ?? 0, seqs[i] ?? 0, jsons[i] ?? "");
      }
      const update = this.#statement("UPDATE event_logs SET head = ?, oldest = ? WHERE id = ?");
      for (const sessionId of batch.touched) {
        const state = this.#logs.get(sessionId)!;
        update.run(state.head, state.oldest, state.id!);
        if (state.oldest - 1 - state.trimmed >= this.#trimBatch) {
          this.#statement("DELETE FROM events WHERE log = ? AND seq < ?").run(state.id!, state.oldest);
          state.trimmed = state.oldest - 1;
        }
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db.isOpen && db.isTransaction) {
        try {
          db.exec("ROLLBACK");
        } catch {
          // SQLite may have rolled back already.
        }
      }
      // Their heads moved ahead of what is stored: reload them from the database on next use.
      for (const sessionId of batch.touched) this.#logs.delete(sessionId);
      batch.reject(
        new Error(
          `Committing ${batch.jsons.length} event(s) to the SQLite database "${this.#path}" failed: ${
            message(error)
          }`,
          { cause: error },
        ),
      );
      return;
    }
    if (this.#logs.size > MAX_CACHED_LOGS) this.#logs.clear();
    batch.resolve();
  }

  #logState(sessionId: string): LogState {
    let state = this.#logs.get(sessionId);
    if (!state) {
      const row = this.#statement("SELECT id, head, oldest FROM event_logs WHERE session_id = ?")
        .get(sessionId) as { id: number; head: number; oldest: number } | undefined;
      // Rows below `oldest` may linger from before; the next trim deletes them.
      state = row
        ? { id: Number(row.id), head: Number(row.head), oldest: Number(row.oldest), trimmed: 0 }
        : { id: undefined, head: 0, oldest: 1, trimmed: 0 };
      this.#logs.set(sessionId, state);
    }
    return state;
  }

  // ---- plumbing --------------------------------------------------------------------------------

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #closedError(): Error {
    return new Error(`The SQLite store "${this.#path}" is closed; open it again with SqliteStore.open().`);
  }

  /** Throws when closed; commits pending appends so the caller's statement cannot overtake them. */
  #ready(): void {
    if (this.#closed) throw this.#closedError();
    if (this.#batch) this.#commit();
  }

  #transaction(work: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Runs a statement; async so every failure is a rejection. */
  async #run(sql: string, ...params: Array<string | number | null>): Promise<number> {
    this.#ready();
    return await Promise.resolve(Number(this.#statement(sql).run(...params).changes));
  }

  async #all(sql: string, ...params: Array<string | number | null>): Promise<Row[]> {
    this.#ready();
    return await Promise.resolve(this.#statement(sql).all(...params) as Row[]);
  }

  async #jsonList<T>(sql: string, ...params: Array<string | number | null>): Promise<T[]> {
    this.#ready();
    const rows = this.#statement(sql).all(...params) as Array<{ json: string }>;
    return await Promise.resolve(rows.map((row) => JSON.parse(row.json) as T));
  }

  async #jsonOne<T>(sql: string, ...params: Array<string | number | null>): Promise<T | undefined> {
    this.#ready();
    const row = this.#statement(sql).get(...params) as { json: string } | undefined;
    return await Promise.resolve(row ? JSON.parse(row.json) as T : undefined);
  }

  // ---- agents and chatbots ---------------------------------------------------------------------

  async putAgent(org: string, agent: Agent): Promise<void> {
    await this.#run(
      "INSERT INTO agents (org, id, name, json) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, json = excluded.json",
      org,
      agent.id,
      agent.name,
      JSON.stringify(agent),
    );
  }

  getAgent(org: string, id: string): Promise<Agent | undefined> {
    return this.#jsonOne("SELECT json FROM agents WHERE org = ? AND id = ?", org, id);
  }

  findAgentByName(org: string, name: string): Promise<Agent | undefined> {
    return this.#jsonOne(
      "SELECT json FROM agents WHERE org = ? AND name = ? ORDER BY rowid LIMIT 1",
      org,
      name,
    );
  }

  async listAgents(org: string, page: Page): Promise<{ agents: Agent[]; total: number }> {
    const limit = Math.max(0, Math.floor(page.limit));
    const offset = Math.max(0, Math.floor(page.offset));
    const agents = await this.#jsonList<Agent>(
      "SELECT json FROM agents WHERE org = ? ORDER BY rowid LIMIT ? OFFSET ?",
      org,
      limit,
      offset,
    );
    const [count] = await this.#all("SELECT count(*) AS n FROM agents WHERE org = ?", org);
    return { agents, total: Number(count?.n ?? 0) };
  }

  async deleteAgent(org: string, id: string): Promise<boolean> {
    return (await this.#run("DELETE FROM agents WHERE org = ? AND id = ?", org, id)) > 0;
  }

  async putChatbot(org: string, chatbot: Chatbot): Promise<void> {
    await this.#run(
      "INSERT INTO chatbots (org, id, json) VALUES (?, ?, ?) " +
        "ON CONFLICT (org, id) DO UPDATE SET json = excluded.json",
      org,
      chatbot.id,
      JSON.stringify(chatbot),
    );
  }

  getChatbot(org: string, id: string): Promise<Chatbot | undefined> {
    return this.#jsonOne("SELECT json FROM chatbots WHERE org = ? AND id = ?", org, id);
  }

  listChatbots(org: string): Promise<Chatbot[]> {
    return this.#jsonList("SELECT json FROM chatbots WHERE org = ? ORDER BY rowid", org);
  }

  async deleteChatbot(org: string, id: string): Promise<boolean> {
    return (await this.#run("DELETE FROM chatbots WHERE org = ? AND id = ?", org, id)) > 0;
  }

  // ---- sessions --------------------------------------------------------------------------------

  async putSession(record: SessionRecord): Promise<void> {
    await this.#run(
      `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ` +
        "org = excluded.org, agent_id = excluded.agent_id, chatbot_id = excluded.chatbot_id, " +
        "state = excluded.state, created_at = excluded.created_at, last_active_at = excluded.last_active_at",
      record.id,
      record.org,
      record.agent_id,
      record.chatbot_id ?? null,
      record.state,
      record.created_at,
      record.last_active_at ?? null,
    );
  }

  async getSession(org: string, id: string): Promise<SessionRecord | undefined> {
    const [row] = await this.#all(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ? AND org = ?`,
      id,
      org,
    );
    return row && sessionFromRow(row);
  }

  async listSessionsOfAgent(org: string, agentId: string): Promise<SessionRecord[]> {
    const rows = await this.#all(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE org = ? AND agent_id = ? ORDER BY rowid`,
      org,
      agentId,
    );
    return rows.map(sessionFromRow);
  }

  async countSessions(): Promise<SessionCounts> {
    const counts: SessionCounts = { active: 0, terminated: 0, expired: 0 };
    for (const row of await this.#all("SELECT state, count(*) AS n FROM sessions GROUP BY state")) {
      const state = String(row.state);
      if (state in counts) counts[state as SessionState] = Number(row.n);
    }
    return counts;
  }

  async touchSession(sessionId: string, at: string): Promise<void> {
    await this.#run("UPDATE sessions SET last_active_at = ? WHERE id = ?", at, sessionId);
  }

  async listIdleSessions(before: string, limit: number): Promise<SessionRecord[]> {
    const rows = await this.#all(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE state = 'active' ` +
        "AND coalesce(last_active_at, created_at) < ? ORDER BY coalesce(last_active_at, created_at) LIMIT ?",
      before,
      Math.max(0, Math.floor(limit)),
    );
    return rows.map(sessionFromRow);
  }

  // ---- history, receipts, memory ---------------------------------------------------------------

  async putMessage(message: SessionMessage): Promise<void> {
    await this.#run(
      "INSERT INTO messages (session_id, id, json) VALUES (?, ?, ?) " +
        "ON CONFLICT (session_id, id) DO UPDATE SET json = excluded.json",
      message.session_id,
      message.id,
      JSON.stringify(message),
    );
  }

  listMessages(sessionId: string): Promise<SessionMessage[]> {
    return this.#jsonList("SELECT json FROM messages WHERE session_id = ? ORDER BY rowid", sessionId);
  }

  async putReceipt(sessionId: string, receipt: PostReceipt): Promise<void> {
    await this.#run(
      "INSERT INTO receipts (session_id, json) VALUES (?, ?)",
      sessionId,
      JSON.stringify(receipt),
    );
  }

  listReceipts(sessionId: string): Promise<PostReceipt[]> {
    return this.#jsonList("SELECT json FROM receipts WHERE session_id = ? ORDER BY rowid", sessionId);
  }

  async putMemory(sessionId: string, memory: ModelMessage[]): Promise<void> {
    await this.#run(
      "INSERT INTO memory (session_id, json) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET json = excluded.json",
      sessionId,
      JSON.stringify(memory),
    );
  }

  async getMemory(sessionId: string): Promise<ModelMessage[]> {
    return (await this.#jsonOne<ModelMessage[]>("SELECT json FROM memory WHERE session_id = ?", sessionId)) ??
      [];
  }

  // ---- open turns and approvals ----------------------------------------------------------------

  async putOpenTurn(sessionId: string, turn: OpenTurn | undefined): Promise<void> {
    if (turn === undefined) {
      await this.#run("DELETE FROM open_turns WHERE session_id = ?", sessionId);
      return;
    }
    await this.#run(
      "INSERT INTO open_turns (session_id, json) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET json = excluded.json",
      sessionId,
      JSON.stringify(turn),
    );
  }

  async listOpenTurns(): Promise<Array<{ session: SessionRecord; turn: OpenTurn }>> {
    const rows = await this.#all(
      `SELECT ${SESSION_COLUMNS.split(", ").map((c) => `s.${c}`).join(", ")}, t.json AS turn ` +
        "FROM open_turns t JOIN sessions s ON s.id = t.session_id ORDER BY t.rowid",
    );
    return rows.map((row) => ({
      session: sessionFromRow(row),
      turn: JSON.parse(String(row.turn)) as OpenTurn,
    }));
  }

  async putApproval(sessionId: string, approval: StoredApproval): Promise<void> {
    await this.#run(
      "INSERT INTO approvals (session_id, request_id, json) VALUES (?, ?, ?) " +
        "ON CONFLICT (session_id, request_id) DO UPDATE SET json = excluded.json",
      sessionId,
      approval.event.data.request_id,
      JSON.stringify(approval),
    );
  }

  async deleteApproval(sessionId: string, requestId: string): Promise<void> {
    await this.#run("DELETE FROM approvals WHERE session_id = ? AND request_id = ?", sessionId, requestId);
  }

  listApprovals(sessionId: string): Promise<StoredApproval[]> {
    return this.#jsonList("SELECT json FROM approvals WHERE session_id = ? ORDER BY rowid", sessionId);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async deleteSessionData(sessionId: string): Promise<void> {
    this.#ready();
    this.#transaction(() => {
      this.#statement("DELETE FROM events WHERE log IN (SELECT id FROM event_logs WHERE session_id = ?)")
        .run(sessionId);
      for (const table of ["event_logs", "messages", "receipts", "memory", "open_turns", "approvals"]) {
        this.#statement(`DELETE FROM ${table} WHERE session_id = ?`).run(sessionId);
      }
    });
    this.#logs.delete(sessionId);
    await RESOLVED;
  }

  async addDocument(org: string, document: StoredDocument): Promise<void> {
    await this.#run("INSERT INTO documents (org, json) VALUES (?, ?)", org, JSON.stringify(document));
  }

  listDocuments(org: string): Promise<StoredDocument[]> {
    return this.#jsonList("SELECT json FROM documents WHERE org = ? ORDER BY rowid", org);
  }

  /** Commits pending appends (a failed commit rejects this too), then closes the database. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const pending = this.#batch?.promise;
      this.#commit();
      this.#closed = true;
      this.#statements.clear();
      this.#logs.clear();
      this.#db.close();
      await pending;
    })();
    return this.#closing;
  }
}

function openError(path: string, error: unknown): Error {
  return new Error(
    `Cannot open the SQLite database "${path}": ${message(error)}. Check that the path is right, that its ` +
      `directory exists and is writable, and that the file is an SQLite database of this engine.`,
    { cause: error },
  );
}
