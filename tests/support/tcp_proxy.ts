/**
 * A loopback TCP proxy for tests: forwards 127.0.0.1:<port 0> to a target, and can cut every
 * connection abruptly (`killAll`), silently swallow traffic to fake a half-open socket (`blackhole`),
 * or refuse new connections (`refuse`) to exhaust reconnect attempts. Given several targets it
 * spreads new connections over them in turn, like a round-robin load balancer in front of a cluster.
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: use it as the SDK's baseUrl. */
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open right now. */
  readonly open: number;
  /** Closes every open connection at once (both sides), like a network failure. */
  killAll(): void;
  /** While on, bytes in both directions are dropped and connections stay open (half-open sockets). */
  blackhole(on: boolean): void;
  /** While on, new connections are closed right after they are accepted. */
  refuse(on: boolean): void;
  /**
   * Sends new connections to another `http://host:port` (an engine restarted on a new port), or to
   * several in turn (the surviving nodes of a cluster).
   */
  retarget(targetUrl: URL | string | Array<URL | string>): void;
  /** Stops listening and closes everything. */
  close(): Promise<void>;
}

interface Pair {
  client: Deno.Conn;
  server: Deno.Conn;
  closed: boolean;
}

/** Starts a proxy to `targetUrl` (an `http://host:port` URL); resolves once it listens. */
export function startTcpProxy(targetUrl: URL | string | Array<URL | string>): Promise<TcpProxy> {
  let targets = [targetUrl].flat().map((t) => new URL(t));
  let turn = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pairs = new Set<Pair>();
  const tasks = new Set<Promise<void>>();
  let blackholed = false;
  let refusing = false;
  let accepted = 0;
  let stopped = false;

  const track = (task: Promise<void>) => {
    tasks.add(task);
    task.finally(() => tasks.delete(task));
  };

  const closePair = (pair: Pair) => {
    if (pair.closed) return;
    pair.closed = true;
    pairs.delete(pair);
    for (const conn of [pair.client, pair.server]) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  };

  const pump = async (from: Deno.Conn, to: Deno.Conn, pair: Pair) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (!pair.closed) {
        const n = await from.read(buffer);
        if (n === null) break;
        if (blackholed) continue;
        let written = 0;
        while (written < n) written += await to.write(buffer.subarray(written, n));
      }
    } catch {
      // The other side went away, or killAll closed us.
    } finally {
      closePair(pair);
    }
  };

  const serve = async (client: Deno.Conn) => {
    accepted++;
    if (refusing) {
      client.close();
      return;
    }
    let server: Deno.Conn;
    try {
      const target = targets[turn++ % targets.length]!;
      server = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
    } catch {
      client.close();
      return;
    }
    const pair: Pair = { client, server, closed: false };
    pairs.add(pair);
    track(pump(client, server, pair));
    track(pump(server, client, pair));
  };

  track((async () => {
    try {
      for await (const client of listener) {
        if (stopped) {
          client.close();
          break;
        }
        track(serve(client));
      }
    } catch {
      // Listener closed.
    }
  })());

  const { port } = listener.addr as Deno.NetAddr;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    killAll() {
      for (const pair of [...pairs]) closePair(pair);
    },
    blackhole(on: boolean) {
      blackholed = on;
    },
    refuse(on: boolean) {
      refusing = on;
    },
    retarget(targetUrl: URL | string) {
      targets = [targetUrl].flat().map((t) => new URL(t));
    },
    async close() {
      if (stopped) return;
      stopped = true;
      listener.close();
      for (const pair of [...pairs]) closePair(pair);
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  });
}
