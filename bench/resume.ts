/**
 * Measurement 4, resume: an engine in its own process (so replayed frames cross a real process
 * boundary, as they do for users) logs essay turns while no client is attached (a raw socket posts,
 * then leaves; generation goes on). Then `new Session({ sessionId, lastSeq: head - N })` is timed from
 * construction until `listen()` has yielded all N missed events, for N = 100 and 10,000; a raw socket
 * doing the same (hello with `last_seq`, `JSON.parse` per frame) is the reference.
 *
 * @module
 */
import { Session } from "../mod.ts";
import { spawnChild } from "./support/child.ts";
import type { EngineReady } from "./support/engine_child.ts";
import type { ProbeResult } from "./support/resume_probe_child.ts";
import { type EngineAccess, essayAgent, sessionInfo } from "./support/engine_setup.ts";
import { openRaw } from "./support/raw_client.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { median, round } from "./support/stats.ts";
import { deadline, pollUntil, within } from "./support/timing.ts";

/** Sizes of the resume measurement. */
export interface ResumeConfig {
  /** Missed-event counts to replay. */
  sizes: number[];
  /** Timed resumes per size and client. */
  repetitions: number;
}

const STEP_LIMIT_MS = 60_000;
/** Fresh-process resumes with listen()'s default queue bound. */
const PROBES = 3;

interface Timing {
  connectedMs: number;
  totalMs: number;
  delivered: number;
}

/** Logs essay turns, with no client attached while they generate, until the head reaches `minHead`. */
async function fillLog(
  engine: EngineAccess,
  agentId: string,
  minHead: number,
): Promise<{ sessionId: string; head: number }> {
  let sessionId = "";
  let head = 0;
  const maxTurns = Math.ceil(minHead / 1_000) + 3;
  for (let turn = 0; turn < maxTurns && head < minHead; turn++) {
    const acked = Promise.withResolvers<void>();
    const raw = await openRaw({
      wsUrl: `${engine.url.replace(/^http/, "ws")}/v1/sessions/ws`,
      apiKey: engine.apiKey,
      target: sessionId === "" ? { agent_id: agentId } : { session_id: sessionId, last_seq: head },
      onFrame: (text) => {
        if (text.includes('"type":"message_posted"')) acked.resolve();
      },
    });
    sessionId = raw.sessionId;
    raw.send({
      type: "post",
      message: { post_id: `post_fill_${turn}`, content: { kind: "text", text: "Go on." } },
    });
    await within(acked.promise, STEP_LIMIT_MS, "post acknowledgement");
    await raw.close();
    // Done when nothing generates and the head moved past the post and then stood still (the turn
    // starts only after the post-coalescing window, so "not generating" alone could be too early).
    const before = head;
    let last = -1;
    const idle = await pollUntil(
      async () => {
        const info = await sessionInfo(engine, sessionId);
        const settled = !info.generating && info.head_seq > before + 2 && info.head_seq === last;
        last = info.head_seq;
        return settled;
      },
      STEP_LIMIT_MS,
      50,
    );
    if (!idle) throw new Error(`Session ${sessionId} did not finish its turn within ${STEP_LIMIT_MS} ms.`);
    head = last;
  }
  if (head < minHead) {
    throw new Error(`The log reached seq ${head} in ${maxTurns} turns; ${minHead} was needed.`);
  }
  return { sessionId, head };
}

/** Times one SDK resume, `listen({ maxSize: 0 })`: a replay is a burst, and the default bound drops part of it. */
async function sdkResume(engine: EngineAccess, sessionId: string, head: number, n: number): Promise<Timing> {
  const signal = deadline(STEP_LIMIT_MS, `SDK resume of ${n} events`);
  const started = performance.now();
  let connectedMs = 0;
  let delivered = 0;
  const session = new Session({ sessionId, lastSeq: head - n, apiKey: engine.apiKey, baseUrl: engine.url });
  try {
    for await (const event of session.listen({ signal, maxSize: 0 })) {
      if (event.type === "session_connected") connectedMs = performance.now() - started;
      if (!event.logged) continue;
      delivered++;
      if (event.seq >= head) break;
    }
  } finally {
    await session.disconnect();
  }
  return { connectedMs, totalMs: performance.now() - started, delivered };
}

