/**
 * The session's connection over time, and the one owner of the resume cursor: the first attach,
 * automatic reconnects with backoff after unexpected drops (resuming from the cursor), a clean close.
 * Every event it hands up has passed the cursor: logged events are new and in order (duplicates
 * dropped, gaps resumed or raised), and connection-scoped ones carry the cursor as their `seq`, so every
 * seq a listener sees is a safe resume cursor whatever the engine stamped.
 *
 * @module
 */
import type { ClientFrame, SessionTarget } from "../generated/protocol.ts";
import { PROTOCOL_VERSION } from "../generated/protocol_schema.ts";
import { type ClientOptions, currentApiKey, resolveConfig, webSocketUrl } from "../config.ts";
import { ApiConnectionError, ApiTimeoutError, SessionDisconnectedError } from "../errors.ts";
import type { ReconnectPolicy } from "../reconnect.ts";
import { backoffDelay } from "../reconnect.ts";
import { type EventData, type SessionEvent, withSeq } from "../session_event.ts";
import type { HeartbeatOptions } from "../session_options.ts";
import { SDK_NAME, SDK_VERSION } from "../version.ts";
import { abortable, delay } from "./abortable.ts";
import { closeVerdict } from "./close_codes.ts";
import { type CloseInfo, ConnectFailure, Connection } from "./connection.ts";
import { skippedSeqOf } from "./decode.ts";
import { type GapAction, SeqGaps } from "./seq_gaps.ts";

/** The code the SDK closes a socket with to resume after a seq gap. */
const RESYNC_CLOSE_CODE = 1000;

/** Where the link is. */
export type LinkState = "idle" | "connecting" | "open" | "reconnecting";

/** What the session state learns from its link, in order. */
export interface LinkEvents {
  /** A socket attached (first time or after a reconnect): time to flush waiting frames. */
  onOpen(accepted: EventData<"session_connected">): void;
  /** An event that passed the cursor (see the module doc). */
  onEvent(event: SessionEvent): void;
  /** The socket dropped (`closed`: by the engine or the network; `resync`: by the SDK, after a gap); reconnecting. */
  onDown(why: "closed" | "resync"): void;
  /** The link gave up: final close code, retries exhausted, or a stream it cannot trust. */
  onEnd(error: Error): void;
}

/** How the link connects. */
export interface LinkOptions {
  /** Credentials and address, resolved again before every attempt (the key may be a function). */
  client: ClientOptions;
  /** What to open while no session id is known. */
  target: SessionTarget;
  /** Known session id, if attaching to an existing session. */
  sessionId: string | undefined;
  /** The cursor to resume from; `undefined` joins an existing session at its head ({@link headOf}). */
  lastSeq: number | undefined;
  /** The session's current head (a REST read), for joining without `lastSeq`. */
  headOf(sessionId: string, signal: AbortSignal): Promise<number>;
  /** Backoff. */
  reconnect: ReconnectPolicy;
  /** Ping settings. */
  heartbeat: Required<HeartbeatOptions>;
  /** Handshake bound per attempt. */
  handshakeTimeoutMs: number;
}

/** Connects, reconnects and closes one session's socket; owns the resume cursor. */
export class SessionLink {
  readonly #options: LinkOptions;
  readonly #events: LinkEvents;
  readonly #stale = new Set<Connection>();
  readonly #gaps = new SeqGaps();
  #state: LinkState = "idle";
  #sessionId: string | undefined;
  #cursor: number;
  /** True once the cursor is known (given, or read from the head before the first attach). */
  #placed: boolean;
  #conn: Connection | undefined;
  /** The socket URL of the latest attempt, for error messages. */
  #url = "";
  #opening: Promise<void> | undefined;
  #life = new AbortController();
  /**
   * Why the link last went idle (a final close code, gave up, `fail()`, `close()`), until the next
   * `open()` starts afresh: callers still waiting for an attach that succeeded just before the link
   * ended get this error, instead of a link that will never deliver or send anything.
   */
  #ended: Error | undefined;

  /** A link in the idle state; `open()` attaches. */
  constructor(options: LinkOptions, events: LinkEvents) {
    this.#options = options;
    this.#events = events;
    this.#sessionId = options.sessionId;
    this.#cursor = options.lastSeq ?? 0;
    this.#placed = options.lastSeq !== undefined || options.sessionId === undefined;
  }

  /** Current state. */
  get state(): LinkState {
    return this.#state;
  }

  /** The session id, once known. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The resume cursor: the highest logged seq handed up (or where the engine's replay starts). */
  get cursor(): number {
    return this.#cursor;
  }

  /** True when the API key is a function: an expired token (4005) is replaced by reconnecting. */
  get #freshKey(): boolean {
    return typeof resolveConfig(this.#options.client).apiKey === "function";
  }

  /** The error that ended the link, while it is idle because of it (cleared by the next `open()`). */
  get endedWith(): Error | undefined {
    return this.#state === "idle" ? this.#ended : undefined;
  }

