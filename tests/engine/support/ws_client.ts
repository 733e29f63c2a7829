/**
 * A tiny raw-WebSocket test client for the engine protocol (deliberately not the SDK). Every frame
 * received is validated with `validateServerEvent`; an invalid frame fails the next read.
 *
 * @module
 */
import type { ClientFrame, ServerEvent, SessionTarget } from "../../../src/generated/protocol.ts";
import { PROTOCOL_VERSION } from "../../../src/generated/protocol_schema.ts";
import { validateServerEvent } from "../../../src/protocol/validate.ts";

/** One event type's event. */
export type Ev<T extends ServerEvent["type"]> = Extract<ServerEvent, { type: T }>;

/** How a socket closed. */
export interface Closed {
  code: number;
  reason: string;
}

const DEFAULT_WAIT_MS = 10_000;

/** A protocol client over one socket. */
export class TestClient {
  readonly #socket: WebSocket;
  /** Every valid event received, in order. */
  readonly events: ServerEvent[] = [];
  readonly #invalid: string[] = [];
  #cursor = 0;
  #wake: (() => void) | undefined;
  readonly #closed = Promise.withResolvers<Closed>();
  #isClosed = false;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      let value: unknown;
      try {
        value = JSON.parse(String(event.data));
      } catch {
        this.#invalid.push(`not JSON: ${String(event.data).slice(0, 200)}`);
      }
      const result = validateServerEvent(value);
      if (result.ok) this.events.push(result.value);
      else this.#invalid.push(result.error);
      this.#wake?.();
    };
    socket.onclose = (event) => {
      this.#isClosed = true;
      this.#closed.resolve({ code: event.code, reason: event.reason });
      this.#wake?.();
    };
    socket.onerror = () => {};
  }

  /** Opens a socket to the engine's WebSocket endpoint. */
  static async open(baseUrl: string): Promise<TestClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/v1/sessions/ws`);
    const client = new TestClient(socket);
    const opened = Promise.withResolvers<void>();
    socket.onopen = () => opened.resolve();
    socket.addEventListener("close", () => opened.reject(new Error("socket closed before opening")));
    await opened.promise;
    return client;
  }

  /** Opens a socket and completes the handshake; returns the client and its `session_connected`. */
  static async connect(
    baseUrl: string,
    apiKey: string,
    target: SessionTarget,
  ): Promise<{ client: TestClient; connected: Ev<"session_connected"> }> {
    const client = await TestClient.open(baseUrl);
    client.send({ type: "hello", protocol_version: PROTOCOL_VERSION, api_key: apiKey, target });
    const connected = await client.next("session_connected");
    return { client, connected };
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
    this.#socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Posts a text message. */
  post(postId: string, text: string): void {
    this.send({ type: "post", message: { post_id: postId, content: { kind: "text", text } } });
  }

  /** Waits for the next event (of `type`, skipping others); throws on close, timeout or invalid frame. */
  async next<T extends ServerEvent["type"]>(type?: T, waitMs = DEFAULT_WAIT_MS): Promise<Ev<T>> {
    const found = await this.until((e) => type === undefined || e.type === type, waitMs);
    return found.at(-1) as Ev<T>;
  }

  /** Reads events until one matches; returns every event read, the match last. */
  async until(match: (event: ServerEvent) => boolean, waitMs = DEFAULT_WAIT_MS): Promise<ServerEvent[]> {
    const read: ServerEvent[] = [];
    const deadline = performance.now() + waitMs;
    while (true) {
      if (this.#invalid.length > 0) {
        throw new Error(`Invalid frame from the engine: ${this.#invalid.join("; ")}`);
      }
      const event = this.events[this.#cursor];
      if (event) {
        this.#cursor++;
        read.push(event);
        if (match(event)) return read;
        continue;
      }
      if (this.#isClosed) {
        const { code, reason } = await this.closed;
        throw new Error(`Socket closed (${code} ${reason}) before the expected event; read: ${types(read)}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`Timed out waiting for an event; read: ${types(read)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Events received but not yet read. */
  drain(): ServerEvent[] {
    const rest = this.events.slice(this.#cursor);
    this.#cursor = this.events.length;
    if (this.#invalid.length > 0) {
      throw new Error(`Invalid frame from the engine: ${this.#invalid.join("; ")}`);
    }
    return rest;
  }

  /** Closes the socket (1000) and waits for the close to finish. */
  async close(): Promise<Closed> {
    if (!this.#isClosed) this.#socket.close(1000, "test done");
    return await this.closed;
  }
}

function types(events: ServerEvent[]): string {
  const list = events.map((e) => e.type);
  return list.length > 12
    ? `${list.slice(0, 6).join(",")},…,${list.slice(-6).join(",")}`
    : list.join(",") || "(none)";
}
