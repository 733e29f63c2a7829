/**
 * Measurement 9, the engine's cost per event: one session streaming essays from the simulator at an
 * unlimited token rate through the real engine and the public SDK, against a raw WebSocket server
 * that sends the same number of frames of the same size to a raw client (`JSON.parse` per frame), in
 * the same run and process. The engine runs on its in-memory store and on SQLite, side by side.
 *
 * - streaming rate: events `listen()` yields per second from the turn's first event to its
 *   `message_complete` (the turn's start, which waits for the coalescing window, is reported apart);
 * - the same including `send()` and the window, per essay;
 * - time to first delta: `send()` → first `message_delta` (p50 / p99), for a lone post.
 *
 * The raw server yields to the event loop every 64 frames, as the engine's unthrottled stream does, so
 * the two differ only in what the engine and the SDK do per event.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import { type Agent, Session, type SessionEvent } from "../mod.ts";
import { startEngine, startEngineWithStore } from "../src/engine/engine.ts";
import type { Engine } from "../src/engine/mod.ts";
import { SqliteStore } from "../src/engine/store/sqlite_store.ts";
import { essayAgent, timeFirstDeltas } from "./support/engine_setup.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { median, round, roundSummary, summarize, type Summary } from "./support/stats.ts";
import { deadline, within } from "./support/timing.ts";

/** Sizes of the measurement. */
export interface EngineCostConfig {
  /** Essays per round (about 1,640 events each). */
  essays: number;
  /** Rounds; the median is reported. */
  rounds: number;
  /** Lone posts timed to their first delta. */
  firstDeltas: number;
}

const TARGET_RATIO = 0.5;
const STEP_LIMIT_MS = 120_000;
/** The engine's unthrottled simulator yields after this many tokens; the raw server does the same. */
const YIELD_EVERY = 64;

interface EngineFigures {
  streamingPerSecond: number;
  withStartPerSecond: number;
  events: number;
  meanFrameBytes: number;
  firstDeltaMs: Summary;
}

async function measureEngine(engine: Engine, config: EngineCostConfig): Promise<EngineFigures> {
  const signal = deadline(STEP_LIMIT_MS, "engine cost");
  const agent: Agent = await essayAgent(engine, "Engine cost essayist");
  await using session = new Session({ agentId: agent.id!, apiKey: engine.apiKey, baseUrl: engine.url });
  await session.connect({ signal });
  const essay = async () => {
    const sent = performance.now();
    await session.send("Go ahead.", { signal });
    // The turn starts when the engine logs its `thinking` status: its `ts` (engine clock, this process,
    // ms) is the start, since with the SQLite store that event arrives in one batch with later ones.
    let startedAt = 0;
    let events = 0;
    let bytes = 0;
    for await (const event of session.listen({ signal, maxSize: 0 })) {
      // What came before the turn (the acknowledgement, the end of the previous turn) is not measured.
      if (startedAt === 0 && !(event.type === "participant_status" && event.data.status === "thinking")) {
        continue;
      }
      if (startedAt === 0) startedAt = Date.parse(event.ts);
      events++;
      bytes += frameBytes(event);
      if (event.isComplete) break;
    }
    const ended = performance.now();
    const endedAt = Date.now();
    return { events, bytes, streamingMs: Math.max(1, endedAt - startedAt), totalMs: ended - sent };
  };
  await essay(); // warm-up: JIT, caches
  const streaming: number[] = [];
  const withStart: number[] = [];
  let events = 0;
  let bytes = 0;
  for (let round = 0; round < config.rounds; round++) {
    let roundEvents = 0;
    let streamingMs = 0;
    let totalMs = 0;
    for (let i = 0; i < config.essays; i++) {
      const one = await essay();
      roundEvents += one.events;
      bytes += one.bytes;
      streamingMs += one.streamingMs;
      totalMs += one.totalMs;
    }
    events = roundEvents;
    streaming.push(roundEvents / (streamingMs / 1000));
    withStart.push(roundEvents / (totalMs / 1000));
  }
  const firstDeltas = await timeFirstDeltas(session, config.firstDeltas, signal);
  return {
    streamingPerSecond: median(streaming),
    withStartPerSecond: median(withStart),
    events,
    meanFrameBytes: bytes / (events * config.rounds),
    firstDeltaMs: summarize(firstDeltas),
  };
}

/** The size of the frame an event came in: its envelope (session id, ts, message id) and data. */
function frameBytes(event: SessionEvent): number {
  const envelope = {
    type: event.type,
    seq: event.seq,
    logged: event.logged,
    session_id: "",
    ts: "",
    data: event.data,
  };
  // A session id, an RFC 3339 timestamp and a message id, as the engine writes them.
  return JSON.stringify(envelope).length + 36 + 24 + 50;
}

