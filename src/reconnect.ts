/**
 * How soon to reconnect: jittered exponential backoff. Which closes are final is decided in one table,
 * `internal/close_codes.ts`.
 *
 * @module
 */
import { definedOnly } from "./internal/defined.ts";

/** How a session reconnects after an unexpected drop. */
export interface ReconnectOptions {
  /** Attempts before giving up with `SessionDisconnectedError`; `0` disables reconnecting. @default {8} */
  maxRetries?: number;
  /** Upper bound of the first delay. @default {100} */
  initialDelayMs?: number;
  /** Largest delay between attempts. @default {5000} */
  maxDelayMs?: number;
  /** Growth of the delay bound per attempt. @default {2} */
  factor?: number;
}

/** {@link ReconnectOptions} with every default filled in. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/**
 * The documented reconnect defaults.
 *
 * @example
 * ```ts
 * import { DEFAULT_RECONNECT } from "@vectorshift/sdk";
 * if (DEFAULT_RECONNECT.maxRetries !== 8 || DEFAULT_RECONNECT.maxDelayMs !== 5000) throw new Error("unexpected");
 * ```
 */
export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({
  maxRetries: 8,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  factor: 2,
});

/** Fills in the defaults. */
export function reconnectPolicy(options: ReconnectOptions = {}): ReconnectPolicy {
  return { ...DEFAULT_RECONNECT, ...definedOnly(options) };
}

/**
 * The wait before attempt `attempt` (1-based): full jitter, a uniform random value up to
 * `min(maxDelayMs, initialDelayMs * factor^(attempt-1))`. `minDelayMs` raises the floor (rate limits).
 */
export function backoffDelay(
  policy: ReconnectPolicy,
  attempt: number,
  minDelayMs = 0,
  random = Math.random,
): number {
  const bound = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1),
  );
  return Math.max(minDelayMs, Math.floor(random() * bound));
}
