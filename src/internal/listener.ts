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
  #connected = false;
  #finished = false;
  /** The `next()` in flight, if any: calls are served one after another, as a generator would. */
  #pending: Promise<Result> | undefined;

  /** Wraps a subscription made now; `connect` runs on the first `next()`. */
  constructor(subscription: Subscription, connect: Connect, signal: AbortSignal | undefined) {
    this.#subscription = subscription;
    this.#connect = connect;
    this.#signal = signal;
  }

  /** The next event; `done` once the listener ended. */
  next(): Promise<Result> {
    if (this.#pending) return this.#pending = this.#pending.then(() => this.#next(), () => this.#next());
    if (this.#connected && !this.#finished && !this.#signal?.aborted) {
      const event = this.#subscription.take();
      if (event !== undefined) return Promise.resolve({ done: false, value: event });
    }
    const pending = this.#next();
    this.#pending = pending;
    const clear = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
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

  async #next(): Promise<Result> {
    if (this.#finished) return DONE;
    try {
      this.#signal?.throwIfAborted();
      if (!this.#connected) {
        try {
          await this.#connect(this.#signal);
        } catch (error) {
          // The link ended right after it attached: the listener gets what came, then the error.
          if (!this.#subscription.ended || this.#signal?.aborted) throw error;
        }
        this.#connected = true;
        if (this.#finished) return DONE;
      }
      const result = await this.#subscription.next(this.#signal);
      if (!result.done) return result;
    } catch (error) {
      this.#finish();
      throw error;
    }
    this.#finish();
    return DONE;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#subscription.close();
  }
}
