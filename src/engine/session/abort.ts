/**
 * Abort plumbing for turns: why a turn was stopped, and helpers that stop waiting the moment a signal
 * aborts even when the awaited code (a provider stream, a tool) is slow to notice.
 *
 * @module
 */

/** Why a running turn was stopped. */
export type StopKind = "cancel" | "terminate" | "shutdown";

/** The abort reason of a turn's signal. */
export class TurnStopped extends Error {
  /** What stopped the turn. */
  readonly kind: StopKind;
  /** The reason the client gave, if any. */
  readonly reason: string | undefined;

  constructor(kind: StopKind, reason?: string) {
    super(`Turn stopped (${kind})${reason ? `: ${reason}` : ""}.`);
    this.name = "TurnStopped";
    this.kind = kind;
    this.reason = reason;
  }
}

/** The {@link TurnStopped} reason of an aborted signal, if that is what aborted it. */
export function stopOf(signal: AbortSignal): TurnStopped | undefined {
  return signal.aborted && signal.reason instanceof TurnStopped ? signal.reason : undefined;
}

/** Resolves like `promise`, but rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  const { promise: aborted, reject } = Promise.withResolvers<never>();
  const onAbort = () => reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  // The loser of the race may still settle later; keep its rejection from going unhandled.
  promise.catch(() => {});
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

/**
 * Iterates `source`, throwing the signal's reason as soon as it aborts (without waiting for the
 * pending `next()`), and closes the source iterator on exit.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      const step = await raceAbort(iterator.next(), signal);
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    // An async generator queues return() behind a pending next(), so this cannot throw "already running".
    if (!finished) iterator.return?.()?.catch(() => {});
  }
}
