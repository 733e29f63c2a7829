/**
 * Measurement 10, growth with log length: one session's retained log grown to 10,000 and then 100,000
 * events in an engine in its own process (in memory, and on SQLite), measuring at each length the
 * engine's RSS and JS heap after a full GC, and a raw client's reconnect + replay of the whole
 * retained log (`last_seq` 0), which is what a resuming client costs the engine.
 *
 * @module
 */
import type { Store } from "./capacity.ts";
import { type ChildProcess, spawnChild } from "./support/child.ts";
import { essayAgent } from "./support/engine_setup.ts";
import type { EngineReady, MemoryReport } from "./support/engine_child.ts";
import { rssBytes } from "./support/proc.ts";
import { openRaw } from "./support/raw_client.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { median, round } from "./support/stats.ts";
import { within } from "./support/timing.ts";

/** Sizes of the measurement. */
export interface ReplayGrowthConfig {
  /** Log lengths to measure at, ascending. */
  lengths: number[];
  /** Replays timed per length; the median is reported. */
  repetitions: number;
  /** Stores to measure. */
  stores: Store[];
}

const STEP_LIMIT_MS = 180_000;

interface Point {
  store: Store;
  length: number;
  memory: MemoryReport;
  replayMs: number;
}

async function memoryAfterGc(engine: ChildProcess<EngineReady>): Promise<MemoryReport> {
  engine.signal("SIGUSR1");
  const report = await engine.nextLine<MemoryReport>(60_000);
  return { ...report, rss: await rssBytes(engine.pid) };
}

/** Posts essays on one raw socket until the session's head reaches `target`; returns the head. */
async function fillTo(wsUrl: string, apiKey: string, sessionId: string, head: number, target: number) {
  let latest = head;
  let complete = Promise.withResolvers<void>();
  const raw = await openRaw({
    wsUrl,
    apiKey,
    target: { session_id: sessionId, last_seq: head },
    onFrame: (text) => {
      const event = JSON.parse(text) as { type: string; seq: number; logged: boolean };
      if (event.logged) latest = Math.max(latest, event.seq);
      if (event.type === "message_complete") complete.resolve();
    },
  });
  try {
    for (let turn = 0; latest < target; turn++) {
      complete = Promise.withResolvers<void>();
      raw.send({
        type: "post",
        message: { post_id: `fill_${head}_${turn}`, content: { kind: "text", text: "Another essay." } },
      });
      await within(complete.promise, STEP_LIMIT_MS, "an essay while filling the log");
    }
  } finally {
    await raw.close();
  }
  return latest;
}

/** A raw client's reconnect + replay of the whole retained log; fails (naming what arrived) if the socket closes first. */
async function replay(wsUrl: string, apiKey: string, sessionId: string, head: number): Promise<number> {
  const done = Promise.withResolvers<void>();
  const started = performance.now();
  let received = 0;
  const raw = await openRaw({
    wsUrl,
    apiKey,
    target: { session_id: sessionId, last_seq: 0 },
    onFrame: (text) => {
      const event = JSON.parse(text) as { seq: number; logged: boolean };
      if (!event.logged) return;
      received++;
      if (event.seq >= head) done.resolve();
    },
  });
  const closed = raw.closed.then(() => {
    throw new Error(`the socket closed after ${received} of the replay's events (head ${head})`);
  });
  try {
    await within(
      Promise.race([done.promise, closed]),
      STEP_LIMIT_MS,
      `replay of ${head} events (${received} so far)`,
    );
    return performance.now() - started;
  } finally {
    closed.catch(() => {});
    await raw.close();
  }
}

async function measureStore(store: Store, config: ReplayGrowthConfig): Promise<Point[]> {
  const largest = Math.max(...config.lengths);
  const engine = await spawnChild<EngineReady>(
    new URL("./support/engine_child.ts", import.meta.url),
    ["0", String(10 * 60_000), String(largest), store],
    ["--v8-flags=--expose-gc"],
  );
  const points: Point[] = [];
  try {
    const { url, apiKey } = engine.ready;
    const wsUrl = `${url.replace(/^http/, "ws")}/v1/sessions/ws`;
    const agent = await essayAgent({ url, apiKey }, `Replay growth essayist ${store}`);
    const opened = await openRaw({ wsUrl, apiKey, target: { agent_id: agent.id }, onFrame: () => {} });
    const sessionId = opened.sessionId;
    await opened.close();
    let head = 1;
    for (const length of config.lengths) {
      head = await fillTo(wsUrl, apiKey, sessionId, head, length);
      const memory = await memoryAfterGc(engine);
      await replay(wsUrl, apiKey, sessionId, head); // warm-up
      const times: number[] = [];
      for (let i = 0; i < config.repetitions; i++) times.push(await replay(wsUrl, apiKey, sessionId, head));
      points.push({ store, length: head, memory, replayMs: median(times) });
    }
  } finally {
    await engine.stop();
    if (engine.ready.dataDir) await Deno.remove(engine.ready.dataDir, { recursive: true }).catch(() => {});
  }
  return points;
}

/** Runs the log-length growth measurement. */
export async function measureReplayGrowth(config: ReplayGrowthConfig): Promise<MeasurementResult> {
  const points: Point[] = [];
  for (const store of config.stores) points.push(...await measureStore(store, config));
  const base = (store: Store) => points.find((p) => p.store === store);
  const rows = points.map((p) => {
    const first = base(p.store)!;
    const grown = p.length - first.length;
    const perEvent = (now: number, then: number) =>
      grown > 0 ? `${fmt((now - then) / grown, 0)} B/event` : "-";
    return {
      figure: `${p.store}: log of ${fmt(p.length)} events`,
      value:
        `engine RSS ${fmt(p.memory.rss / 2 ** 20, 1)} MiB, heap ${fmt(p.memory.heapUsed / 2 ** 20, 1)} MiB` +
        (grown > 0
          ? ` (growth since ${fmt(first.length)}: RSS ${perEvent(p.memory.rss, first.memory.rss)}, heap ${
            perEvent(p.memory.heapUsed, first.memory.heapUsed)
          })`
          : "") +
        `; replay of the whole log ${ms(p.replayMs)} (${fmt(p.length / (p.replayMs / 1000))} events/s)`,
    };
  });
  return {
    id: "replay",
    title: "10. Growth with log length",
    rows,
    figures: {
      repetitions: config.repetitions,
      points: points.map((p) => ({
        store: p.store,
        log_events: p.length,
        engine_rss_bytes: p.memory.rss,
        engine_heap_used_bytes: p.memory.heapUsed,
        replay_ms_median: round(p.replayMs, 1),
      })),
    },
    notes: [
      "Growth with log length: engine in a child process retaining every event (retainedEvents = the largest " +
      "length), the log filled with unthrottled essays; memory after a forced full GC; replay timed from opening " +
      "a raw socket with last_seq 0 to its last event.",
    ],
  };
}
