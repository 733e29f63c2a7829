/**
 * The session state behind `Session`, the middle of the data path: socket → decode and validate
 * (`connection.ts`) → the link (`link.ts`: connection, cursor, reconnects) → **this** (approvals,
 * acknowledgements, termination) → fan-out to listeners (`fanout.ts`). Each piece of state has one
 * owner: the cursor is the link's, approvals are {@link Approvals}', waiting sends the {@link Outbox}'s,
 * termination {@link SessionTermination}'s, listeners the {@link Fanout}'s.
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
} from "../generated/protocol.ts";
import { type ClientOptions, pickClient } from "../config.ts";
import {
  NotFoundError,
  SessionDisconnectedError,
  SessionNotFoundError,
  SessionTerminatedError,
  VectorshiftError,
} from "../errors.ts";
import { request } from "../http.ts";
import { reconnectPolicy } from "../reconnect.ts";
import type { SessionInfo } from "../rest_types.ts";
import type { SessionEvent } from "../session_event.ts";
import { DEFAULT_HEARTBEAT, type ReasonOptions, type SessionOptions } from "../session_options.ts";
import { abortable } from "./abortable.ts";
import { Approvals } from "./approvals.ts";
import { definedOnly } from "./defined.ts";
import { type EventFilter, Fanout, type Subscription } from "./fanout.ts";
import { FrameRejections, namesFrame } from "./frame_rejections.ts";
import { SessionLink } from "./link.ts";
import { Outbox, type PostAck, type SendIds } from "./outbox.ts";
import { checkFrameSize } from "./session_frames.ts";
import { SessionTermination } from "./session_termination.ts";

/** One session's state and its link. */
export class SessionState {
  readonly #fanout: Fanout;
  readonly #outbox: Outbox;
  readonly #approvals = new Approvals();
  readonly #termination: SessionTermination;
  readonly #rejections: FrameRejections;
  readonly #link: SessionLink;
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
    if (options.lastSeq !== undefined && !(Number.isSafeInteger(options.lastSeq) && options.lastSeq >= 0)) {
      throw new VectorshiftError(
        `lastSeq must be a non-negative integer (the seq of the last event handled); got ${options.lastSeq}.`,
      );
    }
    this.client = pickClient(options);
    this.#fanout = new Fanout(() => this.sessionId ?? "", options.backlogSize ?? 10_000);
    this.#outbox = new Outbox(options.maxPendingSends ?? 256, () => this.sessionId);
    this.#termination = new SessionTermination({
      sessionId: () => this.sessionId,
      link: () => this.#link,
      client: this.client,
      confirmWithinMs: options.handshakeTimeoutMs ?? 10_000,
      finish: (error) => this.#finishTerminated(error),
    });
    this.#rejections = new FrameRejections(
      this.#outbox,
      this.#approvals,
      (frame) => this.#send(frame),
      () => this.sessionId,
    );
    const target: SessionTarget = options.agentId !== undefined
      ? { agent_id: options.agentId }
      : options.chatbotId !== undefined
      ? { chatbot_id: options.chatbotId }
      : { session_id: options.sessionId ?? "" };
    this.#link = new SessionLink({
      client: this.client,
      target,
      sessionId: options.sessionId,
      lastSeq: options.lastSeq,
      headOf: (sessionId, signal) => this.#headOf(sessionId, signal),
      reconnect: reconnectPolicy(options.reconnect),
      heartbeat: { ...DEFAULT_HEARTBEAT, ...definedOnly(options.heartbeat ?? {}) },
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    }, {
      onOpen: (accepted) => {
        this.#maxFrameBytes = accepted.limits.max_frame_bytes;
        this.#rejections.cancel(); // everything waiting is sent again right now
        this.#outbox.rejectPoisoned((ids, drops) => this.#keptDropping(ids, drops));
        for (const frame of this.#outbox.takeFrames()) this.#send(frame);
      },
      onEvent: (event) => this.#onEvent(event),
      onDown: (why) => {
        if (why === "closed") this.#outbox.noteDrop();
        this.#termination.onDrop();
      },
      onEnd: (error) => this.#onEnd(error),
    });
  }

  /** The session id, once known. */
  get sessionId(): string | undefined {
    return this.#link.sessionId;
  }

  /** The resume cursor (the link's). */
  get lastSeq(): number {
    return this.#link.cursor;
  }

  /** True while a socket is attached. */
  get isConnected(): boolean {
    return this.#link.state === "open" && !this.#termination.done;
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
    const link = this.#link;
    if (link.state === "open" || (link.state === "reconnecting" && !waitForReconnect)) return;
    await link.open(signal);
    this.#assertLinkUsable();
  }

  /**
   * Throws the error that ended the link when it ended right after attaching, while a caller was still
   * on its way from `ensureLink()`: that caller's frame would otherwise wait for a socket that never
   * comes. Called right before a frame is queued or sent.
   */
  #assertLinkUsable(): void {
    this.assertAlive();
    const ended = this.#link.endedWith;
    if (ended) throw ended;
  }

  /** Sends a post (or batch) and waits for its acknowledgement; re-sent after reconnects until then. */
  async post(
    key: string,
    frame: PostFrame | PostBatchFrame,
    signal: AbortSignal | undefined,
  ): Promise<PostAck> {
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
    await this.ensureLink(signal, false);
    // Checked before it is remembered: a remembered answer is re-sent on its own after reconnects.
    checkFrameSize(frame, this.#maxFrameBytes, this.sessionId);
    this.#assertLinkUsable();
    this.#approvals.answered(frame);
    this.#link.send(frame);
  }

  /** Sends a control frame now, or after the next reconnect. */
  async control(frame: CancelTurnFrame, signal: AbortSignal | undefined): Promise<void> {
    await this.ensureLink(signal, false);
    this.#assertLinkUsable();
    if (!this.#link.send(frame)) this.#outbox.addControl(frame);
  }

  /** A new listener, of the event types in `filter` (all when undefined), receiving from now on. */
  subscribe(maxSize: number, filter?: EventFilter): Subscription {
    return this.#fanout.subscribe(maxSize, filter);
  }

  /** Detaches: listeners end, unacknowledged posts reject, a terminate in flight goes on over REST. */
  async disconnect(): Promise<void> {
    this.#rejections.cancel();
    // The socket is going: a terminate waiting for its confirmation must not wait for nothing.
    this.#termination.onDrop();
    await this.#link.close();
    if (this.#termination.done) return;
    this.#outbox.rejectAll((ids) => this.#unacknowledged(ids, "disconnect() was called"));
    this.#fanout.closeAll();
  }

  /** Terminates (idempotent). */
  terminate(options: ReasonOptions): Promise<void> {
    this.#fanout.stopDeltas();
    return this.#termination.run(options).catch((error) => {
      if (!this.#termination.done) this.#fanout.resumeDeltas();
      throw error;
    });
  }

  /** The head of an existing session, read over REST, so joining it without `lastSeq` starts there. */
  async #headOf(sessionId: string, signal: AbortSignal): Promise<number> {
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;
    try {
      return (await request<SessionInfo>("GET", path, { client: this.client, signal })).head_seq;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new SessionNotFoundError(
        `No session ${sessionId} in this organisation (${error.errorMessage}); check the id.`,
        { sessionId, cause: error },
      );
    }
  }

  /** An event the link admitted: settle what it answers, then hand it to the listeners. */
  #onEvent(event: SessionEvent): void {
    switch (event.type) {
      case "message_delta": // the hot path: nothing to settle
        break;
      case "error":
        if (this.#rejections.handle(event)) return; // sent again later; nothing for listeners
        // A rate-limited frame that names no id may be our terminate: finish it over REST, do not wait.
        if (event.data.code === "rate_limited" && !namesFrame(event)) this.#termination.onDrop();
        break;
      case "message_posted":
      case "messages_posted":
        this.#outbox.ack(event);
        // Duplicate acks answer the SDK's own retries; the original ack was (or will be) delivered.
        if (event.data.duplicate) return;
        break;
      case "approval_request": {
        const verdict = this.#approvals.admit(event);
        if (!verdict.deliver) {
          if (verdict.resend) this.#link.send(verdict.resend);
          return;
        }
        break;
      }
      case "session_terminated":
        this.#fanout.deliver(event);
        this.#termination.onTerminatedEvent();
        return;
    }
    this.#fanout.deliver(event);
  }

  #onEnd(error: Error): void {
    if (error instanceof SessionTerminatedError) {
      this.#termination.onTerminatedClose(error);
      return;
    }
    this.#rejections.cancel();
    this.#outbox.rejectAll((ids) => this.#unacknowledged(ids, error.message, error));
    this.#fanout.failAll(error);
    this.#termination.onDrop();
  }

  /** Sends on the current socket, noting posts in flight; false when there is no socket right now. */
  #send(frame: ClientFrame): boolean {
    const sent = this.#link.send(frame);
    if (sent) this.#outbox.markSent(frame);
    return sent;
  }

  /** The error of a post the engine kept closing the socket on: the SDK stopped re-sending it. */
  #keptDropping(ids: SendIds, drops: number): SessionDisconnectedError {
    return new SessionDisconnectedError(
      `The connection closed ${drops} times in a row right after this message was sent, so the SDK stopped ` +
        `re-sending it (the engine or a proxy may refuse it, as too large say). It may or may not have been ` +
        `applied: send smaller content, or send it again with ${resendWith(ids)}.`,
      { sessionId: this.sessionId, ...ids },
    );
  }

  /** The error of a post whose fate is unknown: it may or may not have been applied. */
  #unacknowledged(ids: SendIds, why: string, cause?: Error): SessionDisconnectedError {
    return new SessionDisconnectedError(
      `The connection ended (${why}) before the engine acknowledged this message; it may or may not have ` +
        `been applied. Once the session is back, send it again with ${resendWith(ids)}.`,
      { sessionId: this.sessionId, ...ids, ...(cause ? { cause } : {}) },
    );
  }

  #finishTerminated(error: Error | undefined): void {
    this.#rejections.cancel();
    this.#outbox.rejectAll((ids) => SessionTerminatedError.forSession(this.sessionId, ids));
    this.#approvals.clear();
    if (error) this.#fanout.failAll(error);
    this.#fanout.terminate();
  }
}

/** How to send a message again so the engine applies it at most once. */
function resendWith(ids: SendIds): string {
  const id = ids.postId === undefined ? `batchId: "${ids.batchId}"` : `postId: "${ids.postId}"`;
  return `{ ${id} } (applied at most once)`;
}
