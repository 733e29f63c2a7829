/**
 * The outcome of a conformance run: one result per check and a summary.
 *
 * @module
 */

/** How one check ended. */
export type CheckStatus = "pass" | "fail" | "skip";

/** The outcome of one check. */
export interface CheckResult {
  /** The check's id, such as `replay.after_cursor`. */
  id: string;
  /** The guarantee it tests. */
  guarantee: string;
  /** Passed, failed, or skipped. */
  status: CheckStatus;
  /** For a failure, what the server did; for a skip, why the check did not run. */
  message?: string;
  /** How long the check took, in milliseconds. */
  ms: number;
}

/** Every result of a run, with counts. */
export interface ConformanceReport {
  /** One result per check run, in run order. */
  results: CheckResult[];
  /** Checks that passed. */
  passed: number;
  /** Checks that failed. */
  failed: number;
  /** Checks that were skipped. */
  skipped: number;
  /** True when no check failed. */
  ok: boolean;
  /** Wall time of the whole run, in milliseconds. */
  ms: number;
}

/** One line for a result: `PASS id (ms)`, `FAIL id: guarantee -- message`, `SKIP id: reason`. */
export function formatResult(result: CheckResult): string {
  const time = `${Math.round(result.ms)} ms`;
  switch (result.status) {
    case "pass":
      return `PASS ${result.id} (${time})`;
    case "fail":
      return `FAIL ${result.id} (${time})\n     guarantee: ${result.guarantee}\n     ${result.message}`;
    case "skip":
      return `SKIP ${result.id}: ${result.message}`;
  }
}

/** The closing line: counts and time. */
export function formatSummary(report: ConformanceReport): string {
  const verdict = report.ok ? "conformant" : "NOT conformant";
  return `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ` +
    `${(report.ms / 1000).toFixed(1)} s: ${verdict}`;
}
