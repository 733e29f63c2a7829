/**
 * Runs a benchmark helper script in its own Deno process (so its CPU and memory are its own) and reads
 * the JSON lines it prints: the first when it is ready, later ones when asked. The child exits when
 * its stdin closes, so it cannot outlive the benchmark even if the benchmark crashes.
 *
 * @module
 */
import { within } from "./timing.ts";

/** A started helper process. */
export interface ChildProcess<T> {
  /** The process id (the Deno binary itself, so `/proc/<pid>` is the helper's). */
  readonly pid: number;
  /** What the child printed when ready. */
  readonly ready: T;
  /** The next JSON line the child prints, waiting at most `ms`. */
  nextLine<L>(ms: number): Promise<L>;
  /** Sends a signal to the child. */
  signal(signal: Deno.Signal): void;
  /** Asks the child to exit (stdin EOF, then SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

const CONFIG = new URL("../../deno.json", import.meta.url);

/** Splits a text stream into lines. */
class LineReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffered = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(): Promise<string> {
    for (;;) {
      const newline = this.#buffered.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffered.slice(0, newline);
        this.#buffered = this.#buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("The helper process closed its output.");
      this.#buffered += value;
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel().catch(() => {});
  }
}

/**
 * Spawns `deno run -A [denoFlags] <script> <args>` and waits (bounded) for its first stdout line,
 * parsed as JSON.
 */
export async function spawnChild<T>(
  script: URL,
  args: string[] = [],
  denoFlags: string[] = [],
  readyWithinMs = 30_000,
): Promise<ChildProcess<T>> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `--config=${CONFIG.pathname}`, ...denoFlags, script.pathname, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  });
  const child = command.spawn();
  const stdin = child.stdin.getWriter();
  const lines = new LineReader(child.stdout);
  const stop = async () => {
    await stdin.close().catch(() => {});
    const exited = child.status.then(() => true);
    for (const signal of [undefined, "SIGTERM", "SIGKILL"] as const) {
      if (signal) {
        try {
          child.kill(signal);
        } catch {
          // Already gone.
        }
      }
      if (await within(exited, 3_000, "helper exit").catch(() => false)) break;
    }
    await lines.cancel();
  };
  const nextLine = async <L>(ms: number): Promise<L> =>
    JSON.parse(await within(lines.next(), ms, `output of ${script.pathname}`)) as L;
  let ready: T;
  try {
    ready = await nextLine<T>(readyWithinMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, ready, nextLine, signal: (signal) => child.kill(signal), stop };
}

/**
 * For the child side: resolves when stdin reaches EOF (the parent is done or gone), or after
 * `maxLifeMs` at the latest.
 */
export async function parentGone(maxLifeMs: number): Promise<void> {
  const eof = (async () => {
    const buffer = new Uint8Array(64);
    while ((await Deno.stdin.read(buffer)) !== null) { /* parent never writes */ }
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise<void>((resolve) => timer = setTimeout(resolve, maxLifeMs));
  await Promise.race([eof, cap]);
  clearTimeout(timer);
}
