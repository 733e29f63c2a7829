/**
 * Fan-out of a session's events: every active listener gets every event in its own bounded queue;
 * while nobody listens, events wait in a bounded backlog for the next listener. Also drops the
 * duplicates a resume can produce.
 *
 * @module
 */
import { EventQueue } from "./event_queue.ts";
import { QUEUE_OVERFLOW_ERROR, sdkErrorEvent, type SessionEvent } from "./session_event.ts";

/** Which event types a listener wants; `undefined` for all. */
export type EventFilter = ReadonlySet<string> | undefined;

/** One listener's view of the hub. */
export class Subscription {
  readonly #hub: EventHub;
  readonly #filter: EventFilter;
  #prefix: SessionEvent[];
  #prefixHead = 0;
  readonly #queue: EventQueue<SessionEvent>;
  #closed = false;

  /** @internal */
  constructor(hub: EventHub, prefix: SessionEvent[], queue: EventQueue<SessionEvent>, filter: EventFilter) {
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
  next(signal?: AbortSignal): Promise<IteratorResult<SessionEvent, undefined>> {
    const first = this.take();
    if (first !== undefined) return Promise.resolve({ done: false, value: first });
    return this.#queue.next(signal);
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

/** Routes decoded events to listeners. */
export class EventHub {
  readonly #backlog: EventQueue<SessionEvent>;
  readonly #subscriptions = new Set<Subscription>();
  readonly #approvals = new Set<string>();
  readonly #sessionId: () => string;
  #lastSeq = 0;
  #terminated = false;
  #stopDeltas = false;

  /**
   * `backlogSize` bounds the events kept while nobody listens (`0`: unbounded); `lastSeq` is the
   * cursor to start from.
   */
  constructor(sessionId: () => string, backlogSize: number, lastSeq = 0) {
    this.#sessionId = sessionId;
    this.#lastSeq = lastSeq;
    this.#backlog = new EventQueue({
      maxSize: backlogSize,
      onOverflow: (e) => this.#overflowEvent(e, backlogSize),
    });
  }

  /** The highest logged seq delivered: the resume cursor. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Moves the cursor forward (never back): events up to `seq` count as delivered. */
  advanceTo(seq: number): void {
    this.#lastSeq = Math.max(this.#lastSeq, seq);
  }

  /**
   * Sets the cursor to where the engine's replay starts (`session_connected.data.replay_from_seq`),
   * back as well as forward: a cursor ahead of the session would otherwise drop every new event as
   * a duplicate.
   */
  resetCursor(seq: number): void {
    this.#lastSeq = seq;
  }

  /** True once the session was terminated. */
  get terminated(): boolean {
    return this.#terminated;
  }

  /**
   * Whether an event is new. Logged events at or below the cursor were already delivered (a resume
   * replays from the cursor, but a frame may race a drop); connection-scoped copies of an approval
   * request already delivered are dropped too.
   */
  admit(event: SessionEvent): boolean {
    if (event.logged) {
      if (event.seq <= this.#lastSeq) return false;
      this.#lastSeq = event.seq;
    }
    if (event.type === "approval_request") {
      const id = event.data.request_id;
      if (!event.logged && this.#approvals.has(id)) return false;
      this.#approvals.add(id);
    }
    return true;
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
    if (this.#subscriptions.size === 0) {
      this.#backlog.push(event);
      return;
    }
    for (const subscription of this.#subscriptions) {
      if (subscription.accepts(event)) subscription.queue.push(event);
    }
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
    else this.#subscriptions.add(subscription);
    return subscription;
  }

  /** @internal A listener stopped; the last one hands back what it had not read. */
  unsubscribe(subscription: Subscription, unread: SessionEvent[]): void {
    this.#subscriptions.delete(subscription);
    if (this.#subscriptions.size > 0 || unread.length === 0) return;
    this.#backlog.prepend(this.#stopDeltas ? unread.filter((e) => e.type !== "message_delta") : unread);
  }

  /** Ends every active listener normally (disconnect); later listeners start afresh. */
  closeAll(): void {
    for (const subscription of this.#subscriptions) subscription.queue.close();
    this.#subscriptions.clear();
  }

  /** Ends every active listener with `error` once it has read what was queued for it. */
  failAll(error: unknown): void {
    for (const subscription of this.#subscriptions) subscription.queue.fail(error);
    this.#subscriptions.clear();
  }

  /** Marks the session terminated and ends every listener after what was queued. */
  terminate(): void {
    this.#terminated = true;
    this.closeAll();
  }

  #overflowEvent(dropped: SessionEvent, maxSize: number): SessionEvent {
    return sdkErrorEvent(this.#sessionId(), dropped.seq, "subscriber_queue_overflow", QUEUE_OVERFLOW_ERROR, {
      max_size: maxSize,
      dropped_type: dropped.rawType,
      dropped_seq: dropped.seq,
      hint: "The listener reads too slowly; raise listen({ maxSize }) or use 0 for an unbounded queue.",
    });
  }
}
