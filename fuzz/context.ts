/**
 * State shared by the phases of one run: options, documented codes, failures, counters, the engine
 * now under attack (it changes when a crash forces a restart) and the case schedule. Cases are
 * numbered per phase across restarts, so `--replay phase:N` finds the same case again.
 *
 * @module
 */
import type { Fixtures } from "./fixtures.ts";
import type { CaseRef, Findings } from "./findings.ts";
import type { FuzzOptions } from "./options.ts";
import type { ProtocolFacts } from "./protocol_facts.ts";
import { Rng } from "./random.ts";

/** Phases with numbered cases. */
export type Phase = "ws" | "conn" | "raw" | "rest";

/** Running totals for the summary. */
export interface Counters {
  wsFrames: number;
  wsBytes: number;
  connCases: number;
  rawCases: number;
  restRequests: number;
  rest5xx: number;
  restStatuses: Record<string, number>;
  closeCodes: Record<string, number>;
  errorCodes: Record<string, number>;
  engineStarts: number;
}

/** Everything a phase needs. */
export interface FuzzContext {
  options: FuzzOptions;
  facts: ProtocolFacts;
  findings: Findings;
  counters: Counters;
  /** The current engine's fixtures. */
  fixtures: Fixtures;
  /** Aborted when the run's time is up or the engine died: stop starting cases. */
  signal: AbortSignal;
  /** The next case number of `phase`, or undefined when the phase is done for this round. */
  nextCase(phase: Phase): number | undefined;
  /** Progress and failure lines. */
  log(line: string): void;
}

/** Case numbering of the four phases, shared across engine restarts. */
export class Schedule {
  readonly #next: Record<Phase, number> = { ws: 0, conn: 0, raw: 0, rest: 0 };
  readonly #total: Record<Phase, number>;
  readonly #replay: { phase: Phase; index: number } | undefined;
  #replayed = false;

  constructor(total: Record<Phase, number>, replay: string | undefined) {
    this.#total = total;
    if (replay !== undefined) {
      const [phase, index] = replay.split(":");
      if (!["ws", "conn", "raw", "rest"].includes(phase ?? "") || !Number.isInteger(Number(index))) {
        throw new Error(`--replay takes PHASE:N with PHASE one of ws, conn, raw, rest; got ${replay}.`);
      }
      this.#replay = { phase: phase as Phase, index: Number(index) };
    }
  }

  /** The next case of `phase`, or undefined when it has run them all. */
  next(phase: Phase): number | undefined {
    if (this.#replay) {
      if (this.#replayed || this.#replay.phase !== phase) return undefined;
      this.#replayed = true;
      return this.#replay.index;
    }
    if (this.#next[phase] >= this.#total[phase]) return undefined;
    return this.#next[phase]++;
  }

  /** Whether every phase has handed out all its cases. */
  get done(): boolean {
    if (this.#replay) return this.#replayed;
    return (Object.keys(this.#next) as Phase[]).every((p) => this.#next[p] >= this.#total[p]);
  }

  /** Cases handed out so far, per phase. */
  get started(): Record<Phase, number> {
    return { ...this.#next };
  }
}

/** Zeroed counters. */
export function newCounters(): Counters {
  return {
    wsFrames: 0,
    wsBytes: 0,
    connCases: 0,
    rawCases: 0,
    restRequests: 0,
    rest5xx: 0,
    restStatuses: {},
    closeCodes: {},
    errorCodes: {},
    engineStarts: 0,
  };
}

/** Adds one to `record[key]`. */
export function bump(record: Record<string, number>, key: string | number): void {
  record[key] = (record[key] ?? 0) + 1;
}

/**
 * Runs the cases of `phase` one after another until the phase is done or the run stops: each case gets
 * its own generator (so it replays alone) and is tracked in flight (so a crash is blamed on it); an
 * error thrown by a case is logged, never fatal to the worker.
 */
export async function runCases(
  ctx: FuzzContext,
  phase: Phase,
  run: (rng: Rng, ref: CaseRef) => Promise<void>,
): Promise<void> {
  while (!ctx.signal.aborted) {
    const index = ctx.nextCase(phase);
    if (index === undefined) break;
    const ref: CaseRef = { phase, index, input: "" };
    const done = ctx.findings.begin(ref);
    try {
      await run(Rng.forCase(ctx.options.seed, phase, index), ref);
    } catch (error) {
      if (!ctx.signal.aborted) {
        ctx.log(`${phase} case ${index}: ${error instanceof Error ? error.message : error}`);
      }
    } finally {
      done();
    }
  }
}
