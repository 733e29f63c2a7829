/**
 * One WebSocket: handshake timeout, `hello`, frame size and rate limits, JSON and schema validation
 * of every frame, heartbeat, and slow-consumer protection. Frames are handled one at a time in
 * arrival order; a bad frame never takes the engine or other sessions down.
 *
 * @module
 */
import type { ClientFrame, ErrorCode } from "../../generated/protocol.ts";
import { CloseCode } from "../../generated/protocol_schema.ts";
import { describeIssues, validateClientFrame } from "../../protocol/validate.ts";
import type { Auth, Caller } from "../auth.ts";
import type { EngineContext } from "../context.ts";
import { makeEvent } from "../events.ts";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../json_depth.ts";
import type { ConnectionShare, RateLimiter } from "../rate_limit.ts";
import type { Subscriber } from "../session/fanout.ts";
import { StoreUnavailableError } from "../store/store_unavailable.ts";
import type { SessionHandle, Sessions } from "../session/sessions.ts";
import type { Admission } from "./admission.ts";
import { closeReason } from "./close_reason.ts";
import { dispatch, type FrameReplies } from "./dispatch.ts";
import { type ErrorFields, frameRef, mustAnswer, parseQuietly } from "./frame_ref.ts";
import { handshake } from "./handshake.ts";

/** Engine services a connection uses. */
export interface ConnectionDeps {
  ctx: EngineContext;
  auth: Auth;
  limiter: RateLimiter;
  registry: Sessions;
  admission: Admission;
}

/**
 * `closing`: the socket is detached and its close is decided; input is read and dropped until it goes
 * quiet, then the close frame is sent (see {@link LINGER_QUIET_MS}).
 */
type State = "handshake" | "attaching" | "attached" | "closing" | "closed";

/** Rejected frames within one second after which a flood closes the socket with 4008. */
const FLOOD_WINDOW_MS = 1000;

/**
 * A socket closed while its peer is still sending gets a TCP reset, and the reset discards the close
 * frame, and with it the documented close code, before the client reads it. So every close waits
 * until the client's input has been quiet this long (reading and dropping it meanwhile): a flood, more
 * frames after an oversize one, or just a ping sent after a terminate. 50 ms still lost about 1 code in
 * 100 on loopback, 150 ms none in 300 (30 ms lost 1 terminate code in 479 under the full fuzz load)...
 */
const LINGER_QUIET_MS = 150;
/** ...but never longer than this after the close was decided. */
const LINGER_MAX_MS = 1000;
/** Estimated engine memory per frame queued on a socket besides its bytes (the pending write). */
const QUEUED_FRAME_OVERHEAD = 256;
/** Longest a replay waits for one drain. */
const DRAIN_WAIT_MS = 5_000;
/** Validation issues an `error` event lists; the first few are enough to fix a frame. */
const MAX_ISSUES_SHOWN = 5;
/** Longest quoted detail (a JSON parse error quoting the input) in an error message. */
const MAX_DETAIL_CHARS = 100;

