/**
 * The iterator `Session.listen()` returns. Hand-written rather than an `async function*` because an
 * async generator costs several extra promise turns per event: during a burst (a replay after a
 * reconnect, a fast model) the socket then outpaces even a consumer that does nothing, and the bounded
 * queue overflows. Taking queued events synchronously keeps a prompt consumer level with the socket.
 *
 * @module
 */
import type { Subscription } from "./event_hub.ts";
import type { SessionEvent } from "./session_event.ts";

/** What a listener needs from the session. */
export interface ListenerSource {
  /** Connects when needed and adds a (filtered) subscription; called on the first `next()`. */
  subscribe(signal: AbortSignal | undefined): Promise<Subscription>;
}

type Result = IteratorResult<SessionEvent, void>;

/** An `AsyncGenerator` of session events with the same laziness and `return()` semantics. */
export class Listener implements AsyncGenerator<SessionEvent, void, undefined> {
  readonly #source: ListenerSource;
  readonly #signal: AbortSignal | undefined;
  #subscription: Subscription | undefined;
  #finished = false;
  /** The `next()` in flight, if any: calls are served one after another, as a generator would. */
  #pending: Promise<Result> | undefined;

  /** Creates a listener; nothing happens until the first `next()`. */
  constructor(source: ListenerSource, signal: AbortSignal | undefined) {
    this.#source = source;
    this.#signal = signal;
  }

  /** The next event; `done` once the listener ended. */
  next(): Promise<Result> {
    if (this.#pending) return this.#pending = this.#pending.then(() => this.#next(), () => this.#next());
    const ready = this.#takeReady();
    if (ready) return Promise.resolve(ready);
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
    return Promise.resolve({ done: true, value: undefined });
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

  /** A queued event, taken synchronously; undefined when none is ready. */
  #takeReady(): Result | undefined {
    if (this.#finished || !this.#subscription) return undefined;
    if (this.#signal?.aborted) return undefined;
    const event = this.#subscription.take();
    return event === undefined ? undefined : { done: false, value: event };
  }

  async #next(): Promise<Result> {
    if (this.#finished) return { done: true, value: undefined };
    try {
      this.#signal?.throwIfAborted();
      if (!this.#subscription) {
        const subscription = await this.#source.subscribe(this.#signal);
        if (this.#finished) {
          subscription.close();
          return { done: true, value: undefined };
        }
        this.#subscription = subscription;
      }
      const result = await this.#subscription.next(this.#signal);
      if (!result.done) return { done: false, value: result.value };
    } catch (error) {
      this.#finish();
      throw error;
    }
    this.#finish();
    return { done: true, value: undefined };
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#subscription?.close();
  }
}
