/**
 * Measurement 8, scale-out: the standalone engine as one process on SQLite (its default) against a
 * cluster of two engine processes on one `redis-server`, side by side in one run, through the public
 * SDK in this process:
 *
 * - streaming throughput of one session (simulator at an unlimited token rate): events per second
 *   `listen()` yields, for a listener on the node that runs the session and for one on the other node;
 * - fan-out: one session, listeners spread over the nodes, events delivered per second in all;
 * - cross-node delivery lag: the same event's arrival on the other node's socket minus its arrival on
 *   the running node's socket (p50 / p99), at 200 tokens/s;
 * - Redis commands per streamed delta (Redis's own `INFO commandstats`);
 * - terminate through the other node: `terminate()` to `session_terminated` on the running node's
 *   socket (p50 / p99), and deltas logged after the terminate (must be 0).
 *
 * Skipped, with a note naming it, when `redis-server` is missing.
 *
 * @module
 */
import { Redis } from "ioredis";
import { type Agent, Session, type SessionEvent, SessionTerminatedError } from "../mod.ts";
import { CliEngine } from "../tests/support/cli_engine.ts";
import { redisMissing, RedisServer } from "../tests/support/redis_server.ts";
import { essayAgent } from "./support/engine_setup.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { round, roundSummary, summarize, type Summary } from "./support/stats.ts";
import { deadline } from "./support/timing.ts";

/** Sizes of the cluster measurement. */
export interface ClusterConfig {
  /** Essays streamed per throughput figure (about 1,600 deltas each). */
  essays: number;
  /** Listeners of the fan-out figure. */
  listeners: number;
  /** Terminates timed. */
  terminates: number;
}

const KEY = "vs-bench-cluster-key";
const TERMINATE_TARGET_MS = 100;
const STEP_LIMIT_MS = 120_000;
const ENGINE_FLAGS = [
  "--port",
  "0",
  "--http-idle-timeout-ms",
  "0",
  "--rate-limit",
  "100000",
  "--rate-limit-burst",
  "100000",
  "--log-level",
  "warn",
];

interface Setup {
  /** Node URLs (one for the single engine). */
  urls: string[];
  /** Stops it. */
  stop(): Promise<void>;
}

interface Figures {
  localEventsPerSecond: number;
  remoteEventsPerSecond?: number;
  fanoutEventsPerSecond: number;
  lagMs?: Summary;
  terminateMs: Summary;
  lateDeltas: number;
  redisCommandsPerDelta?: number;
}

function session(url: string, options: { agentId?: string; sessionId?: string }): Session {
  return new Session({ ...options, apiKey: KEY, baseUrl: url });
}

/** Listens until the turn completes; returns the events and when each arrived. */
async function untilComplete(
  s: Session,
  signal: AbortSignal,
): Promise<Array<{ event: SessionEvent; at: number }>> {
  const seen: Array<{ event: SessionEvent; at: number }> = [];
  for await (const event of s.listen({ signal, maxSize: 0 })) {
    seen.push({ event, at: performance.now() });
    if (event.isComplete) break;
  }
  return seen;
}

function essayAgentAt(url: string): Promise<Agent> {
  return essayAgent({ url, apiKey: KEY }, `Cluster bench ${crypto.randomUUID().slice(0, 8)}`);
}

/** Streams `essays` essays on a session created on `urls[0]`, listened to on `listenAt`. */
async function streaming(urls: string[], listenAt: string, essays: number): Promise<number> {
  const signal = deadline(STEP_LIMIT_MS, "cluster streaming");
  const agent = await essayAgentAt(urls[0]!);
  await using owner = session(urls[0]!, { agentId: agent.id! });
  await owner.connect({ signal });
  await using listener = listenAt === urls[0]
    ? undefined
    : session(listenAt, { sessionId: owner.sessionId! });
  await listener?.connect({ signal });
  const reader = listener ?? owner;
  // Warm-up essay, not counted.
  await owner.send("Go ahead.", { signal });
  await untilComplete(reader, signal);
  let events = 0;
  const started = performance.now();
  for (let i = 0; i < essays; i++) {
    await owner.send("Another essay, please.", { signal });
    events += (await untilComplete(reader, signal)).length;
  }
  return events / ((performance.now() - started) / 1000);
}

/** One session, `listeners` sockets spread over the nodes; events delivered per second in all. */
async function fanout(urls: string[], listeners: number): Promise<number> {
  const signal = deadline(STEP_LIMIT_MS, "cluster fan-out");
  const agent = await essayAgentAt(urls[0]!);
  await using owner = session(urls[0]!, { agentId: agent.id! });
  await owner.connect({ signal });
  const readers: Session[] = [];
  try {
    for (let i = 0; i < listeners; i++) {
      const reader = session(urls[i % urls.length]!, { sessionId: owner.sessionId! });
      await reader.connect({ signal });
      readers.push(reader);
    }
    await owner.send("Go ahead.", { signal });
    await Promise.all(readers.map((r) => untilComplete(r, signal)));
    const started = performance.now();
    await owner.send("Another essay, please.", { signal });
    const counts = await Promise.all(readers.map(async (r) => (await untilComplete(r, signal)).length));
    return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(readers.map((r) => r.disconnect()));
  }
}

