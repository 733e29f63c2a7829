/**
 * Measurement 7, the cost of durability: the same engine in process, once on the in-memory store and
 * once on the SQLite store (a file in a temp directory, WAL, batched commits), measured side by side
 * in one run through the public SDK:
 *
 * - streaming throughput: one session's essays from the simulator at an unlimited token rate, events
 *   yielded by `listen()` per second (every event is committed before it is sent);
 * - time to first delta: `send()` to the first `message_delta`, p50 / p99;
 * - commit latency: each `appendEvents` call of the store (a batch of one session's events), p50 / p99.
 *
 * @module
 */
import { startEngineWithStore } from "../src/engine/engine.ts";
import { MemoryStore } from "../src/engine/store/memory_store.ts";
import { SqliteStore } from "../src/engine/store/sqlite_store.ts";
import type { EngineStore } from "../src/engine/store/store.ts";
import { essayAgent, timeFirstDeltas } from "./support/engine_setup.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { round, roundSummary, summarize, type Summary } from "./support/stats.ts";
import { deadline } from "./support/timing.ts";

/** Sizes of the durability measurement. */
export interface DurabilityConfig {
  /** Essays streamed for the throughput figure (about 1,600 deltas each). */
  essays: number;
  /** Turns timed from `send()` to their first delta. */
  firstDeltas: number;
}

/** The throughput ratio the issue asks of the SQLite store against the in-memory one. */
const TARGET_RATIO = 0.8;
const STORE_LIMIT_MS = 120_000;

interface StoreFigures {
  eventsPerSecond: number;
  events: number;
  firstDeltaMs: Summary;
  commitMs: Summary;
  commits: number;
}

/** Wraps a store so every `appendEvents` call is timed; everything else passes through. */
function timed(store: EngineStore, commits: number[]): EngineStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "appendEvents") {
        return async (...args: Parameters<EngineStore["appendEvents"]>) => {
          const started = performance.now();
          await target.appendEvents(...args);
          commits.push(performance.now() - started);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function measureStore(store: EngineStore, config: DurabilityConfig): Promise<StoreFigures> {
  const commits: number[] = [];
  const signal = deadline(STORE_LIMIT_MS, "durability measurement");
  await using engine = await startEngineWithStore(
    {
      port: 0,
      offlineModel: { tokensPerSecond: 0 },
      rateLimit: { framesPerSecond: 100_000, burst: 100_000 },
    },
    timed(store, commits),
  );
  const agent = await essayAgent(engine, "Durability bench essayist");
  await using session = await agent.createSession();
  await session.connect({ signal });

  // Warm-up turn (JIT, SQLite page cache), not counted.
  await session.send("Go ahead.", { signal });
  for await (const event of session.listen({ signal, maxSize: 0 })) if (event.isComplete) break;
  commits.length = 0;

  let events = 0;
  const started = performance.now();
  for (let essay = 0; essay < config.essays; essay++) {
    await session.send("Another essay, please.", { signal });
    for await (const event of session.listen({ signal, maxSize: 0 })) {
      events++;
      if (event.isComplete) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const commitMs = summarize(commits);
  const commitCount = commits.length;

  const firstDeltas = await timeFirstDeltas(session, config.firstDeltas, signal);
  return {
    eventsPerSecond: events / seconds,
    events,
    firstDeltaMs: summarize(firstDeltas),
    commitMs,
    commits: commitCount,
  };
}

/** Runs the durability measurement: in-memory store against the SQLite file store. */
export async function measureDurability(config: DurabilityConfig): Promise<MeasurementResult> {
  const memory = await measureStore(new MemoryStore(), config);
  const dir = await Deno.makeTempDir({ prefix: "vectorshift-bench-" });
  let sqlite: StoreFigures;
  const store = SqliteStore.open(`${dir}/engine.sqlite3`);
  try {
    sqlite = await measureStore(store, config);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
  const ratio = sqlite.eventsPerSecond / memory.eventsPerSecond;
  const pair = (m: number, s: number, unit: (v: number) => string) => `memory ${unit(m)}; SQLite ${unit(s)}`;
  const perSecond = (v: number) => `${fmt(v)} events/s`;
  return {
    id: "durability",
    title: "7. Durability",
    rows: [
      {
        figure: `streaming throughput, one session, ${config.essays} essays through listen()`,
        value: `${pair(memory.eventsPerSecond, sqlite.eventsPerSecond, perSecond)}; ${
          round(ratio, 2)
        }× memory`,
        target: { text: `SQLite ≥ ${TARGET_RATIO}× memory`, met: ratio >= TARGET_RATIO },
      },
      {
        figure: "time to first delta, send() → first message_delta (p50 / p99)",
        value: `memory ${ms(memory.firstDeltaMs.p50)} / ${ms(memory.firstDeltaMs.p99)}; SQLite ${
          ms(sqlite.firstDeltaMs.p50)
        } / ${ms(sqlite.firstDeltaMs.p99)}`,
      },
      {
        figure: "store commit of one batch of events (p50 / p99)",
        value: `memory ${ms(memory.commitMs.p50)} / ${ms(memory.commitMs.p99)}; SQLite ${
          ms(sqlite.commitMs.p50)
        } / ${ms(sqlite.commitMs.p99)} (${
          fmt(sqlite.events / Math.max(1, sqlite.commits), 1)
        } events per SQLite commit)`,
      },
    ],
    figures: {
      essays: config.essays,
      first_delta_turns: config.firstDeltas,
      memory: figuresOf(memory),
      sqlite: figuresOf(sqlite),
      sqlite_to_memory_throughput: round(ratio, 3),
    },
    notes: [
      "Durability: engine and SDK in one process, the simulator at an unlimited token rate; the SQLite store is a " +
      "file in a temp directory (WAL, synchronous=NORMAL: a committed batch survives a process crash). Every " +
      "logged event is sent only after its batch committed. One warm-up essay per store is excluded.",
    ],
  };
}

function figuresOf(figures: StoreFigures): Record<string, unknown> {
  return {
    events_per_second: round(figures.eventsPerSecond, 0),
    events: figures.events,
    first_delta_ms: roundSummary(figures.firstDeltaMs, 3),
    commit_ms: roundSummary(figures.commitMs, 4),
    commits: figures.commits,
  };
}
