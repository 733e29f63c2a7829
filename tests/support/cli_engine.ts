/**
 * The standalone engine (`src/engine/cli.ts`, what `deno task engine` runs) as a child process, for
 * tests that kill it with SIGKILL or stop it with SIGTERM and start it again on the same data
 * directory.
 *
 * @module
 */

const CLI = new URL("../../src/engine/cli.ts", import.meta.url);
const START_TIMEOUT_MS = 30_000;

/** One run of the standalone engine. */
export class CliEngine {
  /** Base URL it listens on. */
  readonly url: string;
  readonly #child: Deno.ChildProcess;
  readonly #stderr: Promise<string>;
  readonly #stdout: Promise<void>;

  private constructor(child: Deno.ChildProcess, url: string, stdout: Promise<void>) {
    this.#child = child;
    this.url = url;
    this.#stdout = stdout;
    this.#stderr = new Response(child.stderr).text();
  }

  /**
   * Starts the engine with `args` (for example `--data DIR --port 0`) and `VECTORSHIFT_API_KEY` set
   * to `apiKey`; resolves once it prints the URL it listens on.
   */
  static async start(apiKey: string, args: string[]): Promise<CliEngine> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", CLI.pathname, ...args],
      env: { VECTORSHIFT_API_KEY: apiKey, VECTORSHIFT_LOG_FORMAT: "text", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        const drain = (async () => {
          while (!(await lines.read()).done) {
            // Keep reading so the child never blocks on a full pipe.
          }
        })();
        return new CliEngine(child, match[1]!, drain);
      }
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGKILL");
    await child.status;
    await lines.cancel();
    const errors = await new Response(child.stderr).text();
    throw new Error(`The engine did not start (${args.join(" ")}): ${seen}\n${errors.slice(0, 2000)}`);
  }

  /** Its port (to start the next run on the same one). */
  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Kills it at once (no shutdown at all) and waits for the process to end. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#finish();
  }

  /** Asks it to stop (SIGTERM: a draining shutdown); resolves with its exit code and log. */
  async terminate(): Promise<{ code: number; log: string }> {
    this.#child.kill("SIGTERM");
    const { code } = await this.#child.status;
    const log = await this.#stderr;
    await this.#stdout;
    return { code, log };
  }

  async #finish(): Promise<void> {
    await this.#child.status;
    await this.#stderr;
    await this.#stdout;
  }
}
