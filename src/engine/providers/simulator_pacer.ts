/**
 * Cheap abortable waits for the simulator's token pacing. Thousands of sessions streaming at once
 * each wait once per token; with a timer, an abort listener and a promise race per wait, those waits
 * were most of the engine's garbage and kept V8's heap large. Here one abort listener serves a whole
 * stream, and waits due in the same millisecond share one timer.
 *
 * A wait of 0 (an unthrottled stream yielding so sockets flush and frames are read) uses
 * `setImmediate`: it runs after the event loop has polled I/O, about 5 µs later, where Deno's
 * `setTimeout(0)` takes about 2 ms and made the timer, not the engine, the limit of a fast stream.
 *
 * @module
 */
import { setImmediate } from "node:timers";

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
}

/** Waiters by the millisecond (of `performance.now()`) they are due, each bucket with one timer. */
const buckets = new Map<number, { waiters: Set<Waiter>; timer: ReturnType<typeof setTimeout> }>();

function fire(due: number): void {
  const bucket = buckets.get(due);
  buckets.delete(due);
  if (bucket) { for (const waiter of bucket.waiters) waiter.resolve(); }
}

function enqueue(waiter: Waiter, ms: number): number {
  const due = Math.ceil(performance.now() + Math.max(0, ms));
  let bucket = buckets.get(due);
  if (!bucket) {
    const timer = setTimeout(fire, Math.max(0, due - performance.now()), due);
    bucket = { waiters: new Set(), timer };
    buckets.set(due, bucket);
  }
  bucket.waiters.add(waiter);
  return due;
}

function dequeue(waiter: Waiter, due: number): void {
  const bucket = buckets.get(due);
  if (!bucket?.waiters.delete(waiter) || bucket.waiters.size > 0) return;
  // The last waiter of the bucket left: no timer may outlive it (Deno's sanitizers, and no wasted wake-up).
  clearTimeout(bucket.timer);
  buckets.delete(due);
}

/** The waits of one stream; {@link Pacer.close} it when the stream ends. */
export class Pacer {
  readonly #signal: AbortSignal;
  #waiter: Waiter | undefined;
  #due = 0;
  readonly #onAbort = () => {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    dequeue(waiter, this.#due);
    waiter.reject(this.#signal.reason);
  };

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * Waits `ms` milliseconds (0 still yields to the event loop), or rejects with the signal's reason as
   * soon as it aborts. One wait at a time.
   */
  sleep(ms: number): Promise<void> {
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    if (ms <= 0) {
      // No timer to cancel: an abort meanwhile is seen by the caller's next signal check.
      return new Promise<void>((resolve) => setImmediate(resolve));
    }
    return new Promise<void>((resolve, reject) => {
      // A waiter left here after its timer fired is harmless: its bucket is gone and its promise settled.
      const waiter: Waiter = { resolve, reject };
      this.#waiter = waiter;
      this.#due = enqueue(waiter, ms);
    });
  }

  /** Stops listening to the signal and cancels a pending wait's timer. */
  close(): void {
    this.#signal.removeEventListener("abort", this.#onAbort);
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      dequeue(waiter, this.#due);
    }
  }
}
