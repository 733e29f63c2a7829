/**
 * Child process for the capacity and resume benchmarks: runs the engine in its own process, so its RSS
 * and CPU are its own and clients receive its frames over a real process boundary.
 * Usage: `engine_child.ts <tokensPerSecond> <heartbeatIntervalMs> [retainedEvents] [memory|sqlite]` (the
 * store; SQLite in a temp directory removed on exit). Prints one JSON line
 * (`EngineReady`) when listening; on SIGUSR1 runs a full GC (when started with `--expose-gc`) and prints
 * a {@link MemoryReport} line; exits when its stdin closes.
 *
 * @module
 */
import { startEngine } from "../../src/engine/mod.ts";
import { parentGone } from "./child.ts";

/** What the child prints when ready. */
export interface EngineReady {
  /** The engine's base URL. */
  url: string;
  /** Its generated API key. */
  apiKey: string;
  /** The SQLite store's temp directory, for the parent to remove (the child may be killed first). */
  dataDir?: string;
}

/** Memory after a full garbage collection. */
export interface MemoryReport {
  /** Whether a GC could be forced (`--v8-flags=--expose-gc`). */
  gc: boolean;
  /** V8 heap in use, bytes. */
  heapUsed: number;
  /** V8 heap committed (used or free), bytes. */
  heapTotal: number;
  /** Memory of objects outside the V8 heap that V8 knows of (buffers), bytes. */
  external: number;
  /** Resident set size, bytes. */
  rss: number;
}

const MAX_LIFE_MS = 15 * 60_000;

if (import.meta.main) {
  const [tokensPerSecond = "20", heartbeatIntervalMs = "300000", retainedEvents = "10000", store = "memory"] =
    Deno.args;
  if (store !== "memory" && store !== "sqlite") {
    throw new Error(`store must be memory or sqlite, got ${store}`);
  }
  const dataDir = store === "sqlite"
    ? await Deno.makeTempDir({ prefix: "vectorshift-bench-engine-" })
    : undefined;
  const engine = await startEngine({
    ...(dataDir === undefined ? {} : { dataDir }),
    port: 0,
    offlineModel: { tokensPerSecond: Number(tokensPerSecond) },
    // One API key drives thousands of sessions here; the per-key limit is for abuse, not for this load.
    rateLimit: { framesPerSecond: 1_000_000, burst: 1_000_000 },
    maxSocketsPerKey: 1_000_000,
    maxPendingHandshakes: 1_000_000,
    // The raw driver clients do not ping; a long interval keeps the engine from closing them mid-window.
    heartbeatIntervalMs: Number(heartbeatIntervalMs),
    retainedEvents: Number(retainedEvents),
  });
  const ready: EngineReady = {
    url: engine.url,
    apiKey: engine.apiKey,
    ...(dataDir === undefined ? {} : { dataDir }),
  };
  console.log(JSON.stringify(ready));
  Deno.addSignalListener("SIGUSR1", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const memory = Deno.memoryUsage();
    const report: MemoryReport = {
      gc: gc !== undefined,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      rss: memory.rss,
    };
    console.log(JSON.stringify(report));
  });
  await parentGone(MAX_LIFE_MS);
  await engine.close();
  Deno.exit(0);
}
