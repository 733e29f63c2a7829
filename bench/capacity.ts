/**
 * Measurement 5, engine capacity: one engine in its own process (so its RSS and CPU are its own),
 * K sessions each streaming an essay from the offline simulator at a modest token rate, driven by raw
 * protocol sockets from this process (cheaper than the SDK, so the client is not the bottleneck).
 * For each store (in memory, and SQLite, the durable default) and each K: engine RSS and JS heap
 * before, with K idle sessions attached, and while streaming; aggregate deltas/s received in a
 * bounded window; p99 delta latency as client receive time (`Date.now()`) minus the event's `ts`
 * (engine time, ms resolution, same machine clock). How each cost grows with K is drawn in
 * `bench/results/capacity.svg`.
 *
 * @module
 */
import { capacityPlot } from "./support/plot.ts";
import { type ChildProcess, spawnChild } from "./support/child.ts";
import { essayAgent, readMetric } from "./support/engine_setup.ts";
import type { EngineReady, MemoryReport } from "./support/engine_child.ts";
import { cpuSeconds, openFileLimit, rssBytes } from "./support/proc.ts";
import type { RawSession } from "./support/raw_client.ts";
import { fmt, type MeasurementResult, ms, type Row } from "./support/report.ts";
import { round, roundSummary, summarize } from "./support/stats.ts";
import { closeAll, openSessions, Tally } from "./support/session_driver.ts";
import { sleep } from "./support/timing.ts";

/** Sizes of the capacity measurement. */
export interface CapacityConfig {
  /** Concurrent session counts to try, in order. */
  sessions: number[];
  /** Measurement window per K. */
  windowMs: number;
  /** Wait between posting and measuring, so every session is streaming. */
  settleMs: number;
  /** Simulator tokens per second per session. */
  tokensPerSecond: number;
  /** Stores to measure, side by side. */
  stores: Store[];
  /** Where to write the growth plot (SVG); none when undefined. */
  plotFile?: URL;
}

/** An engine store. */
export type Store = "memory" | "sqlite";

/** The targets: 10,000 streaming sessions, every offered delta, p99 < 250 ms, 50 KB / 10 KB each. */
const TARGET_SESSIONS = 10_000;
const TARGET_RSS_PER_SESSION = 50 * 1024;
const TARGET_RSS_PER_IDLE_SESSION = 10 * 1024;
const TARGET_P99_MS = 250;
/** "All offered deltas delivered", allowing for the window's edges. */
const TARGET_DELIVERED = 0.98;

/** The figures of one K. */
export interface LevelResult {
  store: Store;
  requested: number;
  reached: number;
  openFailures: number;
  firstOpenError: string | undefined;
  openSeconds: number;
  base: MemoryReport;
  attached: MemoryReport;
  streaming: MemoryReport;
  rssPeak: number;
  deltasPerSecond: number;
  offeredPerSecond: number;
  engineSentPerSecond: number;
  engineCpu: number;
  benchCpu: number;
  latency: ReturnType<typeof summarize>;
}

/**
 * How long the engine may take to answer a memory request. A saturated engine (K=5,000 offers 100,000
 * deltas/s to two cores) runs the signal handler only after the event-loop work already queued, and a
 * full GC of a heap with 5,000 sessions takes seconds; 10 s was too short for that and failed the K.
 */
const MEMORY_REPORT_LIMIT_MS = 60_000;

/** How long a streaming engine gets to answer before its memory is read without its help. */
const SATURATED_REPORT_LIMIT_MS = 20_000;

/** Forces a full GC in the engine and reads its memory (garbage would otherwise blur per-session figures). */
async function memoryAfterGc(
  engine: ChildProcess<EngineReady>,
  limitMs = MEMORY_REPORT_LIMIT_MS,
): Promise<MemoryReport> {
  engine.signal("SIGUSR1");
  const report = await engine.nextLine<MemoryReport>(limitMs);
  return { ...report, rss: await rssBytes(engine.pid) };
}

