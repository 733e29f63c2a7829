/**
 * Fan-out of a session's events, the last step of the data path: every active listener gets every
 * event in its own bounded queue; while nobody listens, events wait in a bounded backlog for the next
 * listener. It decides nothing about the events themselves (the link and the session state did).
 *
 * @module
 */
import { EventQueue } from "./event_queue.ts";
import { QUEUE_OVERFLOW_ERROR, sdkErrorEvent, type SessionEvent } from "../session_event.ts";

/** Which event types a listener wants; `undefined` for all. */
export type EventFilter = ReadonlySet<string> | undefined;

/** One listener's view of the hub. */
export class Subscription {
  readonly #hub: Fanout;
  readonly #filter: EventFilter;
  #prefix: SessionEvent[];
  #prefixHead = 0;
  readonly #queue: EventQueue<SessionEvent>;
  #closed = false;

  /** @internal */
  constructor(hub: Fanout, prefix: SessionEvent[], queue: EventQueue<SessionEvent>, filter: EventFilter) {
    this.#hub = hub;
    this.#prefix = prefix;
    this.#queue = queue;
    this.#filter = filter;
  }

  /** @internal */
  get queue(): EventQueue<SessionEvent> {
    return this.#queue;
  }

  /** True once the hub ended this listener (`closeAll`, `failAll`, `terminate`) or it was closed. */
  get ended(): boolean {
    return this.#closed || this.#queue.ended;
  }

  /** Whether this listener wants `event` (filtering when queueing keeps unwanted events out of its queue). */
  accepts(event: SessionEvent): boolean {
    return this.#filter === undefined || this.#filter.has(event.type);
  }

  /** The next wanted event if one is waiting (backlog first, then live ones), without waiting. */
  take(): SessionEvent | undefined {
    while (this.#prefixHead < this.#prefix.length) {
      const event = this.#prefix[this.#prefixHead++]!;
      if (this.accepts(event)) return event;
    }
    return this.#queue.take();
  }

  /** The next wanted event: backlog first, then live ones. */
  next(): Promise<IteratorResult<SessionEvent, undefined>> {
    if (this.#prefixHead < this.#prefix.length) {
      const first = this.take();
      if (first !== undefined) return Promise.resolve({ done: false, value: first });
    }
    return this.#queue.next(); // per event: the queue takes or waits itself
  }

  /** Rejects a waiting `next()` with `error` (the listener's signal aborted); whether one was waiting. */
  interrupt(error: unknown): boolean {
    return this.#queue.interrupt(error);
  }

  /** @internal Drops waiting events that match `predicate`. */
  discard(predicate: (event: SessionEvent) => boolean): void {
    this.#prefix = this.#prefix.slice(this.#prefixHead).filter((event) => !predicate(event));
    this.#prefixHead = 0;
    this.#queue.discard(predicate);
  }

  /**
   * Stops receiving; later events go to other listeners or the backlog. What this listener had not
   * read yet goes back to the backlog when no other listener is left (the resume cursor has already
   * moved past those events, so nobody else could get them again).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const unread = [...this.#prefix.slice(this.#prefixHead), ...this.#queue.drain()];
    this.#prefix = [];
    this.#prefixHead = 0;
    this.#queue.close();
    this.#hub.unsubscribe(this, unread);
  }
}

/** Routes admitted events to listeners. */
export class Fanout {
  readonly #backlog: EventQueue<SessionEvent>;
  readonly #subscriptions = new Set<Subscription>();
  /** The same listeners as an array, rebuilt when they change: `deliver()` runs per event. */
  #active: Subscription[] = [];
  readonly #sessionId: () => string;
  #terminated = false;
  #stopDeltas = false;

  /** `backlogSize` bounds the events kept while nobody listens (`0`: unbounded). */
  constructor(sessionId: () => string, backlogSize: number) {
    this.#sessionId = sessionId;
    this.#backlog = new EventQueue({
      maxSize: backlogSize,
      onOverflow: (e) => this.#overflowEvent(e, backlogSize),
    });
  }

  /** True once the session was terminated. */
  get terminated(): boolean {
    return this.#terminated;
  }

  /**
   * Called when this client asks to terminate: from now on no listener gets another `message_delta`
   * (those still queued are dropped too), because the user has asked for generation to stop.
   */
  stopDeltas(): void {
    this.#stopDeltas = true;
    const isDelta = (event: SessionEvent) => event.type === "message_delta";
    for (const subscription of this.#subscriptions) subscription.discard(isDelta);
    this.#backlog.discard(isDelta);
  }

  /** Undoes {@link stopDeltas} when the terminate request failed. */
  resumeDeltas(): void {
    this.#stopDeltas = false;
  }

  /** Hands an event to every active listener, or to the backlog when there is none. */
  deliver(event: SessionEvent): void {
    if (this.#stopDeltas && event.type === "message_delta") return;
    const active = this.#active;
    if (active.length === 0) {
      this.#backlog.push(event);
      return;
    }
    for (let i = 0; i < active.length; i++) {
      const subscription = active[i]!;
      if (subscription.accepts(event)) subscription.queue.push(event);
    }
  }

  #changed(): void {
    this.#active = [...this.#subscriptions];
  }

  /**
   * Adds a listener that wants the event types in `filter` (all when undefined). The first listener
   * after a quiet spell gets the backlog first.
   */
  subscribe(maxSize: number, filter?: EventFilter): Subscription {
    const prefix = this.#subscriptions.size === 0 ? this.#backlog.drain() : [];
    const queue = new EventQueue<SessionEvent>({
      maxSize,
      // The overflow notice is an `error` event: a listener filtering errors out only loses the events.
      onOverflow: (dropped) =>
        filter === undefined || filter.has("error") ? this.#overflowEvent(dropped, maxSize) : undefined,
    });
    const subscription = new Subscription(this, prefix, queue, filter);
    if (this.#terminated) queue.close();
    else {
      this.#subscriptions.add(subscription);
      this.#changed();
    }
    return subscription;
  }

  /** @internal A listener stopped; the last one hands back what it had not read. */
  unsubscribe(subscription: Subscription, unread: SessionEvent[]): void {
    this.#subscriptions.delete(subscription);
    this.#changed();
    if (this.#subscriptions.size > 0 || unread.length === 0) return;
    this.#backlog.prepend(this.#stopDeltas ? unread.filter((e) => e.type !== "message_delta") : unread);
  }

  /** Ends every active listener normally (disconnect); later listeners start afresh. */
  closeAll(): void {
    for (const subscription of this.#subscriptions) subscription.queue.close();
    this.#subscriptions.clear();
    this.#changed();
  }

  /** Ends every active listener with `error` once it has read what was queued for it. */
  failAll(error: unknown): void {
    for (const subscription of this.#subscriptions) subscription.queue.fail(error);
    this.#subscriptions.clear();
    this.#changed();
  }

  /** Marks the session terminated and ends every listener after what was queued. */
  terminate(): void {
    this.#terminated = true;
    this.closeAll();
  }

  #overflowEvent(dropped: SessionEvent, maxSize: number): SessionEvent {
    // Placed before the dropped event, so its seq stays a safe resume cursor.
    const seq = dropped.logged ? dropped.seq - 1 : dropped.seq;
    return sdkErrorEvent(this.#sessionId(), seq, "subscriber_queue_overflow", QUEUE_OVERFLOW_ERROR, {
      max_size: maxSize,
      dropped_type: dropped.rawType,
      dropped_seq: dropped.seq,
      hint: "The listener reads too slowly; raise listen({ maxSize }) or use 0 for an unbounded queue.",
    });
  }
}
