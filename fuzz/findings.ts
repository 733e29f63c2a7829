/**
 * Failures found during a run, grouped into distinct signatures (kind + what went wrong) so ten
 * thousand hits of one defect read as one line with a count and its first reproducing case. Also keeps
 * the cases in flight, so an engine crash or a stderr stack trace can be blamed on the cases that were
 * being sent when it happened.
 *
 * @module
 */
import { truncate } from "./random.ts";

/** Kinds of failure; the summary counts each. */
export type FailureKind =
  | "engine_crash"
  | "engine_error_line"
  | "engine_rss"
  | "engine_retained"
  | "http_5xx"
  | "http_no_answer"
  | "ws_undocumented_close"
  | "ws_close_without_code"
  | "ws_past_timeout"
  | "ws_bad_error_code"
  | "ws_unanswered_frame"
  | "ws_invalid_server_frame"
  | "raw_bad_answer"
  | "observer"
  | "sdk";

/** One case: phase, number and a short description of its input. */
export interface CaseRef {
  phase: string;
  index: number;
  input: string;
}

/** A distinct failure with its first reproducing case. */
export interface Finding {
  kind: FailureKind;
  signature: string;
  count: number;
  first: { seed: number; phase: string; index: number; input: string; detail: string };
}

/** Collects failures. */
export class Findings {
  readonly #seed: number;
  readonly #byKey = new Map<string, Finding>();
  readonly #counts = new Map<FailureKind, number>();
  readonly #inFlight = new Set<CaseRef>();
  readonly #recent: CaseRef[] = [];
  readonly #log: ((line: string) => void) | undefined;

  constructor(seed: number, log?: (line: string) => void) {
    this.#seed = seed;
    this.#log = log;
  }

  /** Records a failure; `signature` groups repeats (keep ids and sizes out of it). */
  fail(kind: FailureKind, signature: string, at: CaseRef | undefined, detail = ""): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    const key = `${kind}|${signature}`;
    const existing = this.#byKey.get(key);
    if (existing) {
      existing.count++;
      return;
    }
    const first = {
      seed: this.#seed,
      phase: at?.phase ?? "-",
      index: at?.index ?? -1,
      input: truncate(at?.input ?? "", 200),
      detail: truncate(detail, 300),
    };
    this.#byKey.set(key, { kind, signature, count: 1, first });
    this.#log?.(
      `FAIL ${kind}: ${signature} (seed ${this.#seed}, case ${first.phase}:${first.index}) input: ${first.input}` +
        (first.detail ? ` detail: ${first.detail}` : ""),
    );
  }

  /** Marks a case as being sent; returns a function that marks it done. */
  begin(ref: CaseRef): () => void {
    this.#inFlight.add(ref);
    this.#recent.push(ref);
    if (this.#recent.length > 20) this.#recent.shift();
    return () => this.#inFlight.delete(ref);
  }

  /** The cases in flight now, or the most recent ones when none is. */
  suspects(): CaseRef[] {
    return this.#inFlight.size > 0 ? [...this.#inFlight] : [...this.#recent].slice(-5);
  }

  /** How many failures of `kind` were recorded. */
  count(kind: FailureKind): number {
    return this.#counts.get(kind) ?? 0;
  }

  /** Every failure count by kind. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Total failures. */
  get total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }

  /** The distinct failures, most frequent first. */
  distinct(): Finding[] {
    return [...this.#byKey.values()].sort((a, b) => b.count - a.count);
  }
}
