/**
 * Store commit micro-benchmark: `appendEvents` as the engine calls it (one call per streamed token,
 * never awaited before the next), on the SQLite store (a file in a temp dir, WAL, group commit) and
 * on the memory store, side by side in the same run.
 *
 * - Burst: `events` appends spread round-robin over `sessions` sessions, yielding a macrotask every
 *   `chunk` calls (tokens arrive from many timer and socket callbacks, not one loop); throughput is
 *   events until the last append resolved, and latency is call → resolve of each append under load.
 * - Paced: `pacedPerMs` appends every millisecond (about what 100 sessions at 20 tokens/s offer, ×)
 *   until `pacedSamples`; commit latency call → resolve, p50/p99.
 *
 * Not part of `deno task test`. Run alone with `deno run -A bench/store_commit.ts [--quick]`; every
 * loop is bounded in count and time.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { makeEvent } from "../src/engine/events.ts";
import { MemoryStore } from "../src/engine/store/memory_store.ts";
import { SqliteStore } from "../src/engine/store/sqlite_store.ts";
import type { EngineStore } from "../src/engine/store/store.ts";
import { fmt, markdownTable, type MeasurementResult, ms } from "./support/report.ts";
import { round, roundSummary, summarize, type Summary } from "./support/stats.ts";
import { sleep } from "./support/timing.ts";

/** Sizes of the store commit measurement. */
export interface StoreCommitConfig {
  /** Appends in one burst. */
  events: number;
  /** Sessions the burst is spread over. */
  sessions: number;
  /** Calls between yields to the event loop during a burst. */
  chunk: number;
  /** Bursts per store (alternating stores); the best throughput and all latencies are kept. */
  rounds: number;
  /** Appends of the paced run. */
  pacedSamples: number;
  /** Appends per millisecond in the paced run. */
  pacedPerMs: number;
}

/** Events kept per session, as the engine's default `retainedEvents`. */
const RETAIN = 10_000;
/** Longest one burst or paced run may take. */
const STEP_LIMIT_MS = 60_000;

interface StoreFigures {
  /** Best burst throughput (events/s). */
  eventsPerSecond: number;
  /** Burst events per second of this process's CPU time (user + system), the best round. */
  eventsPerCpuSecond: number;
  /** Call → resolve under the burst (ms). */
  burstLatency: Summary;
  /** Call → resolve when paced (ms). */
  pacedLatency: Summary;
}

function delta(sessionId: string, seq: number) {
  return makeEvent("message_delta", { seq, logged: true, session_id: sessionId, message_id: "msg_bench" }, {
    delta: " token",
    index: seq,
  });
}

/** Heads per session across rounds, so every round continues each log. */
class Heads {
  readonly #heads: number[];
  constructor(sessions: number) {
    this.#heads = new Array<number>(sessions).fill(0);
  }
  next(session: number): number {
    const seq = (this.#heads[session] ?? 0) + 1;
    this.#heads[session] = seq;
    return seq;
  }
}

async function burst(
  store: EngineStore,
  heads: Heads,
  config: StoreCommitConfig,
  latencies: number[],
): Promise<{ rate: number; cpuRate: number }> {
  const started = performance.now();
  const cpu0 = cpuUsage();
  const end = started + STEP_LIMIT_MS;
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < config.events; i++) {
    const session = i % config.sessions;
    const sessionId = `ses_${session}`;
    const t0 = performance.now();
    last = store.appendEvents(sessionId, [delta(sessionId, heads.next(session))], RETAIN);
    last.then(() => latencies.push(performance.now() - t0));
    if (i % config.chunk === config.chunk - 1) {
      await sleep(0);
      if (performance.now() > end) throw new Error(`Store burst exceeded ${STEP_LIMIT_MS} ms.`);
    }
  }
  await last;
  // Let the last `then` callbacks record their latencies.
  await sleep(0);
  const cpu = cpuUsage(cpu0);
  return {
    rate: config.events / ((performance.now() - started) / 1000),
    cpuRate: config.events / ((cpu.user + cpu.system) / 1e6),
  };
}

async function paced(store: EngineStore, heads: Heads, config: StoreCommitConfig): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + STEP_LIMIT_MS;
  let sent = 0;
  let last: Promise<void> = Promise.resolve();
  while (sent < config.pacedSamples && performance.now() < end) {
    for (let k = 0; k < config.pacedPerMs && sent < config.pacedSamples; k++, sent++) {
      const session = sent % config.sessions;
      const sessionId = `ses_${session}`;
      const t0 = performance.now();
      last = store.appendEvents(sessionId, [delta(sessionId, heads.next(session))], RETAIN);
      last.then(() => latencies.push(performance.now() - t0));
    }
    await sleep(1);
  }
  await last;
  await sleep(0);
  return latencies;
}

