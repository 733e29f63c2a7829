/**
 * The SDK phase: hostile servers against the SDK, written in `fuzz/sdk_hostile.ts` by another
 * helper. Loaded dynamically so the engine fuzzer runs (and reports the phase as skipped) while that
 * file does not exist yet.
 *
 * @module
 */

/** The contract of `fuzz/sdk_hostile.ts`. */
export type RunSdkFuzz = (options: {
  seed: number;
  cases: number;
  timeLimitMs: number;
  log: (line: string) => void;
}) => Promise<{ cases: number; failures: string[] }>;

/** What the phase did. */
export interface SdkResult {
  skipped: string | undefined;
  cases: number;
  failures: string[];
  seconds: number;
}

/** Runs the SDK phase, or reports why it was skipped. */
export async function runSdkPhase(
  seed: number,
  cases: number,
  timeLimitMs: number,
  log: (line: string) => void,
): Promise<SdkResult> {
  if (cases <= 0) return { skipped: "sdk phase skipped: --sdk-cases 0", cases: 0, failures: [], seconds: 0 };
  let run: RunSdkFuzz;
  try {
    const path = "./sdk_hostile.ts";
    const module = await import(path) as { runSdkFuzz?: RunSdkFuzz };
    if (typeof module.runSdkFuzz !== "function") {
      return {
        skipped: "sdk phase skipped: fuzz/sdk_hostile.ts exports no runSdkFuzz",
        cases: 0,
        failures: [],
        seconds: 0,
      };
    }
    run = module.runSdkFuzz;
  } catch (error) {
    const missing = error instanceof Error && /not found|Module not found|No such file/i.test(error.message);
    return {
      skipped: missing
        ? "sdk phase skipped: fuzz/sdk_hostile.ts missing"
        : `sdk phase skipped: fuzz/sdk_hostile.ts failed to load: ${error}`,
      cases: 0,
      failures: [],
      seconds: 0,
    };
  }
  const started = performance.now();
  const result = await run({ seed, cases, timeLimitMs, log });
  return {
    skipped: undefined,
    cases: result.cases,
    failures: result.failures,
    seconds: (performance.now() - started) / 1000,
  };
}
