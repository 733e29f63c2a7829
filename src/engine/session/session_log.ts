/**
 * A session's logged events on their way to clients. Each event gets the next seq and is appended to
 * the store, and it reaches the attached sockets only once the store says it is durable: after a
 * crash no client holds a seq the engine does not know, so no seq is ever reused for other content.
 * Appends are batched per session: whatever is emitted while one batch commits goes in the next, so a
 * streaming turn costs one store call per commit, not one per token.
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import type { EngineStore } from "../store/store.ts";

const RESOLVED: Promise<void> = Promise.resolve();

/** What the log tells its session. */
export interface SessionLogHandlers {
  /** These frames are durable, in seq order: send them. */
  durable(frames: string[]): void;
  /** The store refused a batch: its events were never sent, and the log accepts no more. */
  failed(error: unknown): void;
  /** How long the batch's commit took, in ms (for metrics). */
  committed?(ms: number): void;
}

/** The durable, ordered event log of one session. */
export class SessionLog {
  readonly #sessionId: string;
  readonly #store: EngineStore;
  readonly #retain: number;
  readonly #handlers: SessionLogHandlers;
  #head: number;
  #durableHead: number;
  #events: ServerEvent[] = [];
  #frames: string[] = [];
  #flushing: Promise<void> | undefined;
  #failed = false;

  constructor(
    sessionId: string,
    store: EngineStore,
    retain: number,
    head: number,
    handlers: SessionLogHandlers,
  ) {
    this.#sessionId = sessionId;
    this.#store = store;
    this.#retain = retain;
    this.#head = head;
    this.#durableHead = head;
    this.#handlers = handlers;
  }

  /** The newest seq handed out. */
  get head(): number {
    return this.#head;
  }

  /** The newest seq that is durable and was sent. */
  get durableHead(): number {
    return this.#durableHead;
  }

  /** Whether events are still on their way to the store. */
  get pending(): boolean {
    return this.#flushing !== undefined;
  }

  /** Whether the store refused a batch. */
  get failed(): boolean {
    return this.#failed;
  }

  /** The seq the next event gets. */
  nextSeq(): number {
    return ++this.#head;
  }

  /** Queues an event (with the seq from {@link nextSeq}) and its serialized frame. */
  append(event: ServerEvent, frame: string): void {
    if (this.#failed) return;
    if (this.#store.appendsAreImmediate && this.#flushing === undefined) {
      // An in-process store holds the event once the call returns: no batch, no microtask per event.
      // (It rejects only an append that does not continue its log, an engine bug, reported below.)
      this.#store.appendEvents(this.#sessionId, [event], this.#retain).catch((error) => {
        this.#failed = true;
        this.#handlers.failed(error);
      });
      if (this.#failed) return;
      this.#durableHead = event.seq;
      this.#handlers.durable([frame]);
      return;
    }
    this.#events.push(event);
    this.#frames.push(frame);
    this.#flushing ??= this.#flush();
  }

  /** Resolves once every event appended so far is durable and sent (or the store failed). */
  idle(): Promise<void> {
    return this.#flushing ?? RESOLVED;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#events.length > 0) {
        const events = this.#events;
        const frames = this.#frames;
        this.#events = [];
        this.#frames = [];
        const started = performance.now();
        await this.#store.appendEvents(this.#sessionId, events, this.#retain, frames);
        this.#handlers.committed?.(performance.now() - started);
        this.#durableHead = events[events.length - 1]!.seq;
        this.#handlers.durable(frames);
      }
    } catch (error) {
      this.#failed = true;
      this.#events = [];
      this.#frames = [];
      this.#handlers.failed(error);
    } finally {
      this.#flushing = undefined;
    }
  }
}
