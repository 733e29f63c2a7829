/**
 * A raw protocol socket for the kit: the platform `WebSocket`, every received frame checked against
 * `schema/protocol.schema.json` by the generated validators. It never repairs what the server sends, so
 * what a check sees is the wire.
 *
 * @module
 */
import type { ClientFrame, ServerEvent, SessionTarget } from "../../src/generated/protocol.ts";
import { PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { validateServerEvent } from "../../src/protocol/validate.ts";
import { ConformanceFailure } from "../check.ts";

/** One event type's event. */
export type Ev<T extends ServerEvent["type"]> = Extract<ServerEvent, { type: T }>;

/** How a socket closed. */
export interface Closed {
  /** The close code. */
  code: number;
  /** The close reason. */
  reason: string;
}

/** Nonce of the kit's own keep-alive pings; their pongs are kept out of `events`. */
const KEEPALIVE = "conformance-keepalive";

/** A protocol client over one socket. */
export class WireSocket {
  readonly #socket: WebSocket;
  readonly #waitMs: number;
  /** Every valid event received, in order (keep-alive pongs left out). */
  readonly events: ServerEvent[] = [];
  readonly #invalid: string[] = [];
  #cursor = 0;
  #wake: (() => void) | undefined;
  readonly #closed = Promise.withResolvers<Closed>();
  #isClosed = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  private constructor(socket: WebSocket, waitMs: number) {
    this.#socket = socket;
    this.#waitMs = waitMs;
    socket.onmessage = (message) => {
      let value: unknown;
      try {
        value = JSON.parse(String(message.data));
      } catch {
        this.#invalid.push(`a frame that is not JSON: ${String(message.data).slice(0, 120)}`);
        this.#wake?.();
        return;
      }
      const result = validateServerEvent(value);
      if (!result.ok) this.#invalid.push(result.error);
      else if (!(result.value.type === "pong" && result.value.data.nonce === KEEPALIVE)) {
        this.events.push(result.value);
      }
      this.#wake?.();
    };
    socket.onclose = (event) => {
      this.#isClosed = true;
      clearInterval(this.#keepAlive);
      this.#closed.resolve({ code: event.code, reason: event.reason });
      this.#wake?.();
    };
    socket.onerror = () => {};
  }

  /** Opens a socket to `<base>/v1/sessions/ws`; fails if it does not open within `waitMs`. */
  static async open(baseUrl: string, waitMs: number): Promise<WireSocket> {
    const url = `${baseUrl.replace(/^http/, "ws")}/v1/sessions/ws`;
    const socket = new WebSocket(url);
    const client = new WireSocket(socket, waitMs);
    const opened = Promise.withResolvers<void>();
    const timer = setTimeout(
      () => opened.reject(new ConformanceFailure(`${url} did not open in ${waitMs} ms`)),
      waitMs,
    );
    socket.onopen = () => opened.resolve();
    client.closed.then(({ code }) =>
      opened.reject(new ConformanceFailure(`${url} closed (${code}) before opening`))
    );
    try {
      await opened.promise;
    } catch (error) {
      socket.close();
      await client.closed;
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  /** Sends `hello`; `version` and `key` may be wrong on purpose. */
  hello(
    key: string,
    target: SessionTarget | Record<string, unknown>,
    version: number = PROTOCOL_VERSION,
  ): void {
    this.send({ type: "hello", protocol_version: version, api_key: key, target });
  }

  /**
   * Pings every `intervalMs` (as every client should, so sockets a check keeps open past the server's
   * heartbeat are not closed with 4000); the pongs are not recorded.
   */
  keepAlive(intervalMs: number): void {
    clearInterval(this.#keepAlive);
    this.#keepAlive = setInterval(() => {
      if (!this.#isClosed) this.send({ type: "ping", nonce: KEEPALIVE });
    }, Math.max(50, intervalMs));
  }

  /** Resolves with the close code and reason. */
  get closed(): Promise<Closed> {
    return this.#closed.promise;
  }

  /** Whether the socket has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends a frame (objects are JSON-encoded; strings go as they are). */
  send(frame: ClientFrame | Record<string, unknown> | string): void {
    if (this.#isClosed) return;
    this.#socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Posts a text message. */
  post(postId: string, text: string): void {
    this.send({ type: "post", message: { post_id: postId, content: { kind: "text", text } } });
  }

  /** Waits for the next event (of `type`, skipping others); fails on close, timeout or an invalid frame. */
  async next<T extends ServerEvent["type"]>(type?: T, waitMs = this.#waitMs): Promise<Ev<T>> {
    const found = await this.until((e) => type === undefined || e.type === type, waitMs, type ?? "an event");
    return found.at(-1) as Ev<T>;
  }

  /** Reads events until one matches; returns every event read, the match last. */
  async until(
    match: (event: ServerEvent) => boolean,
    waitMs = this.#waitMs,
    what = "the expected event",
  ): Promise<ServerEvent[]> {
    const read: ServerEvent[] = [];
    const deadline = performance.now() + waitMs;
    while (true) {
      this.#throwIfInvalid();
      const event = this.events[this.#cursor];
      if (event) {
        this.#cursor++;
        read.push(event);
        if (match(event)) return read;
        continue;
      }
      if (this.#isClosed) {
        const { code, reason } = await this.closed;
        throw new ConformanceFailure(
          `the socket closed (${code} ${reason}) before ${what}; read: ${describeTypes(read)}`,
        );
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new ConformanceFailure(`no ${what} within ${waitMs} ms; read: ${describeTypes(read)}`);
      }
      await this.#sleep(left);
    }
  }

  /** Everything that arrives within `ms` (or until the socket closes). */
  async collect(ms: number): Promise<ServerEvent[]> {
    const deadline = performance.now() + ms;
    while (!this.#isClosed && performance.now() < deadline) await this.#sleep(deadline - performance.now());
    return this.drain();
  }

  /** Events received but not yet read. */
  drain(): ServerEvent[] {
    this.#throwIfInvalid();
    const rest = this.events.slice(this.#cursor);
    this.#cursor = this.events.length;
    return rest;
  }

  /** Waits for the server to close the socket; fails if it is still open after `waitMs`. */
  async closedWithin(waitMs: number, what: string): Promise<Closed> {
    const deadline = performance.now() + waitMs;
    while (!this.#isClosed) {
      const left = deadline - performance.now();
      if (left <= 0) throw new ConformanceFailure(`${what}: the socket was still open after ${waitMs} ms`);
      await this.#sleep(left);
    }
    return await this.closed;
  }

  /** Closes the socket (1000) if it is open and waits for the close to finish (bounded). */
  async close(): Promise<void> {
    clearInterval(this.#keepAlive);
    if (!this.#isClosed) this.#socket.close(1000, "conformance check done");
    const timer = setTimeout(() => this.#closed.resolve({ code: 1006, reason: "close timed out" }), 2_000);
    await this.closed;
    clearTimeout(timer);
  }

  #throwIfInvalid(): void {
    if (this.#invalid.length > 0) {
      throw new ConformanceFailure(
        `the server sent a frame that breaks schema/protocol.schema.json: ${this.#invalid[0]}`,
      );
    }
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }
}

/** Event types as a failure message lists them: the first and last few. */
export function describeTypes(events: readonly ServerEvent[]): string {
  const list = events.map((e) => e.logged ? `${e.type}#${e.seq}` : e.type);
  return list.length > 12
    ? `${list.slice(0, 6).join(", ")}, ..., ${list.slice(-6).join(", ")}`
    : list.join(", ") || "(nothing)";
}
