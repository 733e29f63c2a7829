/**
 * The session's connection over time: the first attach, automatic reconnects with backoff after
 * unexpected drops (resuming from the delivered cursor), and a clean close.
 *
 * @module
 */
import type { ClientFrame, SessionTarget } from "./generated/protocol.ts";
import { PROTOCOL_VERSION } from "./generated/protocol_schema.ts";
import { type CloseInfo, ConnectFailure, Connection, type HeartbeatOptions } from "./connection.ts";
import { backoffDelay, closeVerdict, type ReconnectPolicy } from "./reconnect.ts";
import { ApiConnectionError, ApiTimeoutError, SessionDisconnectedError } from "./errors.ts";
import type { SessionEvent } from "./session_event.ts";
import { abortable, delay } from "./abortable.ts";
import { SDK_NAME, SDK_VERSION } from "./version.ts";

/** The code the SDK closes a socket with to resume after a seq gap. */
const RESYNC_CLOSE_CODE = 1000;

/** Where the link is. */
export type LinkState = "idle" | "connecting" | "open" | "reconnecting";

/** What the session learns from its link. */
export interface LinkHandlers {
  /** The resume cursor: highest logged seq delivered. */
  cursor(): number;
  /**
   * An event from the current socket. For the handshake answer (`session_connected` of a new socket),
   * `sentCursor` is the `last_seq` its `hello` carried (0 when opening a new session).
   */
  onEvent(event: SessionEvent, sentCursor?: number): void;
  /** A socket attached (first time or after a reconnect): time to flush waiting frames. */
  onOpen(): void;
  /**
   * The socket dropped unexpectedly (`closed`: the engine or the network closed it; `resync`: the SDK
   * dropped it to resume after a seq gap); reconnecting has started.
   */
  onDown(why: "closed" | "resync"): void;
  /** The link gave up: final close code or retries exhausted. */
  onEnd(error: Error): void;
  /** Runs before the first attach to an existing session (to learn where to resume from). */
  beforeFirstAttach(sessionId: string, signal: AbortSignal): Promise<void>;
}

/** How the link connects. */
export interface LinkOptions {
  /** `/v1/sessions/ws` URL. */
  url: string;
  /** API key sent in `hello`. */
  apiKey: string;
  /** What to open while no session id is known. */
  target: SessionTarget;
  /** Known session id, if attaching to an existing session. */
  sessionId: string | undefined;
  /** Backoff. */
  reconnect: ReconnectPolicy;
  /** Ping settings. */
  heartbeat: Required<HeartbeatOptions>;
  /** Handshake bound per attempt. */
  handshakeTimeoutMs: number;
}

/** Connects, reconnects and closes one session's socket. */
export class SessionLink {
  readonly #options: LinkOptions;
  readonly #handlers: LinkHandlers;
  readonly #stale = new Set<Connection>();
  #state: LinkState = "idle";
  #sessionId: string | undefined;
  #conn: Connection | undefined;
  #opening: Promise<void> | undefined;
  #life = new AbortController();
  #prepared = false;
  /**
   * Why the link last went idle (a final close code, gave up, `fail()`, `close()`), until the next
   * `open()` starts afresh: callers still waiting for an attach that succeeded just before the link
   * ended get this error, instead of a link that will never deliver or send anything.
   */
  #ended: Error | undefined;

  /** A link in the idle state; `open()` attaches. */
  constructor(options: LinkOptions, handlers: LinkHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#sessionId = options.sessionId;
  }

  /** Current state. */
  get state(): LinkState {
    return this.#state;
  }

