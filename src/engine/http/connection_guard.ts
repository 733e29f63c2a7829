/**
 * HTTP connection timeouts. `Deno.serve` has no header, body or keep-alive timeout
 * (denoland/deno#3515): a client that opens a connection and sends nothing, trickles its headers or
 * body, or keeps an idle keep-alive connection, holds a descriptor forever. So the engine accepts TCP
 * connections itself and relays each one to its HTTP server on an internal loopback port, closing a
 * connection that has sent part of a request without getting an answer for `timeoutMs`, or that has
 * been silent both ways for `timeoutMs`. A connection the server upgraded to a WebSocket (it answered
 * `101`) is exempt: the protocol's own handshake and heartbeat timeouts cover it.
 *
 * The relay costs one loopback hop and two small buffers (2 to 64 KiB) per open connection; an operator whose
 * reverse proxy already enforces these timeouts turns it off with `httpIdleTimeoutMs: 0`.
 *
 * @module
 */

/**
 * Relay buffers start small and double (up to the maximum) whenever a read fills them, so an idle or
 * slowly streaming connection holds a few KiB and a busy one reads in large chunks.
 */
const MIN_RELAY_BUFFER_BYTES = 2 * 1024;
const MAX_RELAY_BUFFER_BYTES = 64 * 1024;

/** One relayed connection's timing. */
interface Relayed {
  client: Deno.TcpConn;
  upstream: Deno.TcpConn | undefined;
  /** Last time bytes moved either way. */
  lastActivity: number;
  /** Since when the client has sent bytes without any answer; undefined when nothing is pending. */
  awaitingSince: number | undefined;
  upgraded: boolean;
  closed: boolean;
}

/** Options of {@link ConnectionGuard.start}. */
export interface GuardOptions {
  /** Interface and port clients connect to. */
  hostname: string;
  port: number;
  /** The HTTP server's internal loopback port. */
  upstreamPort: number;
  /** Longest a request may take to arrive, and a connection may sit idle. */
  timeoutMs: number;
  /** Receives a line per closed-for-timeout connection batch. */
  log: (line: string) => void;
}

/** Accepts connections and relays them to the HTTP server, enforcing the timeouts. */
export class ConnectionGuard {
  readonly #listener: Deno.TcpListener;
  readonly #options: GuardOptions;
  readonly #open = new Set<Relayed>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  readonly #accepting: Promise<void>;
  #timedOut = 0;

  private constructor(listener: Deno.TcpListener, options: GuardOptions) {
    this.#listener = listener;
    this.#options = options;
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(1000, options.timeoutMs / 4)));
    this.#accepting = this.#accept();
  }

  /** Starts listening on `hostname:port`. */
  static start(options: GuardOptions): ConnectionGuard {
    const listener = Deno.listen({ hostname: options.hostname, port: options.port, transport: "tcp" });
    return new ConnectionGuard(listener, options);
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Connections open now. */
  get open(): number {
    return this.#open.size;
  }

  /** Connections closed for a timeout since start. */
  get timedOut(): number {
    return this.#timedOut;
  }

  /** Stops accepting and closes every relayed connection. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await this.#accepting;
    for (const relayed of this.#open) this.#end(relayed);
  }

  async #accept(): Promise<void> {
    while (true) {
      let client: Deno.TcpConn;
      try {
        client = await this.#listener.accept();
      } catch {
        return; // listener closed
      }
      this.#relay(client);
    }
  }

  async #relay(client: Deno.TcpConn): Promise<void> {
    const relayed: Relayed = {
      client,
      upstream: undefined,
      lastActivity: performance.now(),
      awaitingSince: undefined,
      upgraded: false,
      closed: false,
    };
    this.#open.add(relayed);
    try {
      relayed.upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#options.upstreamPort });
      // Small frames go out at once both ways: with Nagle's algorithm and delayed ACKs each relayed
      // event could wait 40 ms.
      client.setNoDelay(true);
      relayed.upstream.setNoDelay(true);
    } catch {
      this.#end(relayed);
      return;
    }
    if (relayed.closed) {
      this.#end(relayed);
      return;
    }
    const upstream = relayed.upstream;
    const toServer = pump(client, upstream, () => {
      relayed.lastActivity = performance.now();
      if (!relayed.upgraded) relayed.awaitingSince ??= relayed.lastActivity;
    }).then(() => {
      // The client finished sending; the answer may still be on its way.
      upstream.closeWrite().catch(() => this.#end(relayed));
    });
    const toClient = pump(upstream, client, (chunk) => {
      relayed.lastActivity = performance.now();
      relayed.awaitingSince = undefined;
      if (!relayed.upgraded && isSwitchingProtocols(chunk)) relayed.upgraded = true;
    });
    await toClient;
    this.#end(relayed);
    await toServer;
  }

  #sweep(): void {
    const now = performance.now();
    const limit = this.#options.timeoutMs;
    let closed = 0;
    for (const relayed of this.#open) {
      if (relayed.upgraded) continue;
      const since = relayed.awaitingSince ?? relayed.lastActivity;
      if (now - since > limit) {
        this.#end(relayed);
        closed++;
      }
    }
    if (closed > 0) {
      this.#timedOut += closed;
      this.#options.log(
        `http: closed ${closed} connection(s) idle or sending a request for over ${limit} ms`,
      );
    }
  }

  #end(relayed: Relayed): void {
    if (!this.#open.delete(relayed)) return;
    relayed.closed = true;
    for (const conn of [relayed.client, relayed.upstream]) {
      try {
        conn?.close();
      } catch {
        // Already closed.
      }
    }
  }
}

/** Whether a response chunk starts with a `101 Switching Protocols` status line. */
function isSwitchingProtocols(chunk: Uint8Array): boolean {
  // "HTTP/1.1 101"
  return chunk.length >= 12 && chunk[9] === 0x31 && chunk[10] === 0x30 && chunk[11] === 0x31 &&
    chunk[0] === 0x48;
}

/** Copies `from` to `to` until either side ends; `seen` observes each chunk before it is written. */
async function pump(from: Deno.Conn, to: Deno.Conn, seen: (chunk: Uint8Array) => void): Promise<void> {
  let buffer = new Uint8Array(MIN_RELAY_BUFFER_BYTES);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) return;
      const chunk = buffer.subarray(0, n);
      seen(chunk);
      let written = 0;
      while (written < n) written += await to.write(chunk.subarray(written));
      if (n === buffer.length && buffer.length < MAX_RELAY_BUFFER_BYTES) {
        buffer = new Uint8Array(buffer.length * 2);
      }
    }
  } catch {
    // Either side went away; the caller closes both.
  }
}
