/**
 * One WebSocket: handshake timeout, `hello`, frame size and rate limits, JSON and schema validation
 * of every frame, heartbeat, and slow-consumer protection. Frames are handled one at a time in
 * arrival order; a bad frame never takes the engine or other sessions down.
 *
 * @module
 */
import type { ClientFrame, ErrorCode } from "../../generated/protocol.ts";
import { CloseCode } from "../../generated/protocol_schema.ts";
import { validateClientFrame } from "../../protocol/validate.ts";
import type { Auth, Caller } from "../auth.ts";
import type { EngineContext } from "../context.ts";
import { makeEvent } from "../events.ts";
import type { RateLimiter } from "../rate_limit.ts";
import type { SessionRegistry } from "../session/registry.ts";
import type { SessionRuntime, Subscriber } from "../session/session_runtime.ts";
import { dispatch, type FrameReplies } from "./dispatch.ts";
import { type ErrorFields, frameRef, mustAnswer, parseQuietly } from "./frame_ref.ts";
import { handshake } from "./handshake.ts";

/** Engine services a connection uses. */
export interface ConnectionDeps {
  ctx: EngineContext;
  auth: Auth;
  limiter: RateLimiter;
  registry: SessionRegistry;
}

type State = "handshake" | "attaching" | "attached" | "closed";

/** Rejected frames within one second after which a flood closes the socket with 4008. */
const FLOOD_WINDOW_MS = 1000;

