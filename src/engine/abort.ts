/**
 * The engine's one abortable wait: {@link raceAbort} stops waiting the moment a signal aborts, even
 * when the awaited code (a provider stream, a tool, a socket) is slow to notice. Sleeps, stream
 * iteration and bounded waits are built on it, so every wait in the engine cancels the same way.
 *
 * @module
 */

/**
 * Resolves like `promise`, but rejects with the signal's reason as soon as it aborts.
 *
 * @example Stop waiting when a turn is cancelled
 * ```ts
 * import { raceAbort } from "./abort.ts";
 * const controller = new AbortController();
 * const waiting = raceAbort(new Promise(() => {}), controller.signal);
 * controller.abort(new Error("cancelled"));
 * await waiting.catch((error) => console.log(error.message)); // "cancelled"
 * ```
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The loser of the race may still settle later; keep its rejection from going unhandled.
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  const { promise: aborted, reject } = Promise.withResolvers<never>();
  const onAbort = () => reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts; the timer is
 * cleared either way, so nothing is left behind for Deno's sanitizers.
 *
 * @param ms How long to wait; 0 still yields to the event loop (a macrotask).
 * @example Sleep that a signal can cut short
 * ```ts
 * import { abortableSleep } from "./abort.ts";
 * await abortableSleep(1, AbortSignal.timeout(1000));
 * ```
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slept = new Promise<void>((resolve) => timer = setTimeout(resolve, Math.max(0, ms)));
  return raceAbort(slept, signal).finally(() => clearTimeout(timer));
}

/**
 * Waits for `promise` at most `ms` milliseconds; resolves true when it settled in time. Its
 * rejection counts as settled (callers wait for things to end, not for them to succeed).
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const done = new AbortController();
  const settled = promise.then(() => true, () => true).finally(() => done.abort());
  return await Promise.race([settled, abortableSleep(ms, done.signal).then(() => false, () => true)]);
}

/**
 * Iterates `source`, throwing the signal's reason as soon as it aborts (without waiting for the
 * pending `next()`), and closes the source iterator on exit. One abort listener serves the whole
 * iteration (a stream may have thousands of steps; a listener and a race per step was most of the
 * engine's per-token garbage).
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  let rejectStep: ((reason: unknown) => void) | undefined;
  const onAbort = () => rejectStep?.(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      const next = iterator.next();
      const step = await new Promise<IteratorResult<T>>((resolve, reject) => {
        if (signal.aborted) {
          // The pending step may still settle later; keep its rejection from going unhandled.
          next.catch(() => {});
          reject(signal.reason);
          return;
        }
        rejectStep = reject;
        next.then(resolve, reject);
      });
      rejectStep = undefined;
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    rejectStep = undefined;
    signal.removeEventListener("abort", onAbort);
    // An async generator queues return() behind a pending next(), so this cannot throw "already running".
    if (!finished) iterator.return?.()?.catch(() => {});
  }
}