  /** The session id, once known. */
  get sessionId(): string | undefined {
    return this.#sessionId;
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

  async #firstAttach(): Promise<void> {
    try {
      if (!this.#prepared && this.#sessionId !== undefined) {
        await this.#handlers.beforeFirstAttach(this.#sessionId, this.#life.signal);
      }
      this.#prepared = true;
      await this.#attempt();
    } catch (error) {
      if (this.#state === "connecting") this.#state = "idle";
      throw this.#firstAttachError(error);
    }
  }

  #firstAttachError(error: unknown): unknown {
    if (this.#life.signal.aborted) return this.#life.signal.reason;
    if (!(error instanceof ConnectFailure)) return error;
    const verdict = closeVerdict(error.code);
    if (verdict.error) return verdict.error(error.engineMessage, this.#sessionId);
    if (error.timedOut) {
      return new ApiTimeoutError(`${error.message} Check that ${this.#options.url} is a session engine.`, {
        cause: error,
      });
    }
    return new ApiConnectionError(
      `Could not open the session socket at ${this.#options.url}: ${error.message} Check baseUrl and that the engine is running.`,
      { cause: error },
    );
  }

  #attempt(): Promise<Connection> {
    const target: SessionTarget = this.#sessionId === undefined
      ? this.#options.target
      : { session_id: this.#sessionId, last_seq: this.#handlers.cursor() };
    return Connection.open({
      url: this.#options.url,
      hello: {
        type: "hello",
        protocol_version: PROTOCOL_VERSION,
        api_key: this.#options.apiKey,
        target,
        client: { name: SDK_NAME, version: SDK_VERSION },
      },
      handshakeTimeoutMs: this.#options.handshakeTimeoutMs,
      heartbeat: this.#options.heartbeat,
      signal: this.#life.signal,
      context: () => ({ sessionId: this.#sessionId ?? "", seq: this.#handlers.cursor() }),
      onEvent: (event, conn) => this.#onEvent(event, conn),
      onClose: (info, conn) => this.#onClose(info, conn),
    });
  }

  #onEvent(event: SessionEvent, conn: Connection): void {
    if (event.type === "session_connected" && this.#conn !== conn) {
      if (this.#life.signal.aborted) return;
      this.#conn = conn;
      this.#sessionId = event.sessionId;
      this.#state = "open";
      this.#handlers.onOpen();
      if (this.#conn !== conn) return;
      const target = conn.hello.target;
      this.#handlers.onEvent(event, "session_id" in target ? target.last_seq ?? 0 : 0);
      return;
    }
    if (this.#conn === conn) this.#handlers.onEvent(event);
  }

  /**
   * Drops the open socket and resumes from the cursor on a new one, so the engine replays what this
   * socket skipped: for a stream that cannot be trusted (a logged seq that skips ahead).
   */
  resync(): void {
    const conn = this.#conn;
    if (!conn || this.#state !== "open") return;
    this.#retire(conn);
    this.#state = "reconnecting";
    const closed = conn.close(RESYNC_CLOSE_CODE, "resuming after a seq gap").then(() => conn.closeCode);
    this.#track(this.#resume(closed));
  }

  /** Pings on the open socket now (and expects the pong in time), so that some frame comes soon. */
  probe(): void {
    if (this.#state === "open") this.#conn?.probe();
  }

  /** Ends the link with `error`, as a final close code would: listeners throw it, waiting sends fail. */
  fail(error: Error): void {
    const conn = this.#conn;
    if (!conn || this.#state !== "open") return;
    this.#retire(conn);
    void conn.close(1000, "client gave up on this stream");
    this.#end(error);
  }

  /** The link is over (until the next `open()`): listeners throw `error`, waiting sends fail. */
  #end(error: Error): void {
    this.#state = "idle";
    this.#ended = error;
    this.#handlers.onEnd(error);
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
    const verdict = closeVerdict(info.code);
    if (verdict.error) {
      this.#end(verdict.error(info.message ?? (info.reason || undefined), this.#sessionId));
      return;
    }
    this.#state = "reconnecting";
    this.#handlers.onDown("closed");
    this.#track(this.#reconnect(verdict.minDelayMs));
  }

  /**
   * Reconnects after a resync once the engine's side of the close is known: the engine may have closed
   * the socket first, with a final code (1009 for a frame already on its way, say) that a reconnect
   * must not answer. Our own close comes back as {@link RESYNC_CLOSE_CODE}; any other code means the
   * engine closed the socket on its own.
   */
  async #resume(closed: Promise<number | undefined>): Promise<void> {
    const code = (await closed) ?? RESYNC_CLOSE_CODE;
    const signal = this.#life.signal;
    if (signal.aborted) throw signal.reason;
    const verdict = closeVerdict(code);
    if (verdict.error) {
      const final = verdict.error(undefined, this.#sessionId);
      this.#end(final);
      throw final;
    }
    this.#handlers.onDown(code === RESYNC_CLOSE_CODE ? "resync" : "closed");
    await this.#reconnect(verdict.minDelayMs);
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

  async #reconnect(minDelayMs: number): Promise<void> {
    const signal = this.#life.signal;
    const policy = this.#options.reconnect;
    let floor = minDelayMs;
    let lastProblem = "the socket dropped";
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
        const verdict = closeVerdict(error.code);
        if (verdict.error) {
          const final = verdict.error(error.engineMessage, this.#sessionId);
          this.#end(final);
          throw final;
        }
        floor = verdict.minDelayMs;
        lastProblem = error.message;
      }
    }
    const gaveUp = new SessionDisconnectedError(
      `Lost the connection to session ${this.#sessionId} and could not reconnect after ` +
        `${policy.maxRetries} attempts (last problem: ${lastProblem}). The session may still be alive on the ` +
        `engine: resume it with new Session({ sessionId }) once the engine is reachable.`,
      { sessionId: this.#sessionId },
    );
    this.#end(gaveUp);
    throw gaveUp;
  }
}