/** The same events' arrival on node 1 minus node 0 (the running node), at a paced token rate. */
async function lag(urls: string[]): Promise<Summary> {
  const signal = deadline(STEP_LIMIT_MS, "cluster lag");
  const agent = await essayAgentAt(urls[0]!);
  await using local = session(urls[0]!, { agentId: agent.id! });
  await local.connect({ signal });
  await using remote = session(urls[1]!, { sessionId: local.sessionId! });
  await remote.connect({ signal });
  await local.send("Go ahead.", { signal });
  const [here, there] = await Promise.all([untilComplete(local, signal), untilComplete(remote, signal)]);
  const arrived = new Map(here.filter((h) => h.event.logged).map((h) => [h.event.seq, h.at]));
  const lags: number[] = [];
  for (const { event, at } of there) {
    const first = arrived.get(event.seq);
    if (event.logged && first !== undefined) lags.push(at - first);
  }
  return summarize(lags);
}

/**
 * Terminate through the last node while the first node generates: `terminate()` to the arrival of
 * `session_terminated` (logged once generation has stopped) on the first node's socket; deltas logged
 * after it.
 */
async function terminates(urls: string[], repetitions: number): Promise<{ ms: Summary; late: number }> {
  const times: number[] = [];
  let late = 0;
  for (let i = 0; i <= repetitions; i++) {
    const signal = deadline(30_000, "cluster terminate");
    const agent = await essayAgentAt(urls[0]!);
    const owner = session(urls[0]!, { agentId: agent.id! });
    await owner.connect({ signal });
    await using killer = session(urls.at(-1)!, { sessionId: owner.sessionId! });
    await killer.connect({ signal });
    const events: SessionEvent[] = [];
    let calledAt = 0;
    let stoppedAt = 0;
    const closed = (async () => {
      try {
        for await (const event of owner.listen({ signal, maxSize: 0 })) {
          events.push(event);
          if (event.type === "session_terminated") stoppedAt = performance.now();
          if (event.type === "message_delta" && calledAt === 0) {
            calledAt = performance.now();
            void killer.terminate();
          }
        }
      } catch (error) {
        if (!(error instanceof SessionTerminatedError)) throw error;
      }
    })();
    await owner.send("Write it.", { signal });
    await closed;
    const end = stoppedAt;
    const terminated = events.find((e) => e.type === "session_terminated")?.seq ?? Infinity;
    late += events.filter((e) => e.type === "message_delta" && e.seq > terminated).length;
    if (i > 0) times.push(end - calledAt); // the first one warms up
  }
  return { ms: summarize(times), late };
}

async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  let calls = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

/** `fast`: the simulator at an unlimited rate; `paced`: at 200 tokens/s, like a real model. */
async function measure(
  fast: Setup,
  paced: Setup,
  config: ClusterConfig,
  redis?: Redis,
): Promise<Figures> {
  const [first, second] = fast.urls;
  const localEventsPerSecond = await streaming(fast.urls, first!, config.essays);
  const remoteEventsPerSecond = second ? await streaming(fast.urls, second, config.essays) : undefined;
  const fanoutEventsPerSecond = await fanout(fast.urls, config.listeners);
  const lagMs = paced.urls.length > 1 ? await lag(paced.urls) : undefined;
  const terminate = await terminates(paced.urls, config.terminates);
  let redisCommandsPerDelta: number | undefined;
  if (redis) {
    const before = await commandCalls(redis);
    const signal = deadline(STEP_LIMIT_MS, "cluster commands per delta");
    const agent = await essayAgentAt(first!);
    await using owner = session(first!, { agentId: agent.id! });
    await owner.connect({ signal });
    await owner.send("Go ahead.", { signal });
    const events = await untilComplete(owner, signal);
    const deltas = events.filter((e) => e.event.type === "message_delta").length;
    redisCommandsPerDelta = ((await commandCalls(redis)) - before) / Math.max(1, deltas);
  }
  return {
    localEventsPerSecond,
    ...(remoteEventsPerSecond === undefined ? {} : { remoteEventsPerSecond }),
    fanoutEventsPerSecond,
    ...(lagMs === undefined ? {} : { lagMs }),
    terminateMs: terminate.ms,
    lateDeltas: terminate.late,
    ...(redisCommandsPerDelta === undefined ? {} : { redisCommandsPerDelta }),
  };
}