async function level(store: Store, k: number, config: CapacityConfig): Promise<LevelResult> {
  const engine = await spawnChild<EngineReady>(
    new URL("./support/engine_child.ts", import.meta.url),
    [String(config.tokensPerSecond), String(10 * 60_000), "10000", store],
    ["--v8-flags=--expose-gc"],
  );
  const { url, apiKey } = engine.ready;
  const wsUrl = `${url.replace(/^http/, "ws")}/v1/sessions/ws`;
  const tally = new Tally();
  let sessions: RawSession[] = [];
  try {
    const agent = await essayAgent({ url, apiKey }, `Capacity bench essayist ${k}`);
    await sleep(200);
    const base = await memoryAfterGc(engine);
    const openStart = performance.now();
    const opened = await openSessions(k, wsUrl, apiKey, agent.id, tally);
    sessions = opened.sessions;
    const openSeconds = (performance.now() - openStart) / 1000;
    await sleep(200);
    const attached = await memoryAfterGc(engine);
    for (const [i, session] of sessions.entries()) {
      session.send({
        type: "post",
        message: { post_id: `post_${i}`, content: { kind: "text", text: "Go ahead." } },
      });
    }
    await sleep(config.settleMs);
    const sentBefore = await readMetric(url, "vectorshift_events_sent_total");
    const [engineCpuBefore, benchCpuBefore] = [await cpuSeconds(engine.pid), await cpuSeconds("self")];
    const started = performance.now();
    tally.measuring = true;
    let rssPeak = 0;
    const windowEnd = started + config.windowMs;
    while (performance.now() < windowEnd) {
      await sleep(Math.min(1_000, Math.max(0, windowEnd - performance.now())));
      rssPeak = Math.max(rssPeak, await rssBytes(engine.pid));
    }
    tally.measuring = false;
    const seconds = (performance.now() - started) / 1000;
    const engineCpu = (await cpuSeconds(engine.pid) - engineCpuBefore) / seconds;
    const benchCpu = (await cpuSeconds("self") - benchCpuBefore) / seconds;
    const sentAfter = await readMetric(url, "vectorshift_events_sent_total");
    // A saturated engine may not get to the GC request for a long time: then RSS is read from /proc
    // without a GC and the heap is unknown (reported as such), instead of losing the whole level.
    const streaming = await memoryAfterGc(engine, SATURATED_REPORT_LIMIT_MS).catch(async () => ({
      gc: false,
      heapUsed: NaN,
      heapTotal: NaN,
      external: NaN,
      rss: await rssBytes(engine.pid),
    }));
    return {
      store,
      requested: k,
      reached: sessions.length,
      openFailures: opened.failures,
      firstOpenError: opened.firstError,
      openSeconds,
      base,
      attached,
      streaming,
      rssPeak,
      deltasPerSecond: tally.deltas / seconds,
      offeredPerSecond: sessions.length * config.tokensPerSecond,
      engineSentPerSecond: (sentAfter - sentBefore) / seconds,
      engineCpu,
      benchCpu,
      latency: summarize(tally.latencies),
    };
  } finally {
    // Engine first: its shutdown closes every socket at once, far faster than 5,000 client closes.
    await engine.stop();
    await closeAll(sessions);
    if (engine.ready.dataDir) await Deno.remove(engine.ready.dataDir, { recursive: true }).catch(() => {});
  }
}

function memoryFigures(report: MemoryReport): Record<string, number> {
  return {
    rss: report.rss,
    heap_used: report.heapUsed,
    heap_total: report.heapTotal,
    external: report.external,
  };
}

function kb(value: number): string {
  return `${fmt(value / 1024, 1)} KB`;
}

function perSession(total: number, base: number, k: number): number {
  return k > 0 ? (total - base) / k : NaN;
}

/** Whether one K met every target of the issue (delivery, latency, memory streaming and idle). */
function holds(l: LevelResult): boolean {
  return l.reached === l.requested &&
    l.deltasPerSecond >= TARGET_DELIVERED * l.offeredPerSecond &&
    (l.latency.p99 ?? Infinity) < TARGET_P99_MS &&
    perSession(l.streaming.rss, l.base.rss, l.reached) <= TARGET_RSS_PER_SESSION &&
    perSession(l.attached.rss, l.base.rss, l.reached) <= TARGET_RSS_PER_IDLE_SESSION;
}

function levelRow(l: LevelResult, tokensPerSecond: number): Row {
  const rss = perSession(l.streaming.rss, l.base.rss, l.reached);
  const heap = perSession(l.streaming.heapUsed, l.base.heapUsed, l.reached);
  const idleRss = perSession(l.attached.rss, l.base.rss, l.reached);
  const idleHeap = perSession(l.attached.heapUsed, l.base.heapUsed, l.reached);
  return {
    figure: `${l.store}: K=${fmt(l.requested)} sessions @ ${tokensPerSecond} tokens/s`,
    value: `${fmt(l.reached)} streaming; per session RSS ${kb(rss)}${
      l.streaming.gc ? "" : " (no GC: the saturated engine did not answer)"
    }, heap ${Number.isFinite(heap) ? kb(heap) : "unknown"} (idle attached: RSS ${kb(idleRss)}, heap ${
      kb(idleHeap)
    }); ${fmt(l.deltasPerSecond)} deltas/s of ${fmt(l.offeredPerSecond)} offered; p99 ${
      ms(l.latency.p99)
    }; engine CPU ${fmt(l.engineCpu * 100)}%, load generator ${fmt(l.benchCpu * 100)}%`,
    target: { text: "all delivered, p99 < 250 ms, ≤ 50 KB / 10 KB", met: holds(l) },
  };
}