async function rawResume(engine: EngineAccess, sessionId: string, head: number, n: number): Promise<Timing> {
  const started = performance.now();
  const done = Promise.withResolvers<void>();
  let delivered = 0;
  let finished = 0;
  const raw = await openRaw({
    wsUrl: `${engine.url.replace(/^http/, "ws")}/v1/sessions/ws`,
    apiKey: engine.apiKey,
    target: { session_id: sessionId, last_seq: head - n },
    onFrame: (text) => {
      const event = JSON.parse(text) as { seq: number; logged: boolean };
      if (!event.logged) return;
      delivered++;
      if (event.seq >= head) {
        finished = performance.now();
        done.resolve();
      }
    },
  });
  const connectedMs = performance.now() - started;
  try {
    await within(done.promise, STEP_LIMIT_MS, `raw resume of ${n} events`);
  } finally {
    await raw.close();
  }
  return { connectedMs, totalMs: finished - started, delivered };
}

/** Runs the resume measurement. */
export async function measureResume(config: ResumeConfig): Promise<MeasurementResult> {
  const largest = Math.max(...config.sizes);
  const child = await spawnChild<EngineReady>(
    new URL("./support/engine_child.ts", import.meta.url),
    ["0", String(10 * 60_000), String(largest + 5_000)],
  );
  const engine: EngineAccess = child.ready;
  const figures: Record<string, unknown> = { repetitions: config.repetitions };
  const rows: MeasurementResult["rows"] = [];
  try {
    const agent = await essayAgent(engine, "Resume bench essayist");
    const { sessionId, head } = await fillLog(engine, agent.id, largest + 1);
    figures.log_head_seq = head;
    await sdkResume(engine, sessionId, head, Math.min(largest, 1_000)); // warm-up (JIT)
    for (const n of config.sizes) {
      const sdk: Timing[] = [];
      const raw: Timing[] = [];
      for (let i = 0; i < config.repetitions; i++) {
        sdk.push(await sdkResume(engine, sessionId, head, n));
        raw.push(await rawResume(engine, sessionId, head, n));
      }
      const lost = sdk.some((t) => t.delivered !== n) || raw.some((t) => t.delivered !== n);
      if (lost) {
        throw new Error(
          `Resume of ${n} events delivered ${sdk.map((t) => t.delivered)} (SDK) / ${
            raw.map((t) => t.delivered)
          } (raw).`,
        );
      }
      const sdkTotal = median(sdk.map((t) => t.totalMs));
      const rawTotal = median(raw.map((t) => t.totalMs));
      figures[`n_${n}`] = {
        sdk: {
          total_ms_median: round(sdkTotal),
          connected_ms_median: round(median(sdk.map((t) => t.connectedMs))),
          events_per_second: round(n / (sdkTotal / 1000), 0),
          total_ms_runs: sdk.map((t) => round(t.totalMs)),
        },
        raw: {
          total_ms_median: round(rawTotal),
          connected_ms_median: round(median(raw.map((t) => t.connectedMs))),
          events_per_second: round(n / (rawTotal / 1000), 0),
          total_ms_runs: raw.map((t) => round(t.totalMs)),
        },
      };
      rows.push({
        figure: `reconnect + replay ${fmt(n)} missed events (median)`,
        value: `SDK ${ms(sdkTotal)} (${fmt(n / (sdkTotal / 1000))} events/s); raw ${ms(rawTotal)}`,
      });
    }
    // Users resume from a fresh process: the probe of the default bound runs cold, in its own process.
    const probes: ProbeResult[] = [];
    for (let i = 0; i < PROBES; i++) {
      const args = [engine.url, engine.apiKey, sessionId, String(head - largest), String(head)];
      const probe = await spawnChild<ProbeResult>(
        new URL("./support/resume_probe_child.ts", import.meta.url),
        args,
      );
      probes.push(probe.ready);
      await probe.stop();
    }
    const delivered = probes.map((p) => p.delivered);
    figures.default_max_size_probe = { missed: largest, delivered_per_fresh_process: delivered };
    rows.push({
      figure: `listen() with its default queue bound, replay of ${
        fmt(largest)
      }, fresh process (${PROBES} runs)`,
      value: `delivered ${delivered.map((d) => fmt(d)).join(" / ")} of ${fmt(largest)}` +
        (delivered.some((d) => d < largest) ? " (events lost)" : ""),
    });
  } finally {
    await child.stop();
  }
  return {
    id: "resume",
    title: "4. Resume",
    rows,
    figures,
    notes: [
      "Resume: engine in a child process (unthrottled simulator); the log was written while no client was attached; timed from `new Session()` " +
      "to the last replayed event yielded by listen({ maxSize: 0 }), including the WebSocket handshake.",
    ],
  };
}
