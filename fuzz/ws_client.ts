/**
 * A WebSocket client for attacking: sends anything (text, binary, megabytes), records every server
 * frame and how the socket closed, and waits for a frame or the close with a deadline, so no attack
 * can hang the fuzzer. It deliberately does not use the SDK: the SDK validates and retries, which
 * would hide what the engine really did.
 *
 * @module
 */

/** A server frame as received (parsed JSON, or the raw text when it was not JSON). */
export interface Received {
  value: unknown;
  raw: string;
  at: number;
}

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** True when this side started the close. */
  byUs: boolean;
  at: number;
}

interface Waiter {
  match(frame: Received): boolean;
  resolve(result: Received | "closed" | "timeout"): void;
}

/** One attacking socket. */
export class FuzzSocket {
  readonly #socket: WebSocket;
  readonly #closed = Promise.withResolvers<CloseInfo>();
  #received: Received[] = [];
  #waiters = new Set<Waiter>();
  #close: CloseInfo | undefined;
  #byUs = false;
  readonly openedAt = performance.now();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      const raw = typeof event.data === "string" ? event.data : `<binary ${String(event.data)}>`;
      let value: unknown = undefined;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      const frame = { value, raw, at: performance.now() };
      this.#received.push(frame);
      if (this.#received.length > 100_000) this.#received.splice(0, 50_000);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(frame)) {
          this.#waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      this.#close = { code: event.code, reason: event.reason, byUs: this.#byUs, at: performance.now() };
      for (const waiter of this.#waiters) waiter.resolve("closed");
      this.#waiters.clear();
      this.#closed.resolve(this.#close);
    };
  }

  /** Opens a socket; rejects when it does not open within `timeoutMs`. */
  static open(url: string, timeoutMs: number): Promise<FuzzSocket> {
    const socket = new WebSocket(url);
    const fuzz = new FuzzSocket(socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fuzz.abort();
        reject(new Error(`WebSocket did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(fuzz);
      };
      fuzz.closed.then((info) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket closed while opening (${info.code})`));
      });
    });
  }

  /** Resolves when the socket has closed, from either side. */
  get closed(): Promise<CloseInfo> {
    return this.#closed.promise;
  }

  /** The close, once it happened. */
  get closeInfo(): CloseInfo | undefined {
    return this.#close;
  }

  /** Whether frames can still be sent. */
  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Sends a frame; false when the socket is no longer open (or refused the data). */
  send(data: string | Uint8Array<ArrayBuffer>): boolean {
    if (!this.isOpen) return false;
    try {
      this.#socket.send(data);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a JSON frame. */
  sendJson(value: unknown): boolean {
    return this.send(JSON.stringify(value));
  }

  /** Takes every frame received since the last call. */
  take(): Received[] {
    const out = this.#received;
    this.#received = [];
    return out;
  }

  /** Frames received and not yet taken. */
  peek(): readonly Received[] {
    return this.#received;
  }

  /** The first frame (already received or coming) that `match`es, the close, or the deadline. */
  waitFor(match: (frame: Received) => boolean, timeoutMs: number): Promise<Received | "closed" | "timeout"> {
    const found = this.#received.find(match);
    if (found) return Promise.resolve(found);
    if (this.#close) return Promise.resolve("closed");
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve("timeout");
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Waits for the close, at most `timeoutMs`; undefined when the socket is still open then. */
  async waitClosed(timeoutMs: number): Promise<CloseInfo | undefined> {
    if (this.#close) return this.#close;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      this.closed,
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), timeoutMs)),
    ]);
    clearTimeout(timer);
    return result;
  }

  /** Starts a normal close from this side (no-op once closing). */
  abort(code = 1000): void {
    if (this.#close) return;
    this.#byUs = true;
    try {
      this.#socket.close(code, "fuzzer done");
    } catch {
      // Already closing.
    }
  }

  /** Closes from this side and waits for the socket to be released (bounded). */
  async dispose(timeoutMs = 5000): Promise<void> {
    this.abort();
    await this.waitClosed(timeoutMs);
  }
}

/** The `type` field of a parsed server frame, if any. */
export function frameType(frame: Received): string | undefined {
  const v = frame.value;
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string"
    ? (v as { type: string }).type
    : undefined;
}

/** The `data` object of a parsed server frame, or an empty one. */
export function frameData(frame: Received): Record<string, unknown> {
  const v = frame.value as { data?: unknown } | undefined;
  return typeof v?.data === "object" && v.data !== null ? v.data as Record<string, unknown> : {};
}
