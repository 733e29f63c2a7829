/**
 * One WebSocket attempt: open, send `hello`, wait for `session_connected`, then decode and validate
 * every frame and keep the socket alive with app-level pings.
 *
 * @module
 */
import type { ClientFrame, HelloFrame } from "../generated/protocol.ts";
import { abortable } from "./abortable.ts";
import { decodeFrame, VERSIONS_DIFFER } from "./decode.ts";
import { type EventData, sdkErrorEvent, type SessionEvent, type SessionEventOf } from "../session_event.ts";
import type { HeartbeatOptions } from "../session_options.ts";
import { type Timer, unrefTimer } from "./timers.ts";

/** Why a connection ended. */
export interface CloseInfo {
  /** WebSocket close code (1006 for an abrupt drop, 4000 for a missed pong). */
  code: number;
  /** Close reason from the server, if any. */
  reason: string;
  /** Text of the fatal `error` event the engine sent before closing, if any. */
  message: string | undefined;
}

/** A failed attempt: the socket closed (or timed out) before `session_connected`. */
export class ConnectFailure extends Error {
  /** Close code (some runtimes report 0 when the connection could not be made at all). */
  readonly code: number;
  /** Text of the engine's fatal `error` event, if one came. */
  readonly engineMessage: string | undefined;
  /** True when no `session_connected` came within the handshake timeout. */
  readonly timedOut: boolean;

  /** Records why the attempt failed. */
  constructor(message: string, code: number, engineMessage: string | undefined, timedOut = false) {
    super(message);
    this.name = "ConnectFailure";
    this.code = code;
    this.engineMessage = engineMessage;
    this.timedOut = timedOut;
  }
}

/** What one attempt needs. */
export interface ConnectionOptions {
  /** `ws://` or `wss://` URL of `/v1/sessions/ws`. */
  url: string;
  /** The first frame. */
  hello: HelloFrame;
  /** Give up when `session_connected` has not come within this long. */
  handshakeTimeoutMs: number;
  /** Ping settings. */
  heartbeat: Required<HeartbeatOptions>;
  /** Aborts the attempt. */
  signal?: AbortSignal | undefined;
  /** Stamps SDK-made events (malformed frames) with the session id and the resume cursor. */
  context: () => { sessionId: string; seq: number };
  /** Every decoded event, `session_connected` included, in order. */
  onEvent: (event: SessionEvent, connection: Connection) => void;
  /** The connection ended after a successful handshake (never called for the caller's own `close()`). */
  onClose: (info: CloseInfo, connection: Connection) => void;
}

/** An open, handshaken session socket. */
export class Connection {
  readonly #ws: WebSocket;
  readonly #options: ConnectionOptions;
  readonly #closed = Promise.withResolvers<void>();
  #closeCode: number | undefined;
  #open = false;
  #detached = false;
  #fatal: string | undefined;
  #pingTimer: Timer | undefined;
  #pongTimer: Timer | undefined;
  #nonce = 0;
  /** Frames received; the pong timer checks it instead of being cleared on every frame (hot path). */
  #received = 0;
  #connected: EventData<"session_connected"> | undefined;

  private constructor(ws: WebSocket, options: ConnectionOptions) {
    this.#ws = ws;
    this.#options = options;
  }

  /** Opens a socket and completes the handshake; rejects with {@link ConnectFailure} or `signal.reason`. */
  static open(options: ConnectionOptions): Promise<Connection> {
    options.signal?.throwIfAborted();
    const ws = new WebSocket(options.url);
    ws.binaryType = "arraybuffer";
    return new Connection(ws, options).#handshake();
  }

  /** The `hello` this attempt sent (its `target.last_seq` is the cursor the engine resumes from). */
  get hello(): HelloFrame {
    return this.#options.hello;
  }

  /** What the engine accepted. */
  get accepted(): EventData<"session_connected"> | undefined {
    return this.#connected;
  }