/** Runs the store commit measurement. */
export async function measureStoreCommit(config: StoreCommitConfig): Promise<MeasurementResult> {
  const dir = await Deno.makeTempDir({ prefix: "bench_store_commit_" });
  const path = `${dir}/bench.db`;
  const stores: Record<"sqlite" | "memory", EngineStore> = {
    sqlite: SqliteStore.open(path),
    memory: new MemoryStore(),
  };
  const figures: Partial<Record<"sqlite" | "memory", StoreFigures>> = {};
  let fileBytes = 0;
  try {
    const heads = { sqlite: new Heads(config.sessions), memory: new Heads(config.sessions) };
    const best = { sqlite: 0, memory: 0 };
    const bestCpu = { sqlite: 0, memory: 0 };
    const burstLatencies = { sqlite: [] as number[], memory: [] as number[] };
    // A warm-up burst each (JIT, statement preparation, file growth), then alternating rounds.
    const warm = { ...config, events: Math.min(config.events, 5_000) };
    for (const name of ["sqlite", "memory"] as const) await burst(stores[name], heads[name], warm, []);
    for (let round = 0; round < config.rounds; round++) {
      for (const name of ["sqlite", "memory"] as const) {
        const { rate, cpuRate } = await burst(stores[name], heads[name], config, burstLatencies[name]);
        best[name] = Math.max(best[name], rate);
        bestCpu[name] = Math.max(bestCpu[name], cpuRate);
      }
    }
    for (const name of ["sqlite", "memory"] as const) {
      const pacedLatencies = await paced(stores[name], heads[name], config);
      figures[name] = {
        eventsPerSecond: best[name],
        eventsPerCpuSecond: bestCpu[name],
        burstLatency: summarize(burstLatencies[name]),
        pacedLatency: summarize(pacedLatencies),
      };
    }
  } finally {
    await stores.sqlite.close();
    await stores.memory.close();
    for (const suffix of ["", "-wal"]) {
      fileBytes += (await Deno.stat(path + suffix).catch(() => ({ size: 0 }))).size;
    }
    await Deno.remove(dir, { recursive: true });
  }
  const sqlite = figures.sqlite;
  const memory = figures.memory;
  if (!sqlite || !memory) throw new Error("The store commit measurement did not finish.");
  const rows = [
    { figure: "appendEvents throughput, SQLite file", value: `${fmt(sqlite.eventsPerSecond)} events/s` },
    { figure: "appendEvents throughput, memory", value: `${fmt(memory.eventsPerSecond)} events/s` },
    {
      figure: "events per CPU second (user + sys), SQLite / memory",
      value: `${fmt(sqlite.eventsPerCpuSecond)} / ${fmt(memory.eventsPerCpuSecond)}`,
    },
    {
      figure: "commit latency under burst p50 / p99, SQLite",
      value: `${ms(sqlite.burstLatency.p50)} / ${ms(sqlite.burstLatency.p99)}`,
    },
    {
      figure: "commit latency under burst p50 / p99, memory",
      value: `${ms(memory.burstLatency.p50)} / ${ms(memory.burstLatency.p99)}`,
    },
    {
      figure: `commit latency paced (${config.pacedPerMs}/ms) p50 / p99, SQLite`,
      value: `${ms(sqlite.pacedLatency.p50)} / ${ms(sqlite.pacedLatency.p99)}`,
    },
    {
      figure: `commit latency paced (${config.pacedPerMs}/ms) p50 / p99, memory`,
      value: `${ms(memory.pacedLatency.p50)} / ${ms(memory.pacedLatency.p99)}`,
    },
  ];
  const summaryOf = (f: StoreFigures) => ({
    events_per_second: round(f.eventsPerSecond, 0),
    events_per_cpu_second: round(f.eventsPerCpuSecond, 0),
    burst_latency_ms: roundSummary(f.burstLatency),
    paced_latency_ms: roundSummary(f.pacedLatency),
  });
  return {
    id: "store_commit",
    title: "Store commit",
    rows,
    figures: {
      config: { ...config, retain: RETAIN },
      sqlite: { ...summaryOf(sqlite), file_bytes_at_end: fileBytes },
      memory: summaryOf(memory),
      sqlite_to_memory_throughput: round(sqlite.eventsPerSecond / memory.eventsPerSecond, 3),
    },
    notes: [
      `Store commit: ${fmt(config.events)} one-event appends per burst over ${config.sessions} sessions, ` +
      `a macrotask yield every ${config.chunk} calls, best of ${config.rounds} alternating rounds; paced: ` +
      `${
        fmt(config.pacedSamples)
      } appends at ${config.pacedPerMs}/ms. SQLite is a file in a temp dir (WAL, ` +
      `synchronous=NORMAL, one transaction per tick); latency is call → promise resolved. Events per CPU ` +
      `second (this process's user + system time) is the steadier figure on a shared machine.`,
    ],
  };
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const result = await measureStoreCommit(
    quick
      ? { events: 20_000, sessions: 50, chunk: 100, rounds: 2, pacedSamples: 1_000, pacedPerMs: 2 }
      : { events: 100_000, sessions: 100, chunk: 100, rounds: 3, pacedSamples: 5_000, pacedPerMs: 2 },
  );
  console.log(markdownTable([result]));
  console.log(JSON.stringify(result.figures, null, 2));
}
