/**
 * A loopback TCP proxy (port 0) in front of the engine that can kill every connection abruptly, as a
 * network failure would: no WebSocket close frame, frames in flight lost.
 *
 * @module
 */

interface Pair {
  client: Deno.TcpConn;
  upstream: Deno.TcpConn;
  done: Promise<unknown>;
}

/** A running proxy. */
export class TcpProxy {
  readonly #listener: Deno.TcpListener;
  readonly #target: number;
  readonly #pairs = new Set<Pair>();
  readonly #accepting: Promise<void>;

  private constructor(listener: Deno.TcpListener, targetPort: number) {
    this.#listener = listener;
    this.#target = targetPort;
    this.#accepting = this.#accept();
  }

  /** Starts a proxy to `targetUrl`'s port on 127.0.0.1. */
  static start(targetUrl: string): TcpProxy {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return new TcpProxy(listener, Number(new URL(targetUrl).port));
  }

  /** The proxy's base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.#listener.addr.port}`;
  }

  /** Closes every proxied connection at once, both sides. */
  async killAll(): Promise<void> {
    const pairs = [...this.#pairs];
    for (const pair of pairs) {
      for (const conn of [pair.client, pair.upstream]) {
        try {
          conn.close();
        } catch {
          // Already closed by the other side.
        }
      }
    }
    await Promise.all(pairs.map((p) => p.done));
  }

  /** Kills every connection and stops listening. */
  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    await this.killAll();
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#target });
        const pair: Pair = { client, upstream, done: Promise.resolve() };
        pair.done = Promise.allSettled([
          client.readable.pipeTo(upstream.writable),
          upstream.readable.pipeTo(client.writable),
        ]).finally(() => this.#pairs.delete(pair));
        this.#pairs.add(pair);
      }
    } catch {
      // The listener was closed.
    }
  }
}