/** UTF-8 size of a text frame, measured exactly only when the cheap bounds cannot decide against `max`. */
function utf8Size(text: string, max: number): number {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes.
  if (text.length * 3 <= max || text.length > max) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
function shortReason(reason: string): string {
  return reason.length <= 120 ? reason : `${reason.slice(0, 117)}...`;
}

/** One client socket. */
export class Connection implements Subscriber, FrameReplies {
  readonly #socket: WebSocket;
  readonly #deps: ConnectionDeps;
  readonly #closed = Promise.withResolvers<void>();
  #state: State = "handshake";
  #frames = 0;
  #caller: Caller | undefined;
  #runtime: SessionRuntime | undefined;
  #chain: Promise<void> = Promise.resolve();
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #lastReceived = performance.now();
  #floodStart = 0;
  #rejected = 0;
  #fatalSent = false;

  constructor(socket: WebSocket, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    socket.onopen = () => {
      deps.ctx.metrics.connectionsOpened++;
      this.#handshakeTimer = setTimeout(() => {
        if (this.#state !== "handshake") return;
        const ms = deps.ctx.options.handshakeTimeoutMs;
        this.close(CloseCode.handshake_timeout, `handshake timeout: send hello within ${ms} ms of opening`);
      }, deps.ctx.options.handshakeTimeoutMs);
    };
    socket.onmessage = (event) => this.#onMessage(event);
    socket.onclose = () => this.#onClosed();
    socket.onerror = () => {};
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Sends a frame unless the socket is gone; a consumer that cannot keep up is closed with 1011. */
  deliver(frame: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (this.#socket.bufferedAmount > this.#deps.ctx.options.maxBufferedBytes) {
      this.close(
        CloseCode.internal_error,
        "slow consumer: too many unsent events; resume from your last seq",
      );
      return;
    }
    this.#socket.send(frame);
    this.#deps.ctx.metrics.eventsSent++;
  }

  /** The {@link FrameReplies} side of `deliver`. */
  send(frame: string): void {
    this.deliver(frame);
  }

  /** Sends a connection-scoped, non-fatal error event; `fields` name the frame it answers. */
  error(code: ErrorCode, message: string, fields?: ErrorFields): void {
    this.#error(code, message, false, fields);
  }

  /** Resolves once every frame received so far has been handled. */
  get drained(): Promise<void> {
    return this.#chain;
  }

  /** Closes the socket (idempotent). A socket still attaching is told why first. */
  close(code: number, reason: string): void {
    if (this.#state === "closed") return;
    if (this.#state === "attaching" && code === CloseCode.session_terminated && !this.#fatalSent) {
      this.#error("session_terminated", "The session was terminated while this socket attached.", true);
    }
    this.#finish();
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) {
      try {
        this.#socket.close(code, shortReason(reason));
      } catch {
        // Already closing: nothing more to do.
      }
    }
  }

  #error(code: ErrorCode, message: string, fatal: boolean, fields: ErrorFields = {}): void {
    this.#deps.ctx.metrics.error(code);
    const data = { error: message, code, ...(fatal ? { fatal } : {}), ...fields };
    const runtime = this.#runtime;
    const frame = runtime
      ? runtime.scoped("error", data)
      : JSON.stringify(makeEvent("error", { seq: 0, logged: false, session_id: "" }, data));
    this.deliver(frame);
  }

  #fatal(code: ErrorCode, close: number, message: string): void {
    this.#error(code, message, true);
    this.#fatalSent = true;
    this.close(close, message);
  }

  #onMessage(event: MessageEvent): void {
    if (this.#state === "closed") return;
    this.#lastReceived = performance.now();
    const data: unknown = event.data;
    const first = this.#frames++ === 0;
    const max = this.#deps.ctx.options.maxFrameBytes;
    const size = typeof data === "string"
      ? utf8Size(data, max)
      : data instanceof ArrayBuffer
      ? data.byteLength
      : data instanceof Blob
      ? data.size
      : 0;
    if (size > max) {
      return this.#fatal(
        "frame_too_large",
        CloseCode.frame_too_large,
        `frame of ${size} bytes exceeds max_frame_bytes ${max}`,
      );
    }
    if (!first && !this.#withinRate(data)) return;
    let value: unknown;
    try {
      if (typeof data !== "string") {
        throw new TypeError("binary frames are not supported; send JSON text frames");
      }
      value = JSON.parse(data);
    } catch (error) {
      const message = `Malformed frame: ${
        error instanceof Error ? error.message : error
      }. Send one JSON object per text frame.`;
      if (first) return this.#fatal("invalid_json", CloseCode.bad_handshake, message);
      return this.error("invalid_json", message);
    }
    const validation = validateClientFrame(value);
    if (!validation.ok) {
      const unknownType = validation.issues.some((i) => i.path === "type") &&
        validation.error.startsWith("Unknown");
      if (first) {
        return this.#fatal(
          "invalid_frame",
          CloseCode.bad_handshake,
          `The first frame must be a valid hello: ${validation.error}`,
        );
      }
      return this.error(unknownType ? "unknown_frame_type" : "invalid_frame", validation.error, {
        ...frameRef(value),
        details: { issues: validation.issues },
      });
    }
    const frame = validation.value;
    if (first && frame.type !== "hello") {
      return this.#fatal(
        "handshake_required",
        CloseCode.bad_handshake,
        `The first frame must be hello, not ${frame.type}; authenticate before sending anything else.`,
      );
    }
    this.#chain = this.#chain.then(() => this.#handle(frame)).catch((error) => {
      this.#deps.ctx.log(`socket: internal error: ${error instanceof Error ? error.stack : error}`);
      this.#fatal("internal", CloseCode.internal_error, "internal error in the engine; reconnect and resume");
    });
  }

  /**
   * Rate limit by key; a sustained flood closes the socket. Returns false for a refused frame. A
   * refused post, batch, approval answer, cancel or terminate is always answered with `rate_limited`
   * naming it and saying when to send it again; other frames (pings) get one notice per second.
   */
  #withinRate(data: unknown): boolean {
    const caller = this.#caller;
    const limiter = this.#deps.limiter;
    if (!caller || limiter.take(caller.key)) return true;
    const now = performance.now();
    if (now - this.#floodStart > FLOOD_WINDOW_MS) {
      this.#floodStart = now;
      this.#rejected = 0;
    }
    this.#rejected++;
    const { framesPerSecond, burst } = this.#deps.ctx.options;
    if (this.#rejected > Math.max(16, burst / 4)) {
      this.#fatal(
        "rate_limited",
        CloseCode.rate_limited,
        "rate limit flood: too many frames for this API key; pause, then reconnect",
      );
      return false;
    }
    const value = parseQuietly(data);
    if (this.#rejected === 1 || mustAnswer(value)) {
      const retryAfterMs = limiter.retryAfterMs(caller.key);
      this.error(
        "rate_limited",
        `Too many frames for this API key (limit ${framesPerSecond}/s, burst ${burst}); this frame was not ` +
          `applied: send it again after ${retryAfterMs} ms.`,
        { ...frameRef(value), retry_after_ms: retryAfterMs },
      );
    }
    return false;
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (this.#state === "closed") return;
    if (this.#state === "handshake" && frame.type === "hello") {
      this.#state = "attaching";
      const result = await handshake(frame, this.#deps.auth, this.#deps.registry);
      if (this.#state !== "attaching") return;
      if (!result.ok) return this.#fatal(result.code, result.close, result.message);
      this.#caller = result.caller;
      this.#runtime = result.runtime;
      const attached = await result.runtime.attach(this, result.lastSeq, result.resumed);
      if (!attached) {
        const message =
          `Session ${result.runtime.sessionId} was terminated and cannot be resumed; create a new session.`;
        return this.#fatal("session_terminated", CloseCode.session_terminated, message);
      }
      if (this.#state !== "attaching") return;
      this.#state = "attached";
      this.#startHeartbeat();
      return;
    }
    const runtime = this.#runtime;
    const caller = this.#caller;
    if (this.#state !== "attached" || !runtime || !caller) return;
    await dispatch(frame, {
      caller,
      runtime,
      registry: this.#deps.registry,
      maxMessageBytes: this.#deps.ctx.options.maxMessageBytes,
    }, this);
  }

  #startHeartbeat(): void {
    const interval = this.#deps.ctx.options.heartbeatIntervalMs;
    this.#lastReceived = performance.now();
    this.#heartbeatTimer = setInterval(() => {
      if (performance.now() - this.#lastReceived > 2 * interval) {
        this.close(
          CloseCode.heartbeat_timeout,
          `heartbeat timeout: nothing received for ${2 * interval} ms; send ping frames`,
        );
      }
    }, Math.max(10, interval / 2));
  }

  /** Stops timers and detaches from the session; runs once, on close from either side. */
  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#heartbeatTimer);
    this.#runtime?.detach(this);
  }

  #onClosed(): void {
    this.#finish();
    this.#closed.resolve();
  }
}