  /** Attaches when idle; waits when an attach or reconnect is under way. */
  open(signal?: AbortSignal): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    if (!this.#opening) {
      this.#life = new AbortController();
      this.#ended = undefined;
      this.#state = "connecting";
      this.#opening = this.#firstAttach().finally(() => {
        this.#opening = undefined;
      });
    }
    return abortable(this.#opening, signal);
  }

  /** Sends on the open socket; false when there is none right now. */
  send(frame: ClientFrame): boolean {
    return this.#state === "open" && this.#conn !== undefined && this.#conn.send(frame);
  }

  /** Closes for good (until the next `open()`): stops reconnecting and waits for sockets to close. */
  async close(): Promise<void> {
    const disconnected = new SessionDisconnectedError("The session was disconnected.", {
      sessionId: this.#sessionId,
    });
    this.#life.abort(disconnected);
    this.#state = "idle";
    this.#ended = disconnected;
    const conn = this.#conn;
    this.#conn = undefined;
    const closing = [...this.#stale].map((c) => c.close(1000, "client disconnect", 1000));
    if (conn) closing.push(conn.close());
    await Promise.all(closing);
    await this.#opening?.catch(() => {});
  }

  /** Ends the link with `error`, as a final close code would: listeners throw it, waiting sends fail. */
  fail(error: Error): void {
    const conn = this.#conn;
    if (!conn || this.#state !== "open") return;
    this.#retire(conn);
    void conn.close(1000, "client gave up on this stream");
    this.#end(error);
  }

  async #firstAttach(): Promise<void> {
    try {
      if (!this.#placed && this.#sessionId !== undefined) {
        // Joining without a cursor starts at the head: only new events (history is in getMessages()).
        this.#cursor = await this.#options.headOf(this.#sessionId, this.#life.signal);
      }
      this.#placed = true;
      await this.#attempt();
    } catch (error) {
      if (this.#state === "connecting") this.#state = "idle";
      throw this.#firstAttachError(error);
    }
  }

  #firstAttachError(error: unknown): unknown {
    if (this.#life.signal.aborted) return this.#life.signal.reason;
    if (!(error instanceof ConnectFailure)) return error;
    const verdict = closeVerdict(error.code, this.#freshKey);
    if (verdict.final) return verdict.error(error.engineMessage, this.#sessionId);
    if (error.timedOut) {
      return new ApiTimeoutError(`${error.message} Check that ${this.#url} is a session engine.`, {
        cause: error,
      });
    }
    return new ApiConnectionError(
      `Could not open the session socket at ${this.#url}: ${error.message} Check baseUrl and that the engine is running.`,
      { cause: error },
    );
  }

  async #attempt(): Promise<Connection> {
    // Resolved per attempt: a credential function is asked again before every (re)connect.
    const config = resolveConfig(this.#options.client);
    const url = webSocketUrl(config.baseUrl);
    this.#url = url;
    const apiKey = await currentApiKey(config.apiKey);
    this.#life.signal.throwIfAborted();
    const target: SessionTarget = this.#sessionId === undefined
      ? this.#options.target
      : { session_id: this.#sessionId, last_seq: this.#cursor };
    const sent = "session_id" in target ? target.last_seq ?? 0 : 0;
    return await Connection.open({
      url,
      hello: {
        type: "hello",
        protocol_version: PROTOCOL_VERSION,
        api_key: apiKey,
        target,
        client: { name: SDK_NAME, version: SDK_VERSION },
      },
      handshakeTimeoutMs: this.#options.handshakeTimeoutMs,
      heartbeat: this.#options.heartbeat,
      signal: this.#life.signal,
      context: () => ({ sessionId: this.#sessionId ?? "", seq: this.#cursor }),
      onEvent: (event, conn) => this.#onFrame(event, conn, sent),
      onClose: (info, conn) => this.#onClose(info, conn),
    });
  }

  #onFrame(event: SessionEvent, conn: Connection, sent: number): void {
    if (event.type === "session_connected" && this.#conn !== conn) {
      if (this.#life.signal.aborted) return;
      this.#conn = conn;
      this.#sessionId = event.sessionId;
      this.#state = "open";
      // A replay that starts past the cursor sent skips events: only a resync_required explains that,
      // and the engine sends it right after the handshake. A ping makes sure some next frame comes.
      this.#cursor = this.#gaps.handshake(sent, event.data.replay_from_seq);
      if (this.#gaps.pendingJump) conn.probe();
      this.#events.onOpen(event.data);
      if (this.#conn === conn) this.#handUp(event);
      return;
    }
    if (this.#conn !== conn) return;
    const jump = this.#gaps.pendingJump;
    if (jump) {
      const cursor = this.#gaps.explainJump(event);
      if (cursor === undefined) {
        this.#resyncOrFail(this.#gaps.onHandshakeGap(jump.sent, jump.replayFrom, this.#sessionId));
        return;
      }
      this.#cursor = cursor;
    }
    if (!event.logged) {
      const skipped = skippedSeqOf(event);
      if (skipped !== undefined) this.#gaps.skipped(skipped, this.#cursor);
      this.#handUp(event);
      return;
    }
    switch (this.#gaps.classify(event.seq, this.#cursor)) {
      case "seen": // a duplicate (a frame that raced a drop): already handed up
        return;
      case "gap":
        this.#resyncOrFail(this.#gaps.onGap(this.#cursor, event.seq, this.#sessionId));
        return;
      case "contradiction":
        this.fail(this.#gaps.contradiction(event.seq, this.#cursor, this.#sessionId));
        return;
      case "next":
        this.#cursor = event.seq;
        this.#events.onEvent(event);
    }
  }

  /** Hands up a connection-scoped event at the cursor (the engine's stamp is not trusted with it). */
  #handUp(event: SessionEvent): void {
    this.#events.onEvent(event.seq === this.#cursor ? event : withSeq(event, this.#cursor));
  }

  /** Resumes from the cursor (the engine replays what is missing), or gives up with the gap's error. */
  #resyncOrFail(action: GapAction): void {
    if (action.resync) this.#resync();
    else this.fail(action.error);
  }

  /**
   * Drops the open socket and resumes from the cursor on a new one, so the engine replays what this
   * socket skipped: for a stream that cannot be trusted (a logged seq that skips ahead).
   */
  #resync(): void {
    const conn = this.#conn;
    if (!conn || this.#state !== "open") return;
    this.#retire(conn);
    this.#state = "reconnecting";
    const closed = conn.close(RESYNC_CLOSE_CODE, "resuming after a seq gap").then(() => conn.closeCode);
    this.#track(this.#resume(closed));
  }

  /** The link is over (until the next `open()`): listeners throw `error`, waiting sends fail. */
  #end(error: Error): void {
    this.#state = "idle";
    this.#ended = error;
    this.#events.onEnd(error);
  }

  /** Stops listening to `conn`; `close()` still waits for it to be fully closed. */
  #retire(conn: Connection): void {
    this.#conn = undefined;
    this.#stale.add(conn);
    conn.closed.then(() => this.#stale.delete(conn));
  }

  #onClose(info: CloseInfo, conn: Connection): void {
    if (this.#conn !== conn) return;
    this.#retire(conn);
    const verdict = closeVerdict(info.code, this.#freshKey);
    if (verdict.final) {
      this.#end(verdict.error(info.message ?? (info.reason || undefined), this.#sessionId));
      return;
    }
    this.#state = "reconnecting";
    this.#events.onDown("closed");
    this.#track(this.#reconnect(verdict.minDelayMs, info.code));
  }

  /**
   * Reconnects after a resync once the engine's side of the close is known: the engine may have closed
   * the socket first, with a final code (1009 for a frame already on its way, say) that a reconnect
   * must not answer. Our own close comes back as {@link RESYNC_CLOSE_CODE}.
   */
  async #resume(closed: Promise<number | undefined>): Promise<void> {
    const code = (await closed) ?? RESYNC_CLOSE_CODE;
    const signal = this.#life.signal;
    if (signal.aborted) throw signal.reason;
    const verdict = closeVerdict(code, this.#freshKey);
    if (verdict.final) {
      const final = verdict.error(undefined, this.#sessionId);
      this.#end(final);
      throw final;
    }
    this.#events.onDown(code === RESYNC_CLOSE_CODE ? "resync" : "closed");
    await this.#reconnect(verdict.minDelayMs, code);
  }

  /** Makes `reconnecting` what `open()` callers wait for. */
  #track(reconnecting: Promise<void>): void {
    const tracked: Promise<void> = reconnecting.finally(() => {
      if (this.#opening === tracked) this.#opening = undefined;
    });
    this.#opening = tracked;
    // Failures reach listeners through onEnd; the promise only tells waiters when it is over.
    tracked.catch(() => {});
  }

  async #reconnect(minDelayMs: number, closeCode: number): Promise<void> {
    const signal = this.#life.signal;
    const policy = this.#options.reconnect;
    let floor = minDelayMs;
    let lastCode = closeCode;
    let lastProblem = `the socket closed (code ${closeCode})`;
    for (let attempt = 1; attempt <= policy.maxRetries; attempt++) {
      try {
        await delay(backoffDelay(policy, attempt, floor), signal);
        await this.#attempt();
        return;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!(error instanceof ConnectFailure)) {
          lastProblem = error instanceof Error ? error.message : String(error);
          continue;
        }
        const verdict = closeVerdict(error.code, this.#freshKey);
        if (verdict.final) {
          const final = verdict.error(error.engineMessage, this.#sessionId);
          this.#end(final);
          throw final;
        }
        floor = verdict.minDelayMs;
        lastCode = error.code;
        lastProblem = error.message;
      }
    }
    const gaveUp = new SessionDisconnectedError(
      `Lost session ${this.#sessionId}: no reconnect after ${policy.maxRetries} attempts (last: ${lastProblem}). ` +
        `It may still be alive: resume with new Session({ sessionId, lastSeq: ${this.#cursor} }) once the engine is reachable.`,
      { sessionId: this.#sessionId, closeCode: lastCode || undefined },
    );
    this.#end(gaveUp);
    throw gaveUp;
  }
}
