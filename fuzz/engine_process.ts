/**
 * Runs `fuzz/engine_server.ts` as a child process and watches it from outside: its stderr for crash
 * signatures, its exit (any exit during the attack is a crash), and its resident memory
 * (`VmRSS` of `/proc/<pid>/status`), so a defect that kills, wedges or bloats the engine is seen even
 * though no single request reports it. Every {@link MEMORY_REPORT_MS} it also asks the engine what its
 * memory is (SIGUSR1: a full GC, then `Deno.memoryUsage()`) and counts its sessions (`GET /metrics`),
 * so a high RSS can be told apart: live heap, external buffers, or pages V8 has not returned.
 *
 * @module
 */
import type { EngineOptions } from "../src/engine/mod.ts";
import { type EngineMemoryLine, type EngineReady, MEMORY_LINE } from "./engine_server.ts";

/** Stderr lines that mean the engine hit a bug, whatever it was doing. */
export const CRASH_SIGNATURES =
  /internal error|uncaught|RangeError|TypeError|ReferenceError|SyntaxError|panicked|Maximum call stack|out of memory|FATAL|Unhandled|stack overflow/i;

/** What the watcher reports while the engine runs. */
export interface EngineWatch {
  /** A stderr line matching {@link CRASH_SIGNATURES}. */
  onCrashLine(line: string): void;
  /** The process exited while the fuzzer still needed it. */
  onExit(code: number, signal: string | null, lastLines: string[]): void;
  /** A new RSS peak above the bound (reported once per run of the engine). */
  onRssOverBound(bytes: number): void;
  /** A memory report (every {@link MEMORY_REPORT_MS} and when asked). */
  onMemory?(sample: EngineMemorySample): void;
}

/** One memory report of the engine; bytes. */
export interface EngineMemorySample extends EngineMemoryLine {
  /** Seconds since this engine started. */
  atS: number;
  /** Sessions by state from `GET /metrics` (-1 when it did not answer). */
  sessionsActive: number;
  sessionsTerminated: number;
}

const SERVER = new URL("./engine_server.ts", import.meta.url);
const START_TIMEOUT_MS = 30_000;
const RSS_SAMPLE_MS = 500;
const STOP_TIMEOUT_MS = 5000;
/** How often the engine is asked for a memory report during a run. */
export const MEMORY_REPORT_MS = 20_000;
const MEMORY_ANSWER_MS = 10_000;

