/**
 * One fuzz run: starts the engine process, creates the fixtures, runs the well-behaved client and
 * every attack phase concurrently until the schedule or the time limit is done, restarts the engine
 * after a crash (so one crash does not hide the next defect), then runs the SDK phase and builds the
 * summary. Used by `fuzz/main.ts` and by the smoke test.
 *
 * @module
 */
import { connWorker } from "./conn_attack.ts";
import { type Counters, type FuzzContext, newCounters, type Phase, Schedule } from "./context.ts";
import { type EngineMemorySample, EngineProcess } from "./engine_process.ts";
import { type Finding, Findings } from "./findings.ts";
import { createFixtures } from "./fixtures.ts";
import { observe, ObserverStats } from "./observer.ts";
import type { FuzzOptions } from "./options.ts";
import { loadProtocolFacts } from "./protocol_facts.ts";
import { rawWorker } from "./raw_attack.ts";
import { idleChecks, restWorker } from "./rest_attack.ts";
import { loadRestSpec } from "./rest_cases.ts";
import { runSdkPhase, type SdkResult } from "./sdk_phase.ts";
import { wsWorker } from "./ws_attack.ts";
import { normalize } from "./ws_checks.ts";

/** The outcome of a run; also what `--write-results` writes. */
export interface FuzzSummary {
  seed: number;
  verdict: "pass" | "fail";
  seconds: number;
  options: FuzzOptions;
  counters: Counters;
  engineCrashes: number;
  http5xx: number;
  undocumentedCodes: number;
  closesWithoutCode: number;
  socketsPastTimeout: number;
  peakEngineRssMiB: number;
  /**
   * Engine memory reports (after a full GC): the one with the highest RSS, and the last one, taken
   * once the attack had stopped.
   */
  engineMemory: { peak: EngineMemorySample | undefined; end: EngineMemorySample | undefined };
  observer: { pings: number; p50Ms: number; p99Ms: number; maxMs: number; posts: number; acks: number };
  sdk: SdkResult;
  failureCounts: Record<string, number>;
  failures: Finding[];
  casesStarted: Record<Phase, number>;
}

/** Connection-level and raw cases per WebSocket fuzz frame: they are slower (they wait for timeouts). */
const CONN_PER_FRAME = 1 / 150;
const RAW_PER_FRAME = 1 / 100;

