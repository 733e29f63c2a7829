/**
 * What one conformance check is, and how a check says "failed" or "cannot run here".
 *
 * @module
 */
import type { CheckContext } from "./context.ts";

/** One check: a guarantee of `docs/protocol.md`, tested black-box over REST and WebSocket. */
export interface Check {
  /** Stable id, `group.name` (for example `handshake.bad_key`); `only` filters on it. */
  readonly id: string;
  /** The guarantee, in one sentence, as `docs/protocol.md` states it. */
  readonly guarantee: string;
  /** Runs the check; throws {@link ConformanceFailure} (or any error) to fail, {@link CheckSkipped} to skip. */
  run(ctx: CheckContext): Promise<void>;
}

/** The server broke the guarantee; the message says what it did instead. */
export class ConformanceFailure extends Error {
  /** A failure with a message saying what the server did instead of what the guarantee says. */
  constructor(message: string) {
    super(message);
    this.name = "ConformanceFailure";
  }
}

/** The check cannot run against this server or with these options; the message says why. */
export class CheckSkipped extends Error {
  /** A skip with the reason, phrased so the reader knows what would let the check run. */
  constructor(reason: string) {
    super(reason);
    this.name = "CheckSkipped";
  }
}

/** Fails the check with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Fails unless `actual === expected`, naming both. */
export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) {
    throw new ConformanceFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** A value as a failure message quotes it: JSON, cut to a readable length. */
export function show(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}
