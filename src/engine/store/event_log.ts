/**
 * One session's retained event log in memory, stored compactly. Most of a busy log is
 * `message_delta` events (one per streamed token), so those are kept as columns (a number for the
 * time, the delta string, its index and a shared message id) instead of two objects and their field
 * stores each; every other event is kept as its JSON text. Reading rebuilds equal events (new objects,
 * so neither the appender nor a reader can change what is logged).
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import type { EventOf } from "../events.ts";

type DeltaEvent = EventOf<"message_delta">;

/** `ts` strings the engine writes: RFC 3339 in UTC with milliseconds. */
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A generic row's marker in the index column. */
const GENERIC = -1;

let verifiedTs = "";
let verifiedMs = 0;

/** The time of `ts` in ms when it round-trips exactly through `Date`, else undefined. */
function exactMs(ts: string): number | undefined {
  // Events of the same millisecond share one `ts` string, so most checks are this comparison.
  if (ts === verifiedTs) return verifiedMs;
  if (!ISO_MS.test(ts)) return undefined;
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== ts) return undefined;
  verifiedTs = ts;
  verifiedMs = ms;
  return ms;
}

/** Whether `data` is exactly `{ delta, index }` (so rebuilding it loses nothing). */
function plainDelta(event: DeltaEvent): boolean {
  const data = event.data;
  if (typeof data.delta !== "string" || !Number.isSafeInteger(data.index) || data.index < 0) return false;
  let keys = 0;
  for (const _ in data) keys++;
  return keys === 2;
}

/** A session's retained events, oldest first, with dense seqs. */
export class EventLog {
  readonly #sessionId: string;
  /** Per row: the delta string (compact row) or the whole event as JSON (generic row). */
  #rows: unknown[] = [];
  /** Per row: the delta index, or {@link GENERIC}. */
  #indexes: number[] = [];
  /** Per row: the event time in ms (compact rows). */
  #times: number[] = [];
  /** Per row: the message id (compact rows). */
  #messageIds: (string | undefined)[] = [];
  /** Index of the first retained row (trimming by index keeps appends O(1)). */
  #start = 0;
  #head = 0;

  constructor(sessionId: string) {
    this.#sessionId = sessionId;
  }

  /** The newest appended seq (0 when nothing was appended). */
  get head(): number {
    return this.#head;
  }

  /** Appends an event (its seq is the previous head + 1) and keeps at most `retain` rows. */
  append(event: ServerEvent, retain: number): void {
    const ms = event.type === "message_delta" && event.logged && event.session_id === this.#sessionId &&
        event.message_id !== undefined && plainDelta(event)
      ? exactMs(event.ts)
      : undefined;
    if (ms !== undefined && event.type === "message_delta") {
      this.#rows.push(event.data.delta);
      this.#indexes.push(event.data.index);
      this.#times.push(ms);
      this.#messageIds.push(event.message_id);
    } else {
      // Kept as JSON text: a copy the caller cannot change afterwards, and smaller than the object.
      this.#rows.push(JSON.stringify(event));
      this.#indexes.push(GENERIC);
      this.#times.push(0);
      this.#messageIds.push(undefined);
    }
    this.#head = event.seq;
    const length = this.#rows.length;
    if (length - this.#start > retain) this.#start = length - retain;
    // Compact now and then so trimmed rows are really freed.
    if (this.#start > 1024 && this.#start > length / 2) {
      const start = this.#start;
      this.#rows = this.#rows.slice(start);
      this.#indexes = this.#indexes.slice(start);
      this.#times = this.#times.slice(start);
      this.#messageIds = this.#messageIds.slice(start);
      this.#start = 0;
    }
  }

  /** The oldest retained seq (head + 1 when nothing is retained). */
  get oldestSeq(): number {
    return this.#head - (this.#rows.length - this.#start) + 1;
  }

  /** The retained events with seq greater than `afterSeq`, oldest first. */
  read(afterSeq: number): ServerEvent[] {
    const oldest = this.oldestSeq;
    // Seqs are dense, so the position of afterSeq is arithmetic.
    const from = this.#start + Math.max(0, afterSeq - oldest + 1);
    const events: ServerEvent[] = [];
    for (let row = from; row < this.#rows.length; row++) {
      events.push(this.#event(row, oldest + row - this.#start));
    }
    return events;
  }

  #event(row: number, seq: number): ServerEvent {
    const value = this.#rows[row];
    const index = this.#indexes[row] ?? GENERIC;
    if (index === GENERIC) return JSON.parse(value as string) as ServerEvent;
    // Same field order as `makeEvent`, so a replayed frame serializes exactly like the live one.
    const event: DeltaEvent = {
      type: "message_delta",
      seq,
      logged: true,
      session_id: this.#sessionId,
      ts: new Date(this.#times[row] ?? 0).toISOString(),
      data: { delta: value as string, index },
      message_id: this.#messageIds[row] ?? "",
    };
    return event;
  }
}
