/**
 * The machinery behind `Session`: the link (socket over time), the hub (listeners and dedup), the
 * outbox (posts until acknowledged) and termination, wired together. `Session` is its documented face.
 *
 * @module
 */
import type {
  ApprovalResponseFrame,
  CancelTurnFrame,
  ClientFrame,
  PostBatchFrame,
  PostFrame,
  SessionTarget,
} from "./generated/protocol.ts";
import { type ClientOptions, resolveConfig, webSocketUrl } from "./config.ts";
import {
  NotFoundError,
  SessionDisconnectedError,
  SessionNotFoundError,
  SessionTerminatedError,
  VectorshiftError,
} from "./errors.ts";
import { abortable } from "./abortable.ts";
import { definedOnly } from "./defined.ts";
import { type EventFilter, EventHub, type Subscription } from "./event_hub.ts";
import { FrameRejections, namesFrame } from "./frame_rejections.ts";
import { request } from "./http.ts";
import { Outbox, type PostAck, type SendIds } from "./outbox.ts";
import { reconnectPolicy } from "./reconnect.ts";
import type { SessionInfo } from "./rest_types.ts";
import type { SessionEvent } from "./session_event.ts";
import { checkFrameSize } from "./session_frames.ts";
import { type LinkHandlers, SessionLink } from "./session_link.ts";
import type { ReasonOptions, SessionOptions } from "./session_options.ts";
import { SessionTermination } from "./session_termination.ts";
import { type GapAction, SeqGaps } from "./seq_gaps.ts";
import { skippedSeqOf } from "./decode.ts";

const MAX_REMEMBERED_ANSWERS = 1000;

/** One session's state and wiring. */
export class SessionCore {
  readonly #options: SessionOptions;
  readonly #hub: EventHub;
  readonly #outbox: Outbox;
  readonly #answers = new Map<string, ApprovalResponseFrame>();
  readonly #termination: SessionTermination;
  readonly #rejections: FrameRejections;
  readonly #gaps = new SeqGaps();
  #link: SessionLink | undefined;
  /** The engine's `limits.max_frame_bytes`, from the latest `session_connected`. */
  #maxFrameBytes: number | undefined;
  /** Per-session credentials (falling back to `configure()` and the environment). */
  readonly client: ClientOptions;