/** UTF-8 size of a text frame, measured exactly only when the cheap bounds cannot decide against `max`. */
function utf8Size(text: string, max: number): number {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes.
  if (text.length * 3 <= max || text.length > max) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** One client socket. */
export class Connection implements Subscriber, FrameReplies {
  readonly #socket: WebSocket;
  readonly #deps: ConnectionDeps;
  readonly #closed = Promise.withResolvers<void>();
  #state: State = "handshake";
  #frames = 0;
  #caller: Caller | undefined;
  #runtime: SessionHandle | undefined;
  #chain: Promise<void> = Promise.resolve();
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #lastReceived = performance.now();
  #floodStart = 0;
  #rejected = 0;
  #fatalSent = false;
  #share: ConnectionShare | undefined;
  #admitted = true;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #closeDecidedAt = 0;
  #pendingClose: { code: number; reason: string } | undefined;
  #sentFrames = 0;
  #sentBytes = 0;
  /** Counted in `metrics.openSockets` (between `onopen` and `onclose`). */
  #counted = false;
  /** When the socket opened (only measured when access lines are written). */
  #openedAt = 0;

  constructor(socket: WebSocket, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    socket.onopen = () => {
      deps.ctx.metrics.connectionsOpened++;
      deps.ctx.metrics.openSockets++;
      this.#counted = true;
      if (deps.ctx.options.logger) this.#openedAt = performance.now();
      this.#handshakeTimer = setTimeout(() => {
        if (this.#state !== "handshake") return;
        const ms = deps.ctx.options.handshakeTimeoutMs;
        this.close(CloseCode.handshake_timeout, `handshake timeout: send hello within ${ms} ms of opening`);
      }, deps.ctx.options.handshakeTimeoutMs);
    };
    socket.onmessage = (event) => {
      try {
        this.#onMessage(event);
      } catch (error) {
        // No frame may end the process: whatever slipped through is logged and ends this socket only.
        this.#internalError(error);
      }
    };
    socket.onclose = (event) => this.#onClosed(event);
    socket.onerror = () => {};
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /**
   * Sends a frame unless the socket is closing. A consumer whose queued output (bytes plus a per-frame
   * overhead) exceeds `maxSocketBufferBytes` is closed with 1011; it resumes from its cursor.
   */
  deliver(frame: string): void {
    if (!this.#live || this.#socket.readyState !== WebSocket.OPEN) return;
    const buffered = this.#socket.bufferedAmount;
    if (buffered > 0 && this.#sentFrames > 0) {
      const queuedFrames = buffered / (this.#sentBytes / this.#sentFrames);
      if (buffered + queuedFrames * QUEUED_FRAME_OVERHEAD > this.#deps.ctx.options.maxSocketBufferBytes) {
        this.close(
          CloseCode.internal_error,
          "slow consumer: too many unsent events; resume from your last seq",
        );
        return;
      }
    }
    this.#sentFrames++;
    this.#sentBytes += frame.length;
    this.#socket.send(frame);
    this.#deps.ctx.metrics.eventsSent++;
  }

  /**
   * Waits until the socket's queued output is under a quarter of `maxSocketBufferBytes` (checked every
   * millisecond, at most {@link DRAIN_WAIT_MS}); false once the socket is closing. A
   * reader too slow to drain in that time stays attached and meets the slow-consumer bound instead.
   */
  async drain(): Promise<boolean> {
    const until = performance.now() + DRAIN_WAIT_MS;
    const lowWater = this.#deps.ctx.options.maxSocketBufferBytes / 4;
    while (this.#live && this.#socket.readyState === WebSocket.OPEN) {
      if (this.#socket.bufferedAmount < lowWater || performance.now() > until) return true;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return false;
  }

  /** Whether frames may still be sent and handled (no close decided yet). */
  get #live(): boolean {
    return this.#state !== "closing" && this.#state !== "closed";
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

  /**
   * Closes the socket (idempotent). A socket still attaching is told why first. The close frame goes
   * out once the client's input is quiet, so the code reaches the client (see {@link LINGER_QUIET_MS}).
   */
  close(code: number, reason: string): void {
    if (!this.#live) return;
    if (this.#state === "attaching" && code === CloseCode.session_terminated && !this.#fatalSent) {
      this.#error("session_terminated", "The session was terminated while this socket attached.", true);
    }
    this.#finish();
    this.#closeDecidedAt = performance.now();
    this.#pendingClose = { code, reason };
    this.#linger();
  }

  /** Sends the decided close now if input is quiet, else waits for quiet (bounded by LINGER_MAX_MS). */
  #linger(): void {
    clearTimeout(this.#lingerTimer);
    const now = performance.now();
    const quietFor = now - this.#lastReceived;
    if (quietFor >= LINGER_QUIET_MS || now - this.#closeDecidedAt >= LINGER_MAX_MS) {
      this.#sendClose();
      return;
    }
    this.#lingerTimer = setTimeout(() => this.#linger(), LINGER_QUIET_MS - quietFor);
  }

  /** Sends the close frame; a close that throws is retried with less, so the socket always ends. */
  #sendClose(): void {
    const pending = this.#pendingClose;
    this.#pendingClose = undefined;
    if (!pending) return;
    const state = this.#socket.readyState;
    if (state !== WebSocket.OPEN && state !== WebSocket.CONNECTING) return;
    const attempts: Array<() => void> = [
      () => this.#socket.close(pending.code, closeReason(pending.reason)),
      () => this.#socket.close(pending.code),
      () => this.#socket.close(),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        return;
      } catch (error) {
        this.#deps.ctx.log(
          `socket: close failed (${error instanceof Error ? error.message : error}); retrying`,
        );
      }
    }
  }

  #internalError(error: unknown): void {
    if (error instanceof StoreUnavailableError) {
      // Not a bug: Redis is down or restarting. The frame was not applied; the client resumes later.
      this.#deps.ctx.log(`socket: ${error.message}`);
      return this.#fatal(
        "store_unavailable",
        CloseCode.store_unavailable,
        "the engine cannot reach its shared store now; nothing was applied. Reconnect after a pause and resume",
      );
    }
    this.#deps.ctx.log(`socket: internal error: ${error instanceof Error ? error.stack : error}`);
    this.#deps.ctx.metrics.error("internal");
    try {
      this.#fatal("internal", CloseCode.internal_error, "internal error in the engine; reconnect and resume");
    } catch (again) {
      this.#deps.ctx.log(`socket: could not report an internal error: ${again}`);
    }
  }

  #error(code: ErrorCode, message: string, fatal: boolean, fields: ErrorFields = {}): void {
    this.#deps.ctx.metrics.error(code);
    const data = { error: message, code, ...(fatal ? { fatal } : {}), ...fields };
    const runtime = this.#runtime;
    const frame = runtime
      ? runtime.scoped(this, "error", data)
      : JSON.stringify(makeEvent("error", { seq: 0, logged: false, session_id: "" }, data));
    this.deliver(frame);
  }

  #fatal(code: ErrorCode, close: number, message: string): void {
    this.#error(code, message, true);
    this.#fatalSent = true;
    this.close(close, message);
  }

  #onMessage(event: MessageEvent): void {
    this.#lastReceived = performance.now();
    if (this.#state === "closing") {
      if (this.#pendingClose) this.#linger();
      return;
    }
    if (this.#state === "closed") return;
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
      const detail = cut(error instanceof Error ? error.message : String(error), MAX_DETAIL_CHARS);
      const message = `Malformed frame: ${detail}. Send one JSON object per text frame.`;
      if (first) return this.#fatal("invalid_json", CloseCode.bad_handshake, message);
      return this.error("invalid_json", message);
    }
    if (nestedDeeperThan(value)) {
      const message = `Frame nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; flatten it.`;
      if (first) return this.#fatal("invalid_frame", CloseCode.bad_handshake, message);
      return this.error("invalid_frame", message, frameRef(value));
    }
    const validation = validateClientFrame(value);
    if (!validation.ok) {
      const unknownType = validation.issues.some((i) => i.path === "type") &&
        validation.error.startsWith("Unknown");
      const issues = validation.issues.slice(0, MAX_ISSUES_SHOWN);
      const more = validation.issues.length - issues.length;
      const summary = describeIssues(issues) + (more > 0 ? `; and ${more} more` : "");
      if (first) {
        return this.#fatal(
          "invalid_frame",
          CloseCode.bad_handshake,
          `The first frame must be a valid hello: ${summary}`,
        );
      }
      return this.error(
        unknownType ? "unknown_frame_type" : "invalid_frame",
        unknownType ? validation.error : summary,
        {
          ...frameRef(value),
          details: { issues },
        },
      );
    }
    const frame = validation.value;
    if (first && frame.type !== "hello") {
      return this.#fatal(
        "handshake_required",
        CloseCode.bad_handshake,
        `The first frame must be hello, not ${frame.type}; authenticate before sending anything else.`,
      );
    }
    this.#chain = this.#chain.then(() => this.#handle(frame)).catch((error) => this.#internalError(error));
  }

  /**
   * Rate limit by key; a sustained flood closes the socket. Returns false for a refused frame. A
   * refused post, batch, approval answer, cancel or terminate is always answered with `rate_limited`
   * naming it and saying when to send it again; other frames (pings) get one notice per second.
   */
  #withinRate(data: unknown): boolean {
    const share = this.#share;
    if (!share || share.take()) return true;
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
        "rate limit flood: too many frames on this socket for its API key; pause, then reconnect",
      );
      return false;
    }
    const value = parseQuietly(data);
    if (this.#rejected === 1 || mustAnswer(value)) {
      const retryAfterMs = share.retryAfterMs();
      this.error(
        "rate_limited",
        `Too many frames for this socket's share of its API key (key limit ${framesPerSecond}/s, burst ${burst}, ` +
          `shared fairly by the key's open sockets); this frame was not ` +
          `applied: send it again after ${retryAfterMs} ms.`,
        { ...frameRef(value), retry_after_ms: retryAfterMs },
      );
    }
    return false;
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (!this.#live) return;
    if (this.#state === "handshake" && frame.type === "hello") {
      this.#state = "attaching";
      const result = await handshake(frame, this.#deps.auth, this.#deps.registry);
      if (this.#state !== "attaching") return;
      if (!result.ok) return this.#fatal(result.code, result.close, result.message);
      const { limiter, ctx } = this.#deps;
      if (limiter.sockets(result.caller.key) >= ctx.options.maxSocketsPerKey) {
        return this.#fatal(
          "rate_limited",
          CloseCode.rate_limited,
          `Too many open sockets for this API key (limit ${ctx.options.maxSocketsPerKey}); disconnect sessions you no longer listen to, then reconnect.`,
        );
      }
      this.#share = limiter.share(result.caller.key);
      this.#leaveHandshake();
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

  /** Gives back the handshake slot (once); the socket is attached, refused or gone. */
  #leaveHandshake(): void {
    if (!this.#admitted) return;
    this.#admitted = false;
    this.#deps.admission.leave();
  }

  /** Stops timers, detaches from the session and frees its quotas; runs once, on close from either side. */
  #finish(): void {
    if (!this.#live) return;
    this.#state = "closing";
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#heartbeatTimer);
    this.#runtime?.detach(this);
    this.#share?.release();
    this.#leaveHandshake();
  }

  #onClosed(event: CloseEvent): void {
    // close() notes when the engine decided to close; otherwise the client (or the network) closed.
    const by = this.#closeDecidedAt > 0 ? "engine" : "client";
    this.#finish();
    this.#state = "closed";
    clearTimeout(this.#lingerTimer);
    if (this.#counted) {
      this.#counted = false;
      this.#deps.ctx.metrics.openSockets--;
    }
    this.#deps.ctx.options.logger?.access({
      type: "ws",
      session: this.#runtime?.sessionId ?? "-",
      org: this.#caller?.org ?? "-",
      code: event.code,
      closed_by: by,
      frames_in: this.#frames,
      frames_out: this.#sentFrames,
      ms: this.#openedAt > 0 ? Math.round(performance.now() - this.#openedAt) : undefined,
    });
    this.#closed.resolve();
  }
}
