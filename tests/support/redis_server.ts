/**
 * A real `redis-server` (Debian's package) for tests: started on a free loopback port with persistence
 * off, stopped (or killed and restarted on the same port) by the test. When the binary is missing,
 * {@link redisMissing} names it so the tests are skipped with that message; CI installs it and sets
 * `VECTORSHIFT_REQUIRE_REDIS=1`, which turns the skip into a failure.
 *
 * @module
 */

const BINARY = Deno.env.get("REDIS_SERVER") ?? "redis-server";

function available(): boolean {
  try {
    const { success } = new Deno.Command(BINARY, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
    return success;
  } catch {
    return false;
  }
}

const present = available();

/** Why Redis tests cannot run here, or `undefined` when they can. Throws in CI when it is missing. */
export function redisMissing(): string | undefined {
  if (present) return undefined;
  const message =
    `${BINARY} not found: install Debian's redis-server package (apt-get install -y redis-server)`;
  if (Deno.env.get("VECTORSHIFT_REQUIRE_REDIS") === "1") throw new Error(message);
  console.warn(`skipped: ${message}`);
  return message;
}

/** Registers a test that needs Redis; it is ignored (with the message above) when Redis is missing. */
export function redisTest(name: string, fn: () => Promise<void>): void {
  const missing = redisMissing();
  Deno.test({ name: missing ? `${name} (skipped: redis-server missing)` : name, ignore: !!missing, fn });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** One redis-server process. */
export class RedisServer {
  readonly port: number;
  readonly #dataDir: string | undefined;
  #child: Deno.ChildProcess | undefined;

  private constructor(port: number, dataDir: string | undefined) {
    this.port = port;
    this.#dataDir = dataDir;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts a server on a free port and waits until it answers. Persistence is off unless `dataDir`
   * is given: then every write is appended to a file there and fsynced, so a restart keeps the data.
   */
  static async start(options: { dataDir?: string } = {}): Promise<RedisServer> {
    const server = new RedisServer(freePort(), options.dataDir);
    await server.restart();
    return server;
  }

  /** Starts the server (again) on its port (empty without a data directory); resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.#child) await this.kill();
    this.#child = new Deno.Command(BINARY, {
      args: [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        ...(this.#dataDir === undefined
          ? ["--appendonly", "no"]
          : ["--dir", this.#dataDir, "--appendonly", "yes", "--appendfsync", "always"]),
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
        await conn.write(new TextEncoder().encode("PING\r\n"));
        const buffer = new Uint8Array(16);
        const read = await conn.read(buffer);
        conn.close();
        if (read && new TextDecoder().decode(buffer.subarray(0, read)).startsWith("+PONG")) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server did not answer on port ${this.port} within 10 s`);
  }

  /** Kills the server (SIGKILL): its data is gone, as in a crash with persistence off. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child) return;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
  }

  /** Stops the server. */
  stop(): Promise<void> {
    return this.kill();
  }
}