/** A raw WebSocket server that sends `count` frames of `size` bytes on request, and a raw client. */
async function measureRaw(count: number, size: number, rounds: number): Promise<number> {
  const frame = JSON.stringify({ type: "message_delta", seq: 1, pad: "x".repeat(Math.max(0, size - 40)) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = async () => {
      for (let i = 0; i < count; i++) {
        if (socket.readyState !== WebSocket.OPEN) return;
        socket.send(frame);
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return response;
  });
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
    await within(new Promise((resolve) => socket.onopen = resolve), 10_000, "raw socket open");
    const rates: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      let received = 0;
      const done = Promise.withResolvers<void>();
      socket.onmessage = (event) => {
        JSON.parse(event.data as string);
        if (++received === count) done.resolve();
      };
      const started = performance.now();
      socket.send("go");
      await within(done.promise, STEP_LIMIT_MS, "raw burst");
      if (round > 0) rates.push(count / ((performance.now() - started) / 1000)); // round 0 warms up
    }
    socket.close();
    return median(rates);
  } finally {
    await server.shutdown();
  }
}

/** Runs the per-event cost measurement. */
export async function measureEngineCost(config: EngineCostConfig): Promise<MeasurementResult> {
  const options = {
    port: 0,
    offlineModel: { tokensPerSecond: 0 },
    rateLimit: { framesPerSecond: 1_000_000, burst: 1_000_000 },
  };
  let memory: EngineFigures;
  {
    await using engine = await startEngine(options);
    memory = await measureEngine(engine, config);
  }
  const dir = await Deno.makeTempDir({ prefix: "vectorshift-bench-cost-" });
  let sqlite: EngineFigures;
  try {
    const store = SqliteStore.open(`${dir}/engine.sqlite3`);
    await using engine = await startEngineWithStore(options, store, { ownsStore: true });
    sqlite = await measureEngine(engine, config);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const raw = await measureRaw(memory.events, Math.round(memory.meanFrameBytes), config.rounds);
  const ratio = (v: number) => round(v / raw, 2);
  return {
    id: "engine",
    title: "9. Engine cost per event",
    rows: [
      {
        figure: `raw WebSocket server → raw client, ${fmt(memory.events)} frames of ${
          fmt(memory.meanFrameBytes)
        } B (physical limit)`,
        value: `${fmt(raw)} frames/s`,
      },
      {
        figure: `engine → SDK listen(), ${config.essays} essays, turn start to message_complete`,
        value:
          `memory ${fmt(memory.streamingPerSecond)} events/s (${ratio(memory.streamingPerSecond)}× raw); ` +
          `SQLite ${fmt(sqlite.streamingPerSecond)} events/s (${ratio(sqlite.streamingPerSecond)}× raw)`,
        target: {
          text: `≥ ${TARGET_RATIO}× raw (SQLite, the durable default)`,
          met: sqlite.streamingPerSecond / raw >= TARGET_RATIO,
        },
      },
      {
        figure: "the same, from send() (the coalescing window included)",
        value: `memory ${fmt(memory.withStartPerSecond)} events/s; SQLite ${
          fmt(sqlite.withStartPerSecond)
        } events/s`,
      },
      {
        figure: "time to first delta of a lone post, send() → first message_delta (p50 / p99)",
        value: `memory ${ms(memory.firstDeltaMs.p50)} / ${ms(memory.firstDeltaMs.p99)}; SQLite ${
          ms(sqlite.firstDeltaMs.p50)
        } / ${ms(sqlite.firstDeltaMs.p99)}`,
      },
    ],
    figures: {
      essays: config.essays,
      rounds: config.rounds,
      raw_frames_per_second: round(raw, 0),
      frame_bytes: round(memory.meanFrameBytes, 0),
      memory: figuresOf(memory),
      sqlite: figuresOf(sqlite),
    },
    notes: [
      "Engine cost: engine, SDK and the raw server and client all run in the bench process (loopback). A lone " +
      "post waits for the coalescing window (40 ms by default) in case more posts follow: the protocol " +
      "answers back-to-back posts in one turn. Posts that arrive during a turn start the next one as soon as " +
      "it ends. `deno run -A bench/profile_stream.ts` shows where an engine stream's time goes.",
    ],
  };
}

function figuresOf(f: EngineFigures): Record<string, unknown> {
  return {
    streaming_events_per_second: round(f.streamingPerSecond, 0),
    with_start_events_per_second: round(f.withStartPerSecond, 0),
    events_per_round: f.events,
    first_delta_ms: roundSummary(f.firstDeltaMs, 3),
  };
}
