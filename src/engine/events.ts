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
  /** Logged seq, or the session's head seq for connection-scoped events. */
  seq: number;
  /** Whether the event belongs to the session log. */
  logged: boolean;
  /** The session, or "" before one was selected. */
  session_id: string;
  /** The message the event is about. */
  message_id?: string | undefined;
}

/** Builds one event with a fresh timestamp. */
export function makeEvent<T extends EventType>(
  type: T,
  envelope: EnvelopeFields,
  data: EventData<T>,
): EventOf<T> {
  const event: Record<string, unknown> = {
    type,
    seq: envelope.seq,
    logged: envelope.logged,
    session_id: envelope.session_id,
    ts: new Date().toISOString(),
    data,
  };
  if (envelope.message_id !== undefined) event.message_id = envelope.message_id;
  // The record was assembled from exactly the fields of EventOf<T>; TS cannot follow the generic.
  return event as unknown as EventOf<T>;
}
