/**
 * The engine under attack, in its own process so a crash, a hang or a memory blow-up is observed
 * from outside instead of taking the fuzzer down with it. Usage:
 * `engine_server.ts '<EngineOptions as JSON>'`. Prints `{"url", "apiKeys", "pid"}` as one JSON line on
 * stdout when listening, writes every engine log line to stderr, and exits when its stdin closes
 * (the fuzzer is gone) or on SIGTERM. On SIGUSR1 it collects garbage (when started with
 * `--v8-flags=--expose-gc`) and writes one `[engine-memory] {...}` line ({@link EngineMemoryLine}) to
 * stderr, so the fuzzer can tell retained heap from external buffers and from unreturned pages.
 *
 * @module
 */
import { type EngineOptions, startEngine } from "../src/engine/mod.ts";

/** What the server prints when it is ready. */
export interface EngineReady {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  /** The accepted keys, one organisation each. */
  apiKeys: string[];
  /** The engine's process id, for `/proc/<pid>/status`. */
  pid: number;
}

/** The JSON of an `[engine-memory]` stderr line: `Deno.memoryUsage()` in bytes. */
export interface EngineMemoryLine {
  /** Resident set size before the collection. */
  rssBeforeGc: number;
  /** Resident set size after it. */
  rss: number;
  /** Live JS heap after the collection (all of it when `gc` ran). */
  heapUsed: number;
  /** Heap V8 has reserved. */
  heapTotal: number;
  /** Memory outside the heap owned by JS objects (ArrayBuffers, strings' external data). */
  external: number;
  /** Whether a full collection ran (`--expose-gc`). */
  gc: boolean;
  /** How long it took (the engine is paused meanwhile). */
  gcMs: number;
}

/** Prefix of the memory report line on stderr. */
export const MEMORY_LINE = "[engine-memory] ";

/** Writes one {@link EngineMemoryLine} to stderr, after a full collection when `gc` is exposed. */
function reportMemory(encoder: TextEncoder): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const rssBeforeGc = Deno.memoryUsage().rss;
  const started = performance.now();
  gc?.();
  const gcMs = Math.round((performance.now() - started) * 10) / 10;
  const line: EngineMemoryLine = { rssBeforeGc, ...Deno.memoryUsage(), gc: gc !== undefined, gcMs };
  Deno.stderr.writeSync(encoder.encode(`${MEMORY_LINE}${JSON.stringify(line)}\n`));
}

if (import.meta.main) {
  const options = JSON.parse(Deno.args[0] ?? "{}") as EngineOptions;
  const encoder = new TextEncoder();
  // Before the ready line: SIGUSR1's default action would kill the process.
  Deno.addSignalListener("SIGUSR1", () => reportMemory(encoder));
  const engine = await startEngine({
    ...options,
    port: 0,
    hostname: "127.0.0.1",
    log: (line) => Deno.stderr.writeSync(encoder.encode(`[engine] ${line}\n`)),
  });
  const ready: EngineReady = { url: engine.url, apiKeys: [...engine.apiKeys], pid: Deno.pid };
  console.log(JSON.stringify(ready));
  const stop = async () => {
    await engine.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void stop());
  // Stdin closes when the fuzzer exits, however it exits: never outlive it.
  for await (const _ of Deno.stdin.readable) {
    // Nothing is ever sent; reading only detects the close.
  }
  await stop();
}
