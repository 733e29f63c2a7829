/**
 * The iterator `Session.listen()` returns. Its subscription is made when `listen()` is called, so it
 * gets every event from that moment, however late its first `next()` comes; the socket is opened on
 * the first `next()`. Hand-written rather than an `async function*` because an async generator costs
 * several extra promise turns per event: during a burst the socket then outpaces even a consumer that
 * does nothing, and the bounded queue overflows. Taking queued events synchronously keeps a prompt
 * consumer level with the socket.
 *
 * @module
 */
import type { Subscription } from "./fanout.ts";
import type { SessionEvent } from "../session_event.ts";

type Result = IteratorResult<SessionEvent, void>;

/** Opens the session's socket when needed (the first `next()` calls it). */
export type Connect = (signal: AbortSignal | undefined) => Promise<void>;

const DONE: Result = Object.freeze({ done: true, value: undefined });

/** An `AsyncGenerator` of session events with the same `return()` semantics. */
export class Listener implements AsyncGenerator<SessionEvent, void, undefined> {
  readonly #subscription: Subscription;
  readonly #connect: Connect;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;
  /** Settles once the socket was opened for this listener (or opening failed in a way it reports). */
  #connecting: Promise<void> | undefined;
  #finished = false;
  /** Connected, not finished, signal not aborted: `next()` goes straight to the subscription. */
  #live = false;

  /** Wraps a subscription made now; `connect` runs on the first `next()`. */
  constructor(subscription: Subscription, connect: Connect, signal: AbortSignal | undefined) {
    this.#subscription = subscription;
    this.#connect = connect;
    this.#signal = signal;
    if (signal) {
      // One listener per iterator, not one per wait: the hot path adds nothing for the signal.
      // A waiting next() throws the reason now; otherwise the next call does.
      this.#onAbort = () => {
        this.#live = false; // the next call throws the reason
        if (this.#subscription.interrupt(signal.reason)) this.#finish();
      };
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** The next event; `done` once the listener ended. */
  next(): Promise<Result> {
    // The hot path: a queued event at once, else the queue's own wait, with nothing wrapped around it.
    // A queue that ended (or failed, once) was already dropped by the fan-out; an abort is #onAbort's.
    if (this.#live) return this.#subscription.next() as Promise<Result>;
    if (this.#finished) return Promise.resolve(DONE);
    if (this.#signal?.aborted) {
      this.#finish();
      return Promise.reject(this.#signal.reason);
    }
    return this.#connectThenNext();
  }

  /** Ends this listener only (what `break` in `for await` calls). */
  return(): Promise<Result> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  /** Ends this listener and rethrows `error`. */
  throw(error: unknown): Promise<Result> {
    this.#finish();
    return Promise.reject(error);
  }

  /** This object is its own async iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends this listener (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #connectThenNext(): Promise<Result> {
    this.#connecting ??= this.#open();
    await this.#connecting;
    return await this.next();
  }

  async #open(): Promise<void> {
    try {
      await this.#connect(this.#signal);
    } catch (error) {
      // The link ended right after it attached: the listener gets what came, then the error.
      if (!this.#subscription.ended || this.#signal?.aborted) {
        this.#finish();
        throw error;
      }
    }
    this.#live = !this.#finished && !this.#signal?.aborted;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#live = false;
    if (this.#onAbort) this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#subscription.close();
  }
}
