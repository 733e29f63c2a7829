/**
 * The live side of one session: its event log (monotonic seq, retention through the store), fan-out
 * to every attached socket, replay on attach, user posts, approvals, turns and terminate.
 *
 * @module
 */
import type { ApprovalResponseFrame, UserMessage } from "../../generated/protocol.ts";
import { CloseCode } from "../../generated/protocol_schema.ts";
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import { newId } from "../ids.ts";
import { type EventData, type EventOf, type EventType, makeEvent } from "../events.ts";
import type { ModelMessage, ModelTool } from "../model.ts";
import type { OpenTurn, PostReceipt, SessionRecord, StoredApproval } from "../store/store.ts";
import { type AnswerOutcome, Approvals } from "./approvals.ts";
import { trimMemory } from "./memory_window.ts";
import { Fanout, type Subscriber } from "./fanout.ts";
import { type PostOutcome, Posts } from "./posts.ts";
import type { ParticipantActivity, TurnScope } from "./scope.ts";
import { SessionLog } from "./session_log.ts";
import { runTurn, type TurnOutcome } from "./turn.ts";
import { TurnRunner, type TurnWork } from "./turn_runner.ts";

/** What a restored session brings along; a new session starts empty. */
export interface RestoredState {
  /** Newest logged seq. */
  head: number;
  /** Receipts of applied posts. */
  receipts: PostReceipt[];
  /** Conversation memory. */
  memory: ModelMessage[];
}

/** One session, live in this process. */
export class SessionRuntime implements TurnScope {
  readonly sessionId: string;
  readonly org: string;
  readonly ctx: EngineContext;
  readonly approvals = new Approvals();
  readonly record: SessionRecord;
  readonly #fanout: Fanout;
  readonly #posts: Posts;
  readonly #runner: TurnRunner;
  readonly #memory: ModelMessage[];
  readonly #modelTools: (tools: components["schemas"]["Tool"][]) => ModelTool[];
  readonly #log: SessionLog;
  /** Set once the log is closed: after `session_terminated`, or at shutdown. */
  #closed = false;
  #activity: ParticipantActivity = "idle";
  #lastUsed = performance.now();