/** Sessions by state, from the engine's Prometheus text. */
async function sessionCounts(url: string): Promise<{ active: number; terminated: number }> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(MEMORY_ANSWER_MS) }))
      .text();
    const count = (state: string) =>
      Number(new RegExp(`^vectorshift_sessions\\{state="${state}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? -1);
    return { active: count("active"), terminated: count("terminated") };
  } catch {
    return { active: -1, terminated: -1 };
  }
}

/**
 * Resident set size of a process in bytes, or undefined when it cannot be read (not Linux, gone).
 * Read through `cat`: Deno lets only `--allow-all` programs read `/proc/<pid>/`, and `deno task fuzz`
 * runs with narrower permissions (`--allow-run` is one of them).
 */
export async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(new TextDecoder().decode(out.stdout));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
    }
    // A line without a newline (a giant stack dump) is still bounded.
    if (buffered.length > 1_000_000) {
      yield buffered;
      buffered = "";
    }
  }
  if (buffered) yield buffered;
}

/** One engine child process. */
export class EngineProcess {
  readonly ready: EngineReady;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #readers: Promise<void>[];
  readonly #lastLines: string[] = [];
  readonly #sampler: ReturnType<typeof setInterval>;
  #peakRss = 0;
  #stopping = false;
  #exited = false;
  #rssReported = false;
  readonly #started = performance.now();
  readonly #memoryTimer: ReturnType<typeof setInterval>;
  /** Waiters for the next `[engine-memory]` line. */
  #memoryWaiters: ((line: EngineMemoryLine | undefined) => void)[] = [];
  readonly #watch: EngineWatch;

  private constructor(
    child: Deno.ChildProcess,
    ready: EngineReady,
    stdoutRest: AsyncGenerator<string>,
    watch: EngineWatch,
    maxRssBytes: number,
  ) {
    this.#child = child;
    this.ready = ready;
    this.#stdin = child.stdin.getWriter();
    this.#watch = watch;
    const stderr = (async () => {
      for await (const line of lines(child.stderr)) {
        if (line.startsWith(MEMORY_LINE)) {
          let report: EngineMemoryLine | undefined;
          try {
            report = JSON.parse(line.slice(MEMORY_LINE.length)) as EngineMemoryLine;
          } catch {
            // A torn line: the waiters get nothing and time out as if it never came.
          }
          if (report) { for (const waiter of this.#memoryWaiters.splice(0)) waiter(report); }
          continue;
        }
        this.#lastLines.push(line);
        if (this.#lastLines.length > 50) this.#lastLines.shift();
        if (CRASH_SIGNATURES.test(line)) watch.onCrashLine(line);
      }
    })();
    const stdout = (async () => {
      for await (const _ of stdoutRest) {
        // The server prints nothing after its ready line; drain whatever comes.
      }
    })();
    this.#readers = [stderr, stdout];
    child.status.then((status) => {
      this.#exited = true;
      if (!this.#stopping) watch.onExit(status.code, status.signal, [...this.#lastLines]);
    });
    this.#sampler = setInterval(async () => {
      if (this.#exited) return;
      const rss = await rssBytes(ready.pid);
      if (rss === undefined) return;
      this.#peakRss = Math.max(this.#peakRss, rss);
      if (rss > maxRssBytes && !this.#rssReported) {
        this.#rssReported = true;
        watch.onRssOverBound(rss);
      }
    }, RSS_SAMPLE_MS);
    this.#memoryTimer = setInterval(() => void this.memory(), MEMORY_REPORT_MS);
  }

  /**
   * Starts an engine with `options` (two keys, short timeouts: see `run.ts`); `v8Flags` are added to
   * its `--v8-flags` (after `--expose-gc`), for memory experiments.
   */
  static async start(
    options: EngineOptions,
    watch: EngineWatch,
    maxRssBytes: number,
    v8Flags: readonly string[] = [],
  ): Promise<EngineProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-net=127.0.0.1",
        // Only the engine's own data directory, when it has one (the standalone engine's SQLite store).
        ...(options.dataDir === undefined
          ? []
          : [`--allow-read=${options.dataDir}`, `--allow-write=${options.dataDir}`]),
        `--v8-flags=${["--expose-gc", ...v8Flags].join(",")}`,
        SERVER.pathname,
        JSON.stringify(options),
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = lines(child.stdout);
    const first = await Promise.race([
      stdout.next(),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), START_TIMEOUT_MS)),
    ]);
    if (first === "timeout" || first.done) {
      try {
        child.kill("SIGKILL");
      } catch {
        // It already exited (a bad option or flag): its stderr says why.
      }
      const errors = await new Response(child.stderr).text().catch(() => "");
      await child.status;
      await child.stdin.close().catch(() => {});
      throw new Error(`The fuzz engine did not start: ${errors.slice(0, 2000)}`);
    }
    const ready = JSON.parse(first.value) as EngineReady;
    return new EngineProcess(child, ready, stdout, watch, maxRssBytes);
  }

  /** Highest RSS sampled so far, in bytes. */
  get peakRss(): number {
    return this.#peakRss;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The last stderr lines, for failure reports. */
  get lastLines(): string[] {
    return [...this.#lastLines];
  }

  /** Takes one more RSS sample now. */
  async sampleRss(): Promise<number> {
    const rss = await rssBytes(this.ready.pid);
    if (rss !== undefined) this.#peakRss = Math.max(this.#peakRss, rss);
    return rss ?? 0;
  }

  /**
   * Asks the engine for a memory report (SIGUSR1) and counts its sessions; undefined when it does not
   * answer (gone, or busy for {@link MEMORY_ANSWER_MS}). Also passed to `onMemory`.
   */
  async memory(): Promise<EngineMemorySample | undefined> {
    if (this.#exited || this.#stopping) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<EngineMemoryLine | undefined>((resolve) => {
      this.#memoryWaiters.push(resolve);
      timer = setTimeout(() => resolve(undefined), MEMORY_ANSWER_MS);
    });
    try {
      this.#child.kill("SIGUSR1");
    } catch {
      return undefined;
    }
    const [line, sessions] = await Promise.all([answer, sessionCounts(this.ready.url)]);
    clearTimeout(timer);
    if (!line) return undefined;
    this.#peakRss = Math.max(this.#peakRss, line.rssBeforeGc, line.rss);
    const sample: EngineMemorySample = {
      atS: Math.round((performance.now() - this.#started) / 100) / 10,
      ...line,
      sessionsActive: sessions.active,
      sessionsTerminated: sessions.terminated,
    };
    this.#watch.onMemory?.(sample);
    return sample;
  }

  /** Stops the engine (SIGTERM, then SIGKILL) and releases every stream. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#sampler);
    clearInterval(this.#memoryTimer);
    for (const waiter of this.#memoryWaiters.splice(0)) waiter(undefined);
    await this.#stdin.close().catch(() => {});
    if (!this.#exited) {
      try {
        this.#child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        try {
          this.#child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        resolve();
      }, STOP_TIMEOUT_MS);
    });
    await Promise.race([this.#child.status, killed]);
    await this.#child.status;
    clearTimeout(timer);
    await Promise.all(this.#readers);
  }
}