  /** Resolves once the underlying socket has fully closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /**
   * The close code once the socket has fully closed, also after the caller's own `close()`: the engine
   * may have closed it first (with a final code such as 1009) while the caller's close was on its way.
   */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  #handshake(): Promise<Connection> {
    const { promise, resolve, reject } = Promise.withResolvers<Connection>();
    const ws = this.#ws;
    const signal = this.#options.signal;
    const fail = (error: unknown) => {
      cleanup();
      this.#detached = true;
      this.#closeSocket(1000, "handshake failed");
      reject(error);
    };
    const onAbort = () => fail(signal?.reason);
    const timer = setTimeout(() => {
      fail(
        new ConnectFailure(
          `No session_connected within ${this.#options.handshakeTimeoutMs} ms.`,
          0,
          this.#fatal,
          true,
        ),
      );
    }, this.#options.handshakeTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    ws.onopen = () => this.#sendRaw(this.#options.hello);
    ws.onmessage = (message) => {
      if (this.#detached) return;
      const event = decodeFrame(message.data, this.#options.context);
      if (!this.#open) {
        if (event.type === "error") {
          this.#fatal = event.data.error;
          return;
        }
        if (event.type !== "session_connected") return;
        this.#open = true;
        this.#connected = event.data;
        cleanup();
        this.#startHeartbeat(event.data.heartbeat_interval_ms);
        this.#options.onEvent(event, this);
        resolve(this);
        return;
      }
      // Any frame proves the socket alive: during a long replay a pong may queue behind thousands of events.
      this.#received++;
      if (event.type === "error" && event.data.fatal) this.#fatal = event.data.error;
      this.#options.onEvent(
        event.type === "session_connected" ? strayHandshake(event, this.#options) : event,
        this,
      );
    };
    ws.onclose = (close) => {
      this.#stopHeartbeat();
      this.#closeCode = close.code;
      this.#closed.resolve();
      if (this.#detached) return;
      this.#detached = true;
      if (!this.#open) {
        cleanup();
        reject(
          new ConnectFailure(
            close.code === 0 || close.code === 1006
              ? "The connection could not be made, or was cut before the handshake finished."
              : `The socket closed before the handshake finished (code ${close.code}${
                close.reason ? `, ${close.reason}` : ""
              }).`,
            close.code,
            this.#fatal,
          ),
        );
        return;
      }
      this.#options.onClose({ code: close.code, reason: close.reason, message: this.#fatal }, this);
    };
    // Errors are always followed by a close event, which carries what we report.
    ws.onerror = () => {};
    return promise;
  }

  /** Sends a frame; returns false when the socket is not open. */
  send(frame: ClientFrame): boolean {
    if (this.#detached || this.#ws.readyState !== WebSocket.OPEN) return false;
    return this.#sendRaw(frame);
  }

  #sendRaw(frame: ClientFrame): boolean {
    try {
      this.#ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Closes the socket without reporting through `onClose`, and waits (at most `waitMs`) for it to be
   * fully closed. Safe to call more than once.
   */
  async close(code = 1000, reason = "client disconnect", waitMs = 2000): Promise<void> {
    this.#detached = true;
    this.#stopHeartbeat();
    this.#closeSocket(code, reason);
    // A peer that never completes the closing handshake must not hold the caller up.
    await abortable(this.#closed.promise, AbortSignal.timeout(waitMs)).catch(() => {});
  }

  #closeSocket(code: number, reason: string): void {
    try {
      if (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN) {
        this.#ws.close(code, reason);
      }
    } catch {
      // Already closing; nothing else to do.
    }
  }

  #startHeartbeat(serverIntervalMs: number): void {
    const { intervalMs, timeoutMs } = this.#options.heartbeat;
    // The engine drops sockets silent for twice its own interval, so never ping less often than that.
    const every = Math.max(1, Math.min(intervalMs, serverIntervalMs > 0 ? serverIntervalMs : intervalMs));
    this.#pingTimer = unrefTimer(setInterval(() => this.#ping(timeoutMs), every));
  }

  /** Pings now, outside the interval (a missing pong drops the socket as dead, as usual). */
  probe(): void {
    this.#ping(this.#options.heartbeat.timeoutMs);
  }

  #ping(timeoutMs: number): void {
    if (this.#detached) return;
    this.send({ type: "ping", nonce: String(++this.#nonce) });
    if (this.#pongTimer !== undefined) return;
    const seen = this.#received;
    this.#pongTimer = unrefTimer(setTimeout(() => {
      this.#pongTimer = undefined;
      // Any frame since the ping (a pong, or an event queued before it) proves the socket alive.
      if (this.#received === seen) this.#dropAsDead(timeoutMs);
    }, timeoutMs));
  }

  #clearPongTimer(): void {
    clearTimeout(this.#pongTimer);
    this.#pongTimer = undefined;
  }

  #stopHeartbeat(): void {
    clearTimeout(this.#pingTimer); // clears an interval too, in every runtime
    this.#pingTimer = undefined;
    this.#clearPongTimer();
  }

  /** A half-open socket may never deliver a close event: report the drop now and walk away. */
  #dropAsDead(timeoutMs: number): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#stopHeartbeat();
    this.#closeSocket(4000, "heartbeat timeout");
    this.#options.onClose(
      { code: 4000, reason: `no pong within ${timeoutMs} ms`, message: undefined },
      this,
    );
  }
}

/**
 * A `session_connected` on a socket already attached is a protocol violation: its `replay_from_seq`
 * would move the resume cursor without a replay, silently skipping or re-admitting events. It is
 * reported to listeners and otherwise ignored.
 */
function strayHandshake(
  event: SessionEventOf<"session_connected">,
  options: ConnectionOptions,
): SessionEvent {
  const { sessionId, seq } = options.context();
  return sdkErrorEvent(
    sessionId,
    seq,
    "invalid_frame",
    `The engine sent a second session_connected (replay_from_seq ${event.data.replay_from_seq}) on an ` +
      `attached socket; it was ignored and the cursor stays at seq ${seq}. ${VERSIONS_DIFFER}`,
    {
      frame: "session_connected",
      replay_from_seq: event.data.replay_from_seq,
      head_seq: event.data.head_seq,
    },
  );
}