  constructor(
    record: SessionRecord,
    ctx: EngineContext,
    modelTools: (tools: components["schemas"]["Tool"][]) => ModelTool[],
    restored: RestoredState = { head: 0, receipts: [], memory: [] },
  ) {
    this.sessionId = record.id;
    this.org = record.org;
    this.record = record;
    this.ctx = ctx;
    this.#modelTools = modelTools;
    this.#memory = restored.memory;
    this.#fanout = new Fanout(ctx, {
      sessionId: record.id,
      org: record.org,
      agentId: record.agent_id,
      pendingApprovals: (seq) => this.approvals.pendingUpTo(seq),
    }, restored.head);
    this.#log = new SessionLog(record.id, ctx.store, ctx.options.retainedEvents, restored.head, {
      durable: (frames) => this.#deliver(frames),
      failed: (error) => this.#storeFailed(error),
      committed: (ms) => ctx.metrics.storeCommit.observe(ms),
    });
    this.#posts = new Posts(
      record.id,
      record.org,
      ctx.store,
      restored.receipts,
      ctx.options.maxSessionMessages,
    );
    this.#runner = new TurnRunner(
      (work, signal) => this.#turn(work, signal),
      (work, reason) => this.#cancelWaiting(work, reason),
      {
        windowMs: ctx.options.coalesceMs,
        maxWaitMs: ctx.options.coalesceMaxMs,
        maxPosts: ctx.options.maxPostsPerTurn,
      },
    );
  }

  /** The newest logged seq that is durable (and was sent to the attached sockets). */
  get head(): number {
    return this.#log.durableHead;
  }

  /** Whether the store refused this session's events: the registry then restores it afresh. */
  get broken(): boolean {
    return this.#log.failed;
  }

  /** The session as `GET /v1/sessions/{id}` shows it. */
  info(): components["schemas"]["SessionInfo"] {
    const { id, agent_id, chatbot_id, state, created_at } = this.record;
    return {
      id,
      agent_id,
      ...(chatbot_id === undefined ? {} : { chatbot_id }),
      state,
      head_seq: this.#log.durableHead,
      generating: this.#runner.generating,
      attached_sockets: this.#fanout.size,
      created_at,
    };
  }

  /** Logs an event: it reaches the attached sockets once the store has it (see {@link SessionLog}). */
  emit<T extends EventType>(type: T, data: EventData<T>, messageId?: string): EventOf<T> | undefined {
    if (this.#closed || this.#log.failed) return undefined;
    const event = makeEvent(type, {
      seq: this.#log.nextSeq(),
      logged: true,
      session_id: this.sessionId,
      message_id: messageId,
    }, data);
    this.#log.append(event, JSON.stringify(event));
    return event;
  }

  /** Resolves once every event logged so far is durable and sent. */
  logged(): Promise<void> {
    return this.#log.idle();
  }

  #deliver(frames: string[]): void {
    this.#fanout.deliver(frames, this.#log.durableHead);
  }

  /** The store refused events: they were never sent. Nothing more is logged here; clients resume. */
  #storeFailed(error: unknown): void {
    this.ctx.log(`store: cannot append events of session ${this.sessionId}; closing its sockets: ${error}`);
    this.#closed = true;
    void this.#runner.stop("shutdown");
    this.#closeAll(CloseCode.internal_error, "the engine could not store events; resume from your last seq");
  }

  /** Serializes a connection-scoped event (not logged) for `sub`, at the newest seq sent to it. */
  scoped<T extends EventType>(sub: Subscriber, type: T, data: EventData<T>, messageId?: string): string {
    return this.#fanout.scoped(sub, type, data, messageId);
  }

  status(activity: ParticipantActivity, messageId?: string): void {
    if (activity === this.#activity || this.#closed) return;
    this.#activity = activity;
    this.emit("participant_status", { participant: "assistant", status: activity }, messageId);
  }

  /**
   * Attaches a socket: sends `session_connected`, a `resync_required` notice when the cursor is older
   * than what is retained, the retained events after `lastSeq`, copies of unanswered approval requests
   * the client already saw, then live events. Events logged meanwhile are buffered, so nothing is lost
   * or doubled. Resolves false when the session closed first.
   */
  async attach(sub: Subscriber, lastSeq: number, resumed: boolean): Promise<boolean> {
    if (this.#closed) return false;
    this.touch();
    return await this.#fanout.attach(sub, lastSeq, resumed);
  }

  /** Detaches a socket (it closed); the session keeps running. */
  detach(sub: Subscriber): void {
    this.#lastUsed = performance.now();
    this.#fanout.detach(sub);
  }

  /** Applies a post and schedules its turn; a duplicate changes nothing. */
  async post(message: UserMessage): Promise<PostOutcome> {
    this.touch();
    const busy = this.#busy([message]);
    if (busy) return busy;
    const outcome = await this.#posts.post(message);
    if ("posts" in outcome) {
      const [post] = outcome.posts;
      if (post) {
        this.emit("message_posted", { post_id: post.post_id, duplicate: false }, post.message_id);
        this.#runner.post(post);
      }
    }
    return outcome;
  }

  /** Applies a batch as exactly one turn; a duplicate changes nothing. */
  async batch(batchId: string, messages: UserMessage[]): Promise<PostOutcome> {
    this.touch();
    const busy = this.#busy(messages);
    if (busy) return busy;
    const outcome = await this.#posts.batch(batchId, messages);
    if ("posts" in outcome) {
      this.emit("messages_posted", {
        batch_id: batchId,
        post_ids: outcome.posts.map((p) => p.post_id),
        message_ids: outcome.posts.map((p) => p.message_id),
        duplicate: false,
      });
      this.#runner.batch(outcome.posts);
    }
    return outcome;
  }

  /**
   * Refuses new posts while the ones already waiting for a turn hold more than `maxWaitingBytes`: a
   * client that posts faster than turns run cannot grow the engine's memory without bound.
   */
  #busy(messages: UserMessage[]): PostOutcome | undefined {
    const limit = this.ctx.options.maxWaitingBytes;
    const waiting = this.#runner.waitingBytes;
    if (waiting === 0) return undefined;
    let adding = 0;
    for (const message of messages) {
      for (const part of [message.content, ...(message.files ?? [])]) {
        adding += part.kind === "text" ? part.text.length : part.data_base64.length;
      }
    }
    return waiting + adding > limit ? { busy: limit } : undefined;
  }

  /** Applies an approval answer. */
  answer(frame: ApprovalResponseFrame): AnswerOutcome {
    return this.approvals.answer(frame);
  }

  /** Cancels the running turn and the posts still waiting for one; false when there was none. */
  cancel(reason: string | undefined): boolean {
    return this.#runner.cancel(reason);
  }

  /**
   * Terminates: aborts the running turn, logs `session_terminated` as the last event, closes every
   * socket with 4010, and resolves once generation has stopped. False when already terminated.
   */
  async terminate(reason: string | undefined): Promise<boolean> {
    if (this.record.state === "terminated") return false;
    this.record.state = "terminated";
    // The terminated state is written first, so nothing that reads the store can revive the session.
    const persisted = this.ctx.store.putSession(this.record);
    const stopped = this.#runner.stop("terminate");
    this.emit("session_terminated", reason === undefined ? {} : { reason });
    this.#closed = true;
    // The abort unwinds the turn within a few microtasks; waiting for it before closing the sockets
    // means a client that sees the close also sees generation stopped (e.g. in /metrics).
    await stopped;
    // Every socket gets `session_terminated` (once it is durable) before its close.
    await this.#log.idle();
    this.#closeAll(CloseCode.session_terminated, "session terminated");
    await Promise.all([this.#log.idle(), this.#posts.idle(), persisted]);
    return true;
  }

  /**
   * Engine shutdown: stops generation without terminating. A running turn is closed as interrupted
   * (durably); a turn waiting for an approval is suspended, to continue after the restart.
   */
  async shutdown(): Promise<void> {
    await this.#runner.stop("shutdown");
    this.#closed = true;
    await this.#log.idle();
  }

  /**
   * Whether this runtime can be dropped from memory and later restored from the store unchanged: no
   * socket, no turn running or waiting, nothing left to write.
   */
  get evictable(): boolean {
    return this.#fanout.size === 0 && this.#runner.idle && !this.#log.pending && !this.#posts.writing &&
      !this.#closed;
  }

  /** Milliseconds since a socket attached or left, a post arrived or a turn ended. */
  get idleMs(): number {
    return performance.now() - this.#lastUsed;
  }

  /** Sockets attached now. */
  get attached(): number {
    return this.#fanout.size;
  }

  /**
   * Stops without writing anything: another process runs this session now (a cluster node lost its
   * lease). The running turn is aborted; whatever it still tries to log is refused by the store.
   */
  async abandon(): Promise<void> {
    this.#closed = true;
    await this.#runner.stop("shutdown");
  }

  /** Idle expiry: stops for good and closes any socket with 4011 (the registry frees the data). */
  async expire(): Promise<void> {
    this.record.state = "expired";
    await this.#runner.stop("terminate");
    this.#closed = true;
    await this.#log.idle();
    this.#closeAll(CloseCode.session_expired, "session expired; create a new session");
  }

  /** Whether a turn runs now (for a draining shutdown). */
  get generating(): boolean {
    return this.#runner.generating;
  }

  /** Operator action: closes every attached socket with 1011; clients resume from their cursor. */
  drop(): number {
    return this.#closeAll(CloseCode.internal_error, "dropped by operator; resume from your last seq");
  }

  #closeAll(code: number, reason: string): number {
    this.#lastUsed = performance.now();
    return this.#fanout.closeAll(code, reason);
  }

  /**
   * A turn cancelled before it started ends like a turn cancelled before its first output, so clients
   * settle its posts the same way: `turn_cancelled`, `message_streaming`, `message_complete`. A paused
   * turn whose continuation was waiting ends cancelled with what it had said.
   */
  #cancelWaiting(work: TurnWork, reason: string | undefined): void {
    const checkpoint = "resume" in work ? work.resume.checkpoint : undefined;
    const messageId = checkpoint?.message_id ?? newId("message");
    const postIds = checkpoint?.post_ids ?? ("posts" in work ? work.posts.map((p) => p.post_id) : []);
    this.emit("turn_cancelled", reason === undefined ? {} : { reason }, messageId);
    if (!checkpoint) this.emit("message_streaming", { role: "assistant", post_ids: postIds }, messageId);
    const text = checkpoint?.text ?? "";
    this.emit("message_complete", { text, status: "cancelled", post_ids: postIds }, messageId);
    // Like a cancelled running turn, the model still sees what the user said.
    if (checkpoint) this.#memory.push(...checkpoint.turn_messages);
    else if ("posts" in work) {
      this.#memory.push(...work.posts.map((p): ModelMessage => ({ role: "user", content: p.parts })));
    }
    if (checkpoint) void this.#endTurnRecord();
    void this.#persistMemory();
  }

  /**
   * Restores an approval request stored before a restart: it is delivered again to attaching sockets,
   * and its answer continues the paused turn from its checkpoint.
   */
  restoreApproval(stored: StoredApproval): void {
    this.approvals.restore(stored.event, (answer) => {
      this.#runner.resume({ checkpoint: stored.checkpoint, answer, callId: stored.event.data.call_id });
    });
  }

  /**
   * Closes a turn that a crash cut off (found open at start-up): logs `error` `turn_interrupted` and
   * `message_complete` with status `error` and the text it had streamed, so listeners see it end.
   * The session stays usable, and the model keeps what the user said.
   */
  async closeInterruptedTurn(turn: OpenTurn): Promise<void> {
    const store = this.ctx.store;
    const { events } = await store.readEvents(this.sessionId, 0);
    const text = events.flatMap((e) =>
      e.type === "message_delta" && e.message_id === turn.message_id ? [e.data.delta] : []
    ).join("");
    this.emit("error", {
      code: "turn_interrupted",
      error: "The engine stopped (a crash or restart) while this turn ran; its answer is incomplete. " +
        "Send the message again.",
    }, turn.message_id);
    this.emit("message_complete", { text, status: "error", post_ids: turn.post_ids }, turn.message_id);
    const history = await store.listMessages(this.sessionId);
    const asked = history.filter((m) => m.post_id !== undefined && turn.post_ids.includes(m.post_id));
    this.#memory.push(
      ...asked.map((m): ModelMessage => ({ role: "user", content: [{ kind: "text", text: m.text }] })),
      ...(text === "" ? [] : [{ role: "assistant" as const, text }]),
    );
    const answer = history.find((m) => m.id === turn.message_id);
    if (answer) await store.putMessage({ ...answer, text, status: "error" });
    await Promise.all([this.#endTurnRecord(), this.#persistMemory(), this.#log.idle()]);
  }

  #trimMemory(): void {
    const { maxMemoryMessages, maxMemoryBytes } = this.ctx.options;
    trimMemory(this.#memory, { maxMessages: maxMemoryMessages, maxBytes: maxMemoryBytes });
  }

  #persistMemory(): Promise<void> {
    this.#trimMemory();
    return this.ctx.store.putMemory(this.sessionId, this.#memory).catch((e) =>
      this.ctx.log(`store: cannot keep the memory of session ${this.sessionId}: ${e}`)
    );
  }

  #endTurnRecord(): Promise<void> {
    return this.ctx.store.putOpenTurn(this.sessionId, undefined).catch((e) =>
      this.ctx.log(`store: cannot clear the open turn of session ${this.sessionId}: ${e}`)
    );
  }

  /** Records activity for idle expiry (in the store) and for eviction from memory. */
  touch(): void {
    this.#lastUsed = performance.now();
    this.ctx.store.touchSession(this.sessionId, new Date().toISOString()).catch((e) =>
      this.ctx.log(`store: cannot record activity of session ${this.sessionId}: ${e}`)
    );
  }

  async #turn(work: TurnWork, signal: AbortSignal): Promise<void> {
    const metrics = this.ctx.metrics;
    metrics.activeGenerations++;
    metrics.turnsStarted++;
    let outcome: TurnOutcome = "ended";
    const started = performance.now();
    try {
      const agent = await this.ctx.store.getAgent(this.org, this.record.agent_id);
      if (!agent) {
        this.ctx.log(`session ${this.sessionId}: agent ${this.record.agent_id} is gone; turn skipped`);
        return;
      }
      this.#trimMemory();
      const posts = "posts" in work ? work.posts : [];
      const messageId = "resume" in work ? work.resume.checkpoint.message_id : newId("message");
      if ("posts" in work) {
        // Recorded before the turn logs anything: a crash from here on leaves a turn to close at start-up.
        await this.ctx.store.putOpenTurn(this.sessionId, {
          message_id: messageId,
          post_ids: posts.map((p) => p.post_id),
          started_at: new Date().toISOString(),
        });
      }
      outcome = await runTurn(this, {
        posts,
        messageId,
        ...("resume" in work ? { resume: work.resume } : {}),
        agent,
        memory: this.#memory,
        modelTools: this.#modelTools,
      }, signal);
    } catch (error) {
      this.ctx.log(`session ${this.sessionId}: turn crashed: ${error}`);
    } finally {
      metrics.activeGenerations--;
      metrics.turnDuration.observe(performance.now() - started);
      // A suspended turn keeps its record, its approval and the memory it started from in the store.
      if (outcome === "ended") await Promise.all([this.#endTurnRecord(), this.#persistMemory()]);
      this.touch();
    }
  }
}
