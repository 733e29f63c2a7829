/**
 * Measurement 2, added latency per event: the firehose server (in this process, so both ends share
 * `performance.now()`) sends one `message_delta` per millisecond carrying its send time; each client
 * takes the difference when the event reaches it: the raw socket after `JSON.parse`, the SDK when
 * `listen()` yields, socket.io when its handler runs. Pacing keeps the queue empty, so this is latency,
 * not queueing. Added latency is the SDK's percentile minus raw's.
 *
 * @module
 */
import { Session } from "../mod.ts";
import { startFirehose } from "./support/firehose_server.ts";
import { type EventOf, planText, type StreamPlan } from "./support/frames.ts";
import { openRaw } from "./support/raw_client.ts";
import { type MeasurementResult, ms } from "./support/report.ts";
import { connectSocketIo, receiveStream, startSocketIoServer } from "./support/socketio_pair.ts";
import { round, roundSummary, summarize } from "./support/stats.ts";
import { deadline, within } from "./support/timing.ts";

/** Sizes of the latency measurement. */
export interface LatencyConfig {
  /** Paced deltas per round and contender. */
  samples: number;
  /** Rounds (contenders alternate within each). */
  rounds: number;
}

type Contender = "raw" | "sdk" | "socketio";
const CONTENDERS: readonly Contender[] = ["raw", "sdk", "socketio"];
/** The first samples of every round warm the JIT and are dropped. */
const WARMUP = 20;
/** The p99 added latency issue 12 asks for, in ms. */
const TARGET_ADDED_P99_MS = 0.1;
const INTERVAL_MS = 1;

interface Servers {
  firehoseUrl: string;
  firehoseWsUrl: string;
  socketIoUrl: string;
}

function limitFor(plan: StreamPlan): number {
  return 30_000 + plan.count * 10 * (plan.intervalMs ?? 1);
}

function sample(delta: string, into: number[], index: number): void {
  const latency = performance.now() - Number(delta);
  if (index >= WARMUP) into.push(latency);
}

async function rawRound(servers: Servers, plan: StreamPlan, into: number[]): Promise<void> {
  const done = Promise.withResolvers<void>();
  const session = await openRaw({
    wsUrl: servers.firehoseWsUrl,
    apiKey: "bench",
    target: { session_id: "ses_bench_raw" },
    onFrame: (text) => {
      const event = JSON.parse(text) as EventOf<"message_delta"> | { type: "other" };
      if (event.type === "message_delta") sample(event.data.delta, into, event.data.index);
      else if (text.includes('"type":"message_complete"')) done.resolve();
    },
  });
  try {
    session.send({
      type: "post",
      message: { post_id: "post_raw", content: { kind: "text", text: planText(plan) } },
    });
    await within(done.promise, limitFor(plan), "raw paced stream");
  } finally {
    await session.close();
  }
}

async function sdkRound(servers: Servers, plan: StreamPlan, into: number[]): Promise<void> {
  const signal = deadline(limitFor(plan), "SDK paced stream");
  const session = new Session({
    sessionId: "ses_bench_sdk",
    lastSeq: 0,
    apiKey: "bench",
    baseUrl: servers.firehoseUrl,
  });
  try {
    await session.connect({ signal });
    const listening = (async () => {
      for await (const event of session.listen({ signal })) {
        if (event.type === "message_delta") sample(event.data.delta, into, event.data.index);
        else if (event.type === "message_complete") return;
      }
    })();
    await session.send(planText(plan), { signal });
    await listening;
  } finally {
    await session.disconnect();
  }
}

async function socketIoRound(servers: Servers, plan: StreamPlan, into: number[]): Promise<void> {
  const client = await connectSocketIo(servers.socketIoUrl);
  try {
    await receiveStream(client, plan, limitFor(plan), (event) => {
      if (event.type === "message_delta") sample(event.data.delta, into, event.data.index);
    });
  } finally {
    client.close();
  }
}

const ROUND: Record<Contender, (servers: Servers, plan: StreamPlan, into: number[]) => Promise<void>> = {
  raw: rawRound,
  sdk: sdkRound,
  socketio: socketIoRound,
};

/** Runs the latency measurement. */
export async function measureLatency(config: LatencyConfig): Promise<MeasurementResult> {
  const firehose = startFirehose();
  const socketIo = await startSocketIoServer();
  const servers: Servers = {
    firehoseUrl: firehose.url,
    firehoseWsUrl: firehose.wsUrl,
    socketIoUrl: socketIo.url,
  };
  const samples: Record<Contender, number[]> = { raw: [], sdk: [], socketio: [] };
  try {
    const plan: StreamPlan = { mode: "paced", count: config.samples + WARMUP, intervalMs: INTERVAL_MS };
    for (let round = 0; round < config.rounds; round++) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length] as Contender);
      for (const contender of order) await ROUND[contender](servers, plan, samples[contender]);
    }
  } finally {
    await Promise.all([firehose.close(), socketIo.close()]);
  }
  const raw = summarize(samples.raw);
  const sdk = summarize(samples.sdk);
  const socketio = summarize(samples.socketio);
  const addedP50 = sdk.p50 - raw.p50;
  const addedP99 = sdk.p99 - raw.p99;
  return {
    id: "latency",
    title: "2. Latency per event",
    rows: [
      { figure: "raw WebSocket, send → parsed (p50 / p99)", value: `${ms(raw.p50)} / ${ms(raw.p99)}` },
      { figure: "SDK, send → listen() yields (p50 / p99)", value: `${ms(sdk.p50)} / ${ms(sdk.p99)}` },
      { figure: "added by the SDK, p50", value: ms(addedP50) },
      {
        figure: "added by the SDK, p99",
        value: ms(addedP99),
        target: { text: `< ${TARGET_ADDED_P99_MS} ms`, met: addedP99 < TARGET_ADDED_P99_MS },
      },
      { figure: "socket.io, send → handler (p50 / p99)", value: `${ms(socketio.p50)} / ${ms(socketio.p99)}` },
    ],
    figures: {
      samples_per_round: config.samples,
      rounds: config.rounds,
      interval_ms: INTERVAL_MS,
      latency_ms: {
        raw: roundSummary(raw, 4),
        sdk_listen: roundSummary(sdk, 4),
        socketio: roundSummary(socketio, 4),
      },
      added_by_sdk_ms: { p50: round(addedP50, 4), p99: round(addedP99, 4) },
    },
    notes: [
      "Latency: server and clients share one process and clock; one delta per ms; the first " +
      `${WARMUP} samples of each round are dropped as warm-up. Added = SDK percentile − raw percentile.`,
    ],
  };
}