/** Runs the whole fuzz; `log` gets progress and failure lines. */
export async function runFuzz(options: FuzzOptions, log: (line: string) => void): Promise<FuzzSummary> {
  const started = performance.now();
  log(`fuzz seed ${options.seed} (replay with --seed ${options.seed})`);
  const facts = await loadProtocolFacts();
  const spec = await loadRestSpec();
  const findings = new Findings(options.seed, options.verbose ? log : undefined);
  const counters = newCounters();
  const schedule = new Schedule({
    ws: options.wsFrames,
    conn: options.wsFrames > 0 ? Math.ceil(options.wsFrames * CONN_PER_FRAME) : 0,
    raw: options.wsFrames > 0 ? Math.ceil(options.wsFrames * RAW_PER_FRAME) : 0,
    rest: options.rest,
  }, options.replay);
  const overall = new AbortController();
  const timeUp = setTimeout(() => overall.abort(), options.timeLimitMs);
  const stats = new ObserverStats();
  let peakRss = 0;
  const memory: FuzzSummary["engineMemory"] = { peak: undefined, end: undefined };
  const dataDir = await Deno.makeTempDir({ prefix: "vectorshift-fuzz-" });
  let crashes = 0;
  let idleDone = options.replay !== undefined;
  try {
    while (!schedule.done && !overall.signal.aborted && crashes <= options.maxRestarts) {
      const round = new AbortController();
      const suspects = () =>
        findings.suspects().slice(0, 12).map((s) => `${s.phase}:${s.index} ${s.input.slice(0, 80)}`).join(
          " || ",
        );
      const engine = await EngineProcess.start(
        {
          apiKeys: [`vs-fuzz-attacker-${options.seed}`, `vs-fuzz-observer-${options.seed}`],
          handshakeTimeoutMs: options.handshakeTimeoutMs,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          maxFrameBytes: options.maxFrameBytes,
          offlineModel: { tokensPerSecond: 0 },
          // The attacker must reach deep code, not the rate limiter: one key sends tens of thousands of frames.
          rateLimit: { framesPerSecond: 100_000, burst: 100_000 },
          // As the standalone engine runs: HTTP timeouts on, state in SQLite (memory holds only the
          // sessions in use).
          httpIdleTimeoutMs: 30_000,
          ...(options.memoryStore ? {} : { dataDir }),
        },
        {
          onCrashLine: (line) =>
            findings.fail(
              "engine_error_line",
              normalize(line),
              findings.suspects()[0],
              `${line} | suspects: ${suspects()}`,
            ),
          onExit: (code, signal, last) => {
            crashes++;
            const why = last.filter((l) => /Error|panicked|error:/i.test(l)).slice(-2).join(" / ") ||
              `exit ${code} ${signal ?? ""}`;
            findings.fail("engine_crash", normalize(why), findings.suspects()[0], `suspects: ${suspects()}`);
            round.abort();
          },
          onRssOverBound: (bytes) =>
            findings.fail(
              "engine_rss",
              `engine RSS above ${options.maxRssBytes / 2 ** 20} MiB`,
              findings.suspects()[0],
              `${Math.round(bytes / 2 ** 20)} MiB; suspects: ${suspects()}`,
            ),
          onMemory: (sample) => {
            if (sample.rssBeforeGc > (memory.peak?.rssBeforeGc ?? -1)) memory.peak = sample;
            if (sample.rss > options.maxRetainedBytes && findings.count("engine_retained") === 0) {
              findings.fail(
                "engine_retained",
                `engine RSS after a full GC above ${options.maxRetainedBytes / 2 ** 20} MiB`,
                findings.suspects()[0],
                `${formatMemory(sample)}; suspects: ${suspects()}`,
              );
            }
            log(`engine memory: ${formatMemory(sample)}`);
          },
        },
        options.maxRssBytes,
        options.engineV8Flags,
      );
      counters.engineStarts++;
      const signal = AbortSignal.any([overall.signal, round.signal]);
      try {
        const fixtures = await createFixtures(engine.ready.url, engine.ready.apiKeys);
        const ctx: FuzzContext = {
          options,
          facts,
          findings,
          counters,
          fixtures,
          signal,
          nextCase: (phase) => signal.aborted ? undefined : schedule.next(phase),
          log,
        };
        const observerStop = new AbortController();
        const observer = observe(ctx, stats, AbortSignal.any([observerStop.signal, signal]));
        const idle = idleDone ? Promise.resolve() : idleChecks(ctx);
        idleDone = true;
        const progress = setInterval(() => {
          if (options.verbose) {
            log(
              `progress: ${
                JSON.stringify(schedule.started)
              } frames ${counters.wsFrames} rest ${counters.restRequests} failures ${findings.total} rss ${
                Math.round(engine.peakRss / 2 ** 20)
              } MiB`,
            );
          }
        }, 5000);
        try {
          await Promise.all([
            ...Array.from({ length: options.wsWorkers }, () => wsWorker(ctx)),
            ...Array.from({ length: 4 }, () => connWorker(ctx)),
            ...Array.from({ length: 2 }, () => rawWorker(ctx)),
            ...Array.from({ length: options.restWorkers }, () => restWorker(ctx, spec)),
            idle,
          ]);
        } finally {
          clearInterval(progress);
          observerStop.abort();
          await observer.catch((error) =>
            findings.fail("observer", "well-behaved client failed", undefined, String(error))
          );
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        memory.end = await engine.memory() ?? memory.end;
        await engine.sampleRss();
        peakRss = Math.max(peakRss, engine.peakRss);
        if (!round.signal.aborted && engine.exited) round.abort();
        await engine.stop();
      }
      if (!round.signal.aborted) break;
      log(`engine crashed (${crashes}); restarting to continue the schedule`);
    }
  } finally {
    clearTimeout(timeUp);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  const left = Math.max(10_000, options.timeLimitMs - (performance.now() - started));
  const sdk = options.replay === undefined
    ? await runSdkPhase(options.seed, options.sdkCases, left, log)
    : { skipped: "sdk phase skipped: --replay", cases: 0, failures: [], seconds: 0 };
  for (const failure of sdk.failures) {
    findings.fail("sdk", normalize(failure), { phase: "sdk", index: -1, input: failure }, failure);
  }
  const p99 = stats.quantile(0.99);
  if (stats.rtts.length > 0 && p99 > options.p99RttMs) {
    findings.fail(
      "observer",
      `well-behaved ping p99 ${p99.toFixed(1)} ms above ${options.p99RttMs} ms`,
      undefined,
    );
  }
  if (stats.max > options.maxRttMs) {
    findings.fail(
      "observer",
      `well-behaved ping max ${stats.max.toFixed(1)} ms above ${options.maxRttMs} ms`,
      undefined,
    );
  }
  if (peakRss > options.maxRssBytes && findings.count("engine_rss") === 0) {
    findings.fail("engine_rss", `engine RSS above ${options.maxRssBytes / 2 ** 20} MiB`, undefined);
  }
  const counts = findings.counts();
  return {
    seed: options.seed,
    verdict: findings.total === 0 ? "pass" : "fail",
    seconds: Math.round((performance.now() - started) / 100) / 10,
    options,
    counters,
    engineCrashes: crashes,
    http5xx: counters.rest5xx + (counts.raw_bad_answer ?? 0),
    undocumentedCodes: (counts.ws_undocumented_close ?? 0) + (counts.ws_bad_error_code ?? 0),
    closesWithoutCode: counts.ws_close_without_code ?? 0,
    socketsPastTimeout: counts.ws_past_timeout ?? 0,
    peakEngineRssMiB: Math.round(peakRss / 2 ** 20),
    engineMemory: memory,
    observer: {
      pings: stats.rtts.length,
      p50Ms: round2(stats.quantile(0.5)),
      p99Ms: round2(p99),
      maxMs: round2(stats.max),
      posts: stats.posts,
      acks: stats.acks,
    },
    sdk,
    failureCounts: counts,
    failures: findings.distinct(),
    casesStarted: schedule.started,
  };
}

/** One memory report on one line, in MiB. */
export function formatMemory(m: EngineMemorySample): string {
  const mib = (n: number) => `${Math.round(n / 2 ** 20)}`;
  return `at ${m.atS} s: RSS ${mib(m.rssBeforeGc)} MiB (${mib(m.rss)} after GC), heap used ${
    mib(m.heapUsed)
  } of ${mib(m.heapTotal)} MiB, external ${
    mib(m.external)
  } MiB, ${m.sessionsActive} active / ${m.sessionsTerminated} terminated sessions${
    m.gc ? `, GC ${m.gcMs} ms` : ", no GC (--expose-gc missing)"
  }`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
