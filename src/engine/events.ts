/**
 * Typed server events, derived from the generated protocol union: no event name or shape is written
 * here by hand.
 *
 * @module
 */
import type { ServerEvent } from "../generated/protocol.ts";

/** Any server event type. */
export type EventType = ServerEvent["type"];

/** The event of one type. */
export type EventOf<T extends EventType> = Extract<ServerEvent, { type: T }>;

/** The `data` payload of one event type. */
export type EventData<T extends EventType> = EventOf<T>["data"];

/** Envelope fields besides `type`, `ts` and `data`. */
export interface EnvelopeFields {
  /** Logged seq, or (connection-scoped events) the newest logged seq sent to that socket. */
  seq: number;
  /** Whether the event belongs to the session log. */
  logged: boolean;
  /** The session, or "" before one was selected. */
  session_id: string;
  /** The message the event is about. */
  message_id?: string | undefined;
}

let lastMs = NaN;
let lastTs = "";

/**
 * The current time as RFC 3339 with ms resolution. Events of the same millisecond (thousands of
 * sessions stream at once) share one string instead of each retaining its own copy in the log.
 */
function timestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTs = new Date(now).toISOString();
  }
  return lastTs;
}

/** Builds one event with a fresh timestamp. */
export function makeEvent<T extends EventType>(
  type: T,
  envelope: EnvelopeFields,
  data: EventData<T>,
): EventOf<T> {
  const { seq, logged, session_id, message_id } = envelope;
  const ts = timestamp();
  // Both shapes are object literals so every event is allocated with its fields in-object (adding
  // `message_id` afterwards would give each one an extra out-of-object property store).
  const event = message_id === undefined
    ? { type, seq, logged, session_id, ts, data }
    : { type, seq, logged, session_id, ts, data, message_id };
  // The record was assembled from exactly the fields of EventOf<T>; TS cannot follow the generic.
  return event as unknown as EventOf<T>;
}
