/**
 * Bounded waiting for benchmarks: every wait has a deadline, so no measurement can hang the run.
 *
 * @module
 */

/** Resolves after `ms`; rejects with `signal.reason` when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const onAbort = () => {
    clearTimeout(timer);
    reject(signal?.reason);
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener("abort", onAbort);
    resolve();
  }, ms);
  signal?.addEventListener("abort", onAbort, { once: true });
  return promise;
}

/**
 * Waits for `promise` at most `ms`; rejects with an error naming `what` when the deadline passes.
 * The timer is always cleared, so nothing outlives the wait.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`Benchmark step timed out after ${ms} ms: ${what}. The machine may be overloaded.`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A deadline signal that says what timed out. */
export function deadline(ms: number, what: string): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`Benchmark step timed out after ${ms} ms: ${what}.`)),
    ms,
  );
  // A finished step must not keep the process alive until the deadline.
  Deno.unrefTimer(timer);
  return controller.signal;
}

/** Polls `check` every `everyMs` until it returns true; false when `ms` passed first. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  ms: number,
  everyMs = 0,
): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Watches a progress counter and aborts `controller` once it has moved and then not moved for
 * `idleMs` (a stream whose last event was lost never ends on its own). Before the first progress it
 * waits; the caller's own deadline bounds that. Returns a function that ends the watch.
 */
export function abortWhenIdle(
  count: () => number,
  idleMs: number,
  controller: AbortController,
): () => Promise<void> {
  const done = new AbortController();
  const watching = (async () => {
    let seen = 0;
    while (!done.signal.aborted && !controller.signal.aborted) {
      const now = count();
      if (now > 0 && now === seen) break;
      seen = now;
      await sleep(idleMs, done.signal).catch(() => {});
    }
    if (!done.signal.aborted) controller.abort(new Error(`no progress for ${idleMs} ms`));
  })();
  return async () => {
    done.abort();
    await watching;
  };
}