/** Runs the capacity measurement. */
export async function measureCapacity(config: CapacityConfig): Promise<MeasurementResult> {
  const limit = await openFileLimit();
  const notes: string[] = [];
  const levels: LevelResult[] = [];
  const failed: { store: Store; requested: number; error: string }[] = [];
  for (const store of config.stores) {
    for (const requested of config.sessions) {
      // Each session holds one socket in this process; leave headroom for everything else.
      const k = limit === undefined ? requested : Math.min(requested, limit - 200);
      if (k < requested) {
        notes.push(`Capacity: K=${requested} capped at ${k} by the open-file limit (${limit}).`);
      }
      try {
        levels.push(await level(store, k, config));
      } catch (error) {
        // One K failing (e.g. a saturated engine missing a deadline) must not hide the others.
        failed.push({ store, requested: k, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  const rows: Row[] = levels.map((l) => levelRow(l, config.tokensPerSecond));
  for (const f of failed) {
    rows.push({
      figure: `${f.store}: K=${fmt(f.requested)} sessions`,
      value: `failed: ${f.error}`,
      target: { text: "runs", met: false },
    });
  }
  for (const store of config.stores) {
    const mine = levels.filter((l) => l.store === store);
    const largest = mine.filter(holds).reduce((best, l) => Math.max(best, l.requested), 0);
    const full = config.sessions.includes(TARGET_SESSIONS);
    rows.push({
      figure: `${store}: largest K that holds every target (of ${
        config.sessions.map((k) => fmt(k)).join(", ")
      })`,
      value: largest > 0 ? fmt(largest) : "none",
      target: {
        text: full ? `${fmt(TARGET_SESSIONS)}` : `${fmt(TARGET_SESSIONS)} (quick run: smaller K only)`,
        met: largest >= TARGET_SESSIONS,
      },
    });
  }
  for (const l of levels) {
    if (l.openFailures > 0) {
      notes.push(
        `Capacity ${l.store} K=${l.requested}: ${l.openFailures} sessions failed to open (first: ${l.firstOpenError}).`,
      );
    }
  }
  notes.push(
    "Capacity: engine in a child process; RSS from /proc/<pid>/status and the JS heap after a forced full GC " +
      "(--expose-gc), at the end of the window minus before any session (the peak without GC is in the JSON); " +
      "driven by raw protocol sockets from the bench process (cheaper than the SDK, so the client is not the " +
      "bottleneck; its CPU share is shown). Latency = receive Date.now() − event ts (engine clock, ms resolution). " +
      "The in-memory store keeps each session's retained event log in the heap (each session logs ~tokens/s " +
      "events); SQLite keeps it on disk.",
  );
  if (config.plotFile) {
    await Deno.writeTextFile(config.plotFile, capacityPlot(levels, config.tokensPerSecond));
    notes.push(
      `Capacity: growth with K drawn in bench/results/${config.plotFile.pathname.split("/").pop()}.`,
    );
  }
  return {
    id: "capacity",
    title: "5. Engine capacity",
    rows,
    figures: {
      failed_levels: failed,
      tokens_per_second_per_session: config.tokensPerSecond,
      window_ms: config.windowMs,
      settle_ms: config.settleMs,
      open_file_limit: limit ?? null,
      levels: levels.map((l) => ({
        store: l.store,
        holds_every_target: holds(l),
        sessions_requested: l.requested,
        sessions_reached: l.reached,
        open_failures: l.openFailures,
        open_seconds: round(l.openSeconds, 2),
        engine_memory_bytes: {
          before: memoryFigures(l.base),
          idle_attached: memoryFigures(l.attached),
          streaming: memoryFigures(l.streaming),
          streaming_rss_peak_without_gc: l.rssPeak,
          gc_forced: l.base.gc,
        },
        per_session_bytes: {
          idle_attached: {
            rss: round(perSession(l.attached.rss, l.base.rss, l.reached), 0),
            heap_used: round(perSession(l.attached.heapUsed, l.base.heapUsed, l.reached), 0),
          },
          streaming: {
            rss: round(perSession(l.streaming.rss, l.base.rss, l.reached), 0),
            heap_used: round(perSession(l.streaming.heapUsed, l.base.heapUsed, l.reached), 0),
            rss_peak_without_gc: round(perSession(l.rssPeak, l.base.rss, l.reached), 0),
          },
        },
        retained_events_per_session_approx: Math.round(
          (config.settleMs + config.windowMs) / 1000 * config.tokensPerSecond,
        ),
        deltas_per_second: { received: round(l.deltasPerSecond, 0), offered: l.offeredPerSecond },
        engine_events_sent_per_second: round(l.engineSentPerSecond, 0),
        cpu_cores_busy: { engine: round(l.engineCpu, 2), bench_client: round(l.benchCpu, 2) },
        delta_latency_ms: roundSummary(l.latency, 1),
      })),
    },
    notes,
  };
}
