/**
 * A bounded, single-consumer async queue with an explicit overflow policy.
 *
 * @module
 */

/** A `next()` waiting for an item. */
interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

/** How a queue behaves when full. */
export interface EventQueueOptions<T> {
  /** Most items held at once; `0` means unbounded. */
  maxSize: number;
  /**
   * Called with the item that did not fit (it is dropped). The item it returns, if any, is queued
   * beyond the bound so the consumer learns about the loss; until the consumer takes that marker,
   * further drops are only counted by `dropped`.
   */
  onOverflow?: (dropped: T) => T | undefined;
}

/**
 * Items pushed by a producer and taken by one consumer with `next()`. `close()` ends the consumer
 * after the queued items; `fail(error)` makes it throw once after them (then it is done, as a generator
 * is). Calls to `next()` made before earlier ones settled are served in order.
 */
export class EventQueue<T> {
  readonly #maxSize: number;
  readonly #onOverflow: ((dropped: T) => T | undefined) | undefined;
  // A growable array read from `#head`: O(1) takes without Array#shift, compacted when half consumed.
  #items: T[] = [];
  #head = 0;
  #marker: T | undefined;
  #waiter: Waiter<T> | undefined;
  /** Waiters beyond the first (rare: `next()` called again before the last one settled). */
  #more: Waiter<T>[] = [];
  #ended: { error?: unknown; failed: boolean } | undefined;
  #dropped = 0;

  /** Creates an empty queue with the given bound and overflow policy. */
  constructor(options: EventQueueOptions<T>) {
    this.#maxSize = options.maxSize;
    this.#onOverflow = options.onOverflow;
  }

  /** Items waiting. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** How many items were dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once `close()` or `fail()` was called. */
  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Adds an item; returns false when it was dropped (full or ended). */
  push(item: T): boolean {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      // A waiter means nothing is queued and the queue has not ended: the hot path for a prompt listener.
      this.#waiter = this.#more.length === 0 ? undefined : this.#more.shift();
      waiter.resolve({ done: false, value: item });
      return true;
    }
    if (this.#ended) return false;
    if (this.#maxSize > 0 && this.size >= this.#maxSize) {
      this.#dropped++;
      if (this.#marker === undefined && this.#onOverflow) {
        const marker = this.#onOverflow(item);
        if (marker !== undefined) {
          this.#marker = marker;
          this.#items.push(marker);
        }
      }
      return false;
    }
    this.#items.push(item);
    return true;
  }

  /** Ends the queue: the consumer gets what is queued, then `done`. Idempotent. */
  close(): void {
    this.#end({ failed: false });
  }

  /** Ends the queue with an error: the consumer gets what is queued, then the error is thrown. */
  fail(error: unknown): void {
    this.#end({ failed: true, error });
  }

  #end(state: { error?: unknown; failed: boolean }): void {
    if (this.#ended) return;
    this.#ended = state;
    const waiters = this.#waiter ? [this.#waiter, ...this.#more] : [];
    this.#waiter = undefined;
    this.#more = [];
    for (const waiter of waiters) {
      const result = this.#endResult();
      if (result) waiter.reject(result.error);
      else waiter.resolve({ done: true, value: undefined });
    }
  }

  /** The error to throw once (then undefined: done), for a failed queue. */
  #endResult(): { error: unknown } | undefined {
    const ended = this.#ended;
    if (!ended?.failed) return undefined;
    ended.failed = false; // thrown once; later calls are done
    return { error: ended.error };
  }

  /**
   * Rejects every waiting `next()` with `error` without ending the queue (a listener's signal aborted);
   * returns whether one was waiting.
   */
  interrupt(error: unknown): boolean {
    const waiters = this.#waiter ? [this.#waiter, ...this.#more] : [];
    this.#waiter = undefined;
    this.#more = [];
    for (const waiter of waiters) waiter.reject(error);
    return waiters.length > 0;
  }

  /** Removes and returns every queued item. */
  drain(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#marker = undefined;
    return items;
  }

  /**
   * Puts items back in front of those queued (a listener that stopped reading returns what it had not
   * read). They were accepted once already, so the bound does not drop them; later pushes overflow.
   */
  prepend(items: readonly T[]): void {
    if (items.length === 0 || this.#ended) return;
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = this.#more.shift();
    waiter.resolve({ done: false, value: this.take() as T });
  }

  /** Drops every queued item that matches `predicate` (markers included); returns how many. */
  discard(predicate: (item: T) => boolean): number {
    const kept = this.#items.slice(this.#head).filter((item) => !predicate(item));
    const removed = this.size - kept.length;
    this.#items = kept;
    this.#head = 0;
    if (this.#marker !== undefined && !kept.includes(this.#marker)) this.#marker = undefined;
    return removed;
  }

  /** Takes the next queued item without waiting; `undefined` when none is queued. */
  take(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const value = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined as T; // let the item be collected
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (value === this.#marker) this.#marker = undefined;
    return value;
  }

  /** Waits for the next item (see {@link interrupt} for cancelling a wait). */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#head < this.#items.length) return Promise.resolve({ done: false, value: this.take() as T });
    if (this.#ended) {
      const failed = this.#endResult();
      return failed ? Promise.reject(failed.error) : Promise.resolve({ done: true, value: undefined });
    }
    // `new Promise` rather than `Promise.withResolvers()`: several times cheaper in V8, and this runs
    // once per event for a prompt listener.
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.#waiter) this.#more.push(waiter);
      else this.#waiter = waiter;
    });
  }
}
