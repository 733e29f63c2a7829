/**
 * A timer that an `AbortSignal` cancels, so a streaming provider stops at once when a turn is
 * cancelled or the session terminated (and leaves no timer behind for Deno's sanitizers).
 *
 * @module
 */

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts.
 *
 * @param ms How long to wait; 0 still yields to the event loop (a macrotask).
 * @param signal Cancels the wait.
 * @throws The signal's abort reason when it aborts before the time is up.
 * @example Sleep that a signal can cut short
 * ```ts
 * import { abortableSleep } from "./abortable_sleep.ts";
 * await abortableSleep(1, AbortSignal.timeout(1000));
 * ```
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const onAbort = () => {
    clearTimeout(timer);
    reject(signal.reason);
  };
  const timer = setTimeout(() => {
    signal.removeEventListener("abort", onAbort);
    resolve();
  }, Math.max(0, ms));
  signal.addEventListener("abort", onAbort, { once: true });
  return promise;
}