async function singleNode(tokensPerSecond: number): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "vectorshift-bench-cluster-" });
  const engine = await CliEngine.start(KEY, [
    "--data",
    dir,
    "--offline-tokens-per-second",
    String(tokensPerSecond),
    ...ENGINE_FLAGS,
  ]);
  return {
    urls: [engine.url],
    async stop() {
      await engine.kill();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function twoNodes(redis: RedisServer, tokensPerSecond: number): Promise<Setup> {
  const nodes: CliEngine[] = [];
  // Each pair of nodes is its own cluster (its own key prefix) on the one Redis.
  const prefix = `bench${tokensPerSecond}:`;
  for (let i = 0; i < 2; i++) {
    nodes.push(
      await CliEngine.start(KEY, [
        "--redis",
        redis.url,
        "--redis-prefix",
        prefix,
        "--offline-tokens-per-second",
        String(tokensPerSecond),
        ...ENGINE_FLAGS,
      ]),
    );
  }
  return {
    urls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
    },
  };
}

/** Runs the scale-out measurement: one engine on SQLite against two engines on one Redis. */
export async function measureCluster(config: ClusterConfig): Promise<MeasurementResult> {
  const missing = redisMissing();
  if (missing) {
    return {
      id: "cluster",
      title: "8. Scale-out (two nodes on Redis)",
      rows: [{ figure: "skipped", value: missing }],
      figures: { skipped: missing },
      notes: [`Skipped: ${missing}.`],
    };
  }
  const single = await singleNode(0);
  const singlePaced = await singleNode(200);
  let one: Figures;
  try {
    one = await measure(single, singlePaced, config);
  } finally {
    await single.stop();
    await singlePaced.stop();
  }
  const server = await RedisServer.start();
  const client = new Redis(server.url, { lazyConnect: true });
  let two: Figures;
  try {
    await client.connect();
    const cluster = await twoNodes(server, 0);
    const pacedCluster = await twoNodes(server, 200);
    try {
      two = await measure(cluster, pacedCluster, config, client);
    } finally {
      await cluster.stop();
      await pacedCluster.stop();
    }
  } finally {
    client.disconnect();
    await server.stop();
  }
  const perSecond = (v: number | undefined) => `${fmt(v)} events/s`;
  return {
    id: "cluster",
    title: "8. Scale-out (two nodes on Redis)",
    rows: [
      {
        figure: `streaming, one session, ${config.essays} essays; listener on the running node`,
        value: `one node ${perSecond(one.localEventsPerSecond)}; cluster ${
          perSecond(two.localEventsPerSecond)
        } (${round(two.localEventsPerSecond / one.localEventsPerSecond, 2)}×)`,
      },
      {
        figure: "streaming, listener on the other node",
        value: `cluster ${perSecond(two.remoteEventsPerSecond)}`,
      },
      {
        figure: `fan-out, one session, ${config.listeners} listeners (cluster: half on each node)`,
        value: `one node ${perSecond(one.fanoutEventsPerSecond)}; cluster ${
          perSecond(two.fanoutEventsPerSecond)
        }`,
      },
      {
        figure: "cross-node delivery lag, other node minus running node (p50 / p99)",
        value: `${ms(two.lagMs?.p50)} / ${ms(two.lagMs?.p99)}`,
      },
      {
        figure: "Redis commands per streamed delta",
        value: fmt(two.redisCommandsPerDelta, 2),
      },
      {
        figure:
          "terminate() through another socket → session_terminated on the running node's socket (p50 / p99)",
        value: `one node ${ms(one.terminateMs.p50)} / ${
          ms(one.terminateMs.p99)
        }; cluster (through the other node) ${ms(two.terminateMs.p50)} / ${
          ms(two.terminateMs.p99)
        }; deltas after terminate: ${one.lateDeltas + two.lateDeltas}`,
        target: {
          text: `cluster p99 < ${TERMINATE_TARGET_MS} ms, 0 late deltas`,
          met: (two.terminateMs.p99 ?? Infinity) < TERMINATE_TARGET_MS && two.lateDeltas === 0,
        },
      },
    ],
    figures: {
      essays: config.essays,
      listeners: config.listeners,
      terminates: config.terminates,
      one_node: figuresOf(one),
      two_nodes: figuresOf(two),
    },
    notes: [
      "Scale-out: every engine is a separate `deno task engine` process (one on SQLite; two on one redis-server " +
      "with persistence off); the SDK clients run in the bench process. On this 2-core machine the nodes, Redis " +
      "and the clients share the cores, so the cluster figures show the cost of going through Redis, not the gain " +
      "of a second machine.",
    ],
  };
}

function figuresOf(f: Figures): Record<string, unknown> {
  return {
    local_events_per_second: round(f.localEventsPerSecond, 0),
    remote_events_per_second: f.remoteEventsPerSecond === undefined
      ? null
      : round(f.remoteEventsPerSecond, 0),
    fanout_events_per_second: round(f.fanoutEventsPerSecond, 0),
    lag_ms: f.lagMs ? roundSummary(f.lagMs, 3) : null,
    terminate_ms: roundSummary(f.terminateMs, 3),
    late_deltas: f.lateDeltas,
    redis_commands_per_delta: f.redisCommandsPerDelta === undefined
      ? null
      : round(f.redisCommandsPerDelta, 3),
  };
}
