/**
 * Measurement 3, terminate latency: a real engine in process streams an essay at 200 tokens/s; at the
 * first delta the SDK calls `terminate()`. Measured: time until the engine's `/metrics` reports no
 * active generation, time until `terminate()` resolves, and how many deltas `listen()` still yields
 * after `terminate()` was called (must be 0).
 *
 * @module
 */
import { startEngine } from "../src/engine/mod.ts";
import { essayAgent, readMetric } from "./support/engine_setup.ts";
import { fmt, type MeasurementResult, ms } from "./support/report.ts";
import { round, roundSummary, summarize } from "./support/stats.ts";
import { deadline, within } from "./support/timing.ts";

/** Sizes of the terminate measurement. */
export interface TerminateConfig {
  /** How many sessions are started and terminated. */
  repetitions: number;
}

const TARGET_MS = 50;
const TOKENS_PER_SECOND = 200;
const GAUGE = "vectorshift_active_generations";
/** Longest one repetition may take (create, first delta, terminate, idle). */
const REPETITION_LIMIT_MS = 15_000;

interface Repetition {
  idleMs: number;
  resolvedMs: number;
  lateDeltas: number;
}

/** Polls `/metrics` back to back (each read is one loopback round trip) until the gauge reads 0. */
async function untilIdle(url: string, since: number): Promise<number> {
  const end = since + REPETITION_LIMIT_MS;
  while (performance.now() < end) {
    if ((await readMetric(url, GAUGE)) === 0) return performance.now() - since;
  }
  throw new Error(`${GAUGE} did not reach 0 within ${REPETITION_LIMIT_MS} ms of terminate().`);
}

/** Runs the terminate measurement. */
export async function measureTerminate(config: TerminateConfig): Promise<MeasurementResult> {
  const engine = await startEngine({
    port: 0,
    offlineModel: { tokensPerSecond: TOKENS_PER_SECOND },
    rateLimit: { framesPerSecond: 100_000, burst: 100_000 },
  });
  const reps: Repetition[] = [];
  let warmup: Repetition | undefined;
  try {
    const agent = await essayAgent(engine, "Terminate bench essayist");
    // The first run pays for JIT compilation of the whole path; it is reported apart.
    warmup = await repetition(engine.url, agent);
    for (let i = 0; i < config.repetitions; i++) reps.push(await repetition(engine.url, agent));
  } finally {
    await engine.close();
  }
  const idle = summarize(reps.map((r) => r.idleMs));
  const resolved = summarize(reps.map((r) => r.resolvedMs));
  const late = reps.reduce((total, r) => total + r.lateDeltas, 0);
  return {
    id: "terminate",
    title: "3. Terminate",
    rows: [
      {
        figure: "terminate() → engine reports no active generation (p50 / p99 / max)",
        value: `${ms(idle.p50)} / ${ms(idle.p99)} / ${ms(idle.max)}`,
        target: { text: `< ${TARGET_MS} ms`, met: idle.p99 < TARGET_MS },
      },
      {
        figure: "terminate() → promise resolves (p50 / p99)",
        value: `${ms(resolved.p50)} / ${ms(resolved.p99)}`,
      },
      {
        figure: "deltas yielded after terminate()",
        value: `${fmt(late)} in ${fmt(reps.length)} runs`,
        target: { text: "0", met: late === 0 },
      },
    ],
    figures: {
      repetitions: reps.length,
      tokens_per_second: TOKENS_PER_SECOND,
      to_idle_ms: roundSummary(idle, 3),
      to_resolved_ms: roundSummary(resolved, 3),
      late_deltas_total: late,
      late_deltas_per_run: reps.map((r) => r.lateDeltas),
      warmup_run: warmup && { idle_ms: round(warmup.idleMs, 3), late_deltas: warmup.lateDeltas },
    },
    notes: [
      `Terminate: engine in process, ${TOKENS_PER_SECOND} tokens/s essay; "idle" is the first /metrics read with ` +
      `${GAUGE} = 0 (polled back to back, so its resolution is one loopback HTTP round trip). One warm-up run (JIT) is ` +
      "excluded from the figures and shown apart in the JSON.",
    ],
  };
}

async function repetition(url: string, agent: Awaited<ReturnType<typeof essayAgent>>): Promise<Repetition> {
  const signal = deadline(REPETITION_LIMIT_MS, "terminate repetition");
  const session = await agent.createSession();
  let started = 0;
  let lateDeltas = 0;
  let resolved: Promise<number> | undefined;
  let idle: Promise<number> | undefined;
  try {
    await session.connect({ signal });
    const listening = (async () => {
      for await (const event of session.listen({ signal })) {
        if (event.type !== "message_delta") continue;
        if (started !== 0) {
          lateDeltas++;
          continue;
        }
        started = performance.now();
        const since = started;
        resolved = session.terminate().then(() => performance.now() - since);
        idle = untilIdle(url, since);
      }
    })();
    await session.send("Go ahead.", { signal });
    await listening;
    if (!resolved || !idle) {
      throw new Error("The listener ended before the first delta; the essay turn did not start.");
    }
    const [resolvedMs, idleMs] = await within(
      Promise.all([resolved, idle]),
      REPETITION_LIMIT_MS,
      "terminate",
    );
    return { idleMs, resolvedMs, lateDeltas };
  } finally {
    await session.disconnect();
  }
}