  /** Validates the options; nothing is opened yet. */
  constructor(options: SessionOptions) {
    const targets = [options.sessionId, options.agentId, options.chatbotId].filter((v) => v !== undefined);
    if (targets.length !== 1) {
      throw new VectorshiftError(
        "new Session() needs exactly one of sessionId (to resume), agentId or chatbotId (to create).",
      );
    }
    if (options.lastSeq !== undefined && options.sessionId === undefined) {
      throw new VectorshiftError("lastSeq only applies when resuming: pass it together with sessionId.");
    }
    this.#options = options;
    this.client = { ...options };
    this.#hub = new EventHub(() => this.sessionId ?? "", options.backlogSize ?? 10_000, options.lastSeq ?? 0);
    this.#outbox = new Outbox(options.maxPendingSends ?? 256, () => this.sessionId);
    this.#termination = new SessionTermination({
      sessionId: () => this.sessionId,
      link: () => this.#link,
      client: this.client,
      confirmWithinMs: options.handshakeTimeoutMs ?? 10_000,
      finish: (error) => this.#finishTerminated(error),
    });
    this.#rejections = new FrameRejections({
      outbox: this.#outbox,
      answers: this.#answers,
      send: (frame) => this.#send(frame),
      sessionId: () => this.sessionId,
    });
  }

  /** The session id, once known. */
  get sessionId(): string | undefined {
    return this.#link?.sessionId ?? this.#options.sessionId;
  }

  /** True while a socket is attached. */
  get isConnected(): boolean {
    return this.#link?.state === "open" && !this.#termination.done;
  }

  /** True once the session is known to be terminated. */
  get terminated(): boolean {
    return this.#termination.done;
  }

  /** Throws {@link SessionTerminatedError} once terminated. */
  assertAlive(): void {
    if (this.#termination.done) throw SessionTerminatedError.forSession(this.sessionId);
  }

  /** Attaches when needed. While reconnecting, only `waitForReconnect` callers wait. */
  async ensureLink(signal: AbortSignal | undefined, waitForReconnect: boolean): Promise<void> {
    this.assertAlive();
    const link = this.#getLink();
    if (link.state === "open" || (link.state === "reconnecting" && !waitForReconnect)) return;
    await link.open(signal);
    this.#assertLinkUsable();
  }

  /**
   * Throws the error that ended the link when it ended (a final close, a stream it gave up on) right
   * after attaching, while a caller was still on its way from `ensureLink()`: that caller's frame would
   * otherwise wait for a socket that never comes. Called right before a frame is queued or sent.
   */
  #assertLinkUsable(): void {
    this.assertAlive();
    const ended = this.#link?.endedWith;
    if (ended) throw ended;
  }

  /** Sends a post (or batch) and waits for its acknowledgement; re-sent after reconnects until then. */
  async post(
    key: string,
    frame: PostFrame | PostBatchFrame,
    signal: AbortSignal | undefined,
  ): Promise<PostAck> {
    this.assertAlive();
    await this.ensureLink(signal, false);
    checkFrameSize(frame, this.#maxFrameBytes, this.sessionId);
    this.#assertLinkUsable();
    const ack = this.#outbox.addPost(key, frame);
    this.#send(frame);
    try {
      return await abortable(ack, signal);
    } catch (error) {
      this.#outbox.forget(key);
      throw error;
    }
  }

  /** Sends an approval answer, remembered so a copy of the request re-sent after a reconnect is answered again. */
  async answer(frame: ApprovalResponseFrame, signal: AbortSignal | undefined): Promise<void> {
    this.assertAlive();
    await this.ensureLink(signal, false);
    // Checked before it is remembered: a remembered answer is re-sent on its own after reconnects.
    checkFrameSize(frame, this.#maxFrameBytes, this.sessionId);
    this.#assertLinkUsable();
    this.#answers.set(frame.request_id, frame);
    if (this.#answers.size > MAX_REMEMBERED_ANSWERS) this.#answers.delete(this.#answers.keys().next().value!);
    this.#link?.send(frame);
  }

  /** Sends a control frame now, or after the next reconnect. */
  async control(frame: CancelTurnFrame, signal: AbortSignal | undefined): Promise<void> {
    this.assertAlive();
    await this.ensureLink(signal, false);
    this.#assertLinkUsable();
    if (!this.#link?.send(frame)) this.#outbox.addControl(frame);
  }

  /** A new listener, of the event types in `filter` (all when undefined). */
  subscribe(maxSize: number, filter?: EventFilter): Subscription {
    return this.#hub.subscribe(maxSize, filter);
  }

  /** Detaches: listeners end, unacknowledged posts reject, a terminate in flight goes on over REST. */
  async disconnect(): Promise<void> {
    this.#rejections.cancel();
    // The socket is going: a terminate waiting for its confirmation must not wait for nothing.
    this.#termination.onDrop();
    await this.#link?.close();
    if (this.#termination.done) return;
    this.#outbox.rejectAll((ids) => this.#unacknowledged(ids, "disconnect() was called"));
    this.#hub.closeAll();
  }

  /** Terminates (idempotent). */
  terminate(options: ReasonOptions): Promise<void> {
    this.#hub.stopDeltas();
    return this.#termination.run(options).catch((error) => {
      if (!this.#termination.done) this.#hub.resumeDeltas();
      throw error;
    });
  }

  #getLink(): SessionLink {
    if (this.#link) return this.#link;
    const config = resolveConfig(this.client);
    const options = this.#options;
    const target: SessionTarget = options.agentId !== undefined
      ? { agent_id: options.agentId }
      : options.chatbotId !== undefined
      ? { chatbot_id: options.chatbotId }
      : { session_id: options.sessionId ?? "" };
    this.#link = new SessionLink({
      url: webSocketUrl(config.baseUrl),
      apiKey: config.apiKey,
      target,
      sessionId: options.sessionId,
      reconnect: reconnectPolicy(options.reconnect),
      heartbeat: { intervalMs: 15_000, timeoutMs: 10_000, ...definedOnly(options.heartbeat ?? {}) },
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    }, this.#handlers());
    return this.#link;
  }

  #handlers(): LinkHandlers {
    return {
      cursor: () => this.#hub.lastSeq,
      onEvent: (event, sentCursor) => this.#onEvent(event, sentCursor),
      onOpen: () => {
        this.#rejections.cancel(); // everything waiting is sent again right now
        this.#outbox.rejectPoisoned((ids, drops) => this.#keptDropping(ids, drops));
        for (const frame of this.#outbox.takeFrames()) this.#send(frame);
      },
      onDown: (why) => {
        if (why === "closed") this.#outbox.noteDrop();
        this.#termination.onDrop();
      },
      beforeFirstAttach: (sessionId, signal) => this.#startAtHead(sessionId, signal),
      onEnd: (error) => {
        if (error instanceof SessionTerminatedError) {
          this.#termination.onTerminatedClose(error);
          return;
        }
        this.#rejections.cancel();
        this.#outbox.rejectAll((ids) => this.#unacknowledged(ids, error.message, error));
        this.#hub.failAll(error);
        this.#termination.onDrop();
      },
    };
  }

  /**
   * Resuming by id without `lastSeq` starts at the session's current head: only new events are
   * delivered (history is in `getMessages()`), and unanswered approval requests are re-sent by the
   * engine. A REST read gives the head without replaying the log.
   */
  async #startAtHead(sessionId: string, signal: AbortSignal): Promise<void> {
    if (this.#options.lastSeq !== undefined) return;
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;
    try {
      const info = await request<SessionInfo>("GET", path, { client: this.client, signal });
      this.#hub.advanceTo(info.head_seq);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new SessionNotFoundError(
          `No session ${sessionId} in this organisation (${error.errorMessage}); check the id.`,
          { sessionId, cause: error },
        );
      }
      throw error;
    }
  }

  /** `sentCursor`: for the handshake answer of a new socket, the `last_seq` its `hello` carried. */
  #onEvent(event: SessionEvent, sentCursor?: number): void {
    const jump = sentCursor === undefined ? this.#gaps.pendingJump : undefined;
    if (jump) {
      // The handshake's replay started past the cursor sent: this frame must be the resync_required.
      const cursor = this.#gaps.explainJump(event);
      if (cursor === undefined) {
        this.#resyncOrFail(this.#gaps.onHandshakeGap(jump.sent, jump.replayFrom, this.sessionId));
        return;
      }
      this.#hub.resetCursor(cursor);
    }
    if (event.logged) {
      const verdict = this.#gaps.classify(event.seq, this.#hub.lastSeq);
      if (verdict === "gap") {
        this.#onGap(event.seq);
        return;
      }
      if (verdict === "contradiction") {
        this.#link?.fail(this.#gaps.contradiction(event.seq, this.#hub.lastSeq, this.sessionId));
        return;
      }
    }
    const skipped = skippedSeqOf(event);
    if (skipped !== undefined) this.#gaps.skipped(skipped, this.#hub.lastSeq);
    if (event.type === "session_connected" && sentCursor !== undefined) {
      // A replay that starts past the cursor sent skips events: only a resync_required explains that,
      // and the engine sends it right after the handshake. A ping makes sure some next frame comes.
      this.#hub.resetCursor(this.#gaps.handshake(sentCursor, event.data.replay_from_seq));
      this.#maxFrameBytes = event.data.limits.max_frame_bytes;
      if (this.#gaps.pendingJump) this.#link?.probe();
    }
    if (event.type === "error") {
      if (this.#rejections.handle(event)) return; // sent again later; nothing for listeners
      // A rate-limited frame that names no id may be our terminate: finish it over REST, do not wait.
      if (event.data.code === "rate_limited" && !namesFrame(event)) this.#termination.onDrop();
    }
    this.#outbox.ack(event);
    if (event.type === "approval_request" && !event.logged) {
      const answer = this.#answers.get(event.data.request_id);
      if (answer) {
        this.#link?.send(answer);
        return;
      }
    }
    if (!this.#hub.admit(event)) return;
    // Duplicate acks answer the SDK's own retries; the original ack was (or will be) delivered.
    if ((event.type === "message_posted" || event.type === "messages_posted") && event.data.duplicate) return;
    this.#hub.deliver(event);
    if (event.type === "session_terminated") this.#termination.onTerminatedEvent();
  }

  /** Sends on the current socket, noting posts in flight; false when there is no socket right now. */
  #send(frame: ClientFrame): boolean {
    const sent = this.#link?.send(frame) ?? false;
    if (sent) this.#outbox.markSent(frame);
    return sent;
  }

  /** The error of a post the engine kept closing the socket on: the SDK stopped re-sending it. */
  #keptDropping(ids: SendIds, drops: number): SessionDisconnectedError {
    const id = ids.postId === undefined ? `batchId: "${ids.batchId}"` : `postId: "${ids.postId}"`;
    return new SessionDisconnectedError(
      `The connection was closed ${drops} times in a row while this message waited for its acknowledgement, ` +
        `each time after it was sent, so the SDK stopped re-sending it: the engine (or a proxy) may be ` +
        `refusing it, for example as larger than it accepts. It may or may not have been applied: if it is ` +
        `large, send smaller content; otherwise send it again with { ${id} } (applied at most once).`,
      { sessionId: this.sessionId, ...ids },
    );
  }

  /** Skips an event that leaves a gap: resume from the cursor (the engine replays), or give up. */
  #onGap(seq: number): void {
    this.#resyncOrFail(this.#gaps.onGap(this.#hub.lastSeq, seq, this.sessionId));
  }

  /** Resumes from the cursor (the engine replays what is missing), or gives up with the gap's error. */
  #resyncOrFail(action: GapAction): void {
    if (action.resync) this.#link?.resync();
    else this.#link?.fail(action.error);
  }

  /** The error of a post whose fate is unknown: it may or may not have been applied. */
  #unacknowledged(ids: SendIds, why: string, cause?: Error): SessionDisconnectedError {
    const id = ids.postId === undefined ? `batchId: "${ids.batchId}"` : `postId: "${ids.postId}"`;
    return new SessionDisconnectedError(
      `The engine had not acknowledged this message when the connection ended (${why}); it may or may ` +
        `not have been applied. Once the session is back, send it again with { ${id} }: the engine ` +
        `applies it at most once.`,
      { sessionId: this.sessionId, ...ids, ...(cause ? { cause } : {}) },
    );
  }

  #finishTerminated(error: Error | undefined): void {
    this.#rejections.cancel();
    this.#outbox.rejectAll((ids) => SessionTerminatedError.forSession(this.sessionId, ids));
    this.#answers.clear();
    if (error) this.#hub.failAll(error);
    this.#hub.terminate();
  }
}
