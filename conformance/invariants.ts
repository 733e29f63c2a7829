/**
 * Properties of an event stream that several guarantees share: the log's seq numbering, deltas that
 * rebuild the final text, and nothing after `session_terminated`. Each returns what is wrong, or
 * undefined. They read only `type`, `seq`, `logged` and `data`, so the kit's raw events and the SDK's
 * `SessionEvent`s (in the lifecycle suite) are judged by the same code.
 *
 * @module
 */

/** The fields the invariants read; raw wire events and SDK events both have them. */
export interface EventLike {
  /** Event type. */
  readonly type: string;
  /** The envelope's seq. */
  readonly seq: number;
  /** Whether the event is part of the session log. */
  readonly logged: boolean;
  /** The payload. */
  readonly data: unknown;
}

/**
 * Logged events numbered without gap or repeat: each logged seq is the previous one plus 1 (the first
 * is `after + 1` when `after` is given).
 */
export function seqProblem(events: readonly EventLike[], after?: number): string | undefined {
  let previous = after;
  for (const event of events) {
    if (!event.logged) continue;
    if (previous !== undefined && event.seq !== previous + 1) {
      const kind = event.seq <= previous ? "reused or went back" : "skipped";
      return `logged ${event.type} has seq ${event.seq} after seq ${previous}: the seq ${kind}`;
    }
    previous = event.seq;
  }
  return undefined;
}

/**
 * Every message's deltas have indexes 0, 1, 2, ... (restarting at each `message_streaming`), and its
 * `message_complete` text is their concatenation.
 */
export function deltaProblem(events: readonly EventLike[]): string | undefined {
  let index = 0;
  let text = "";
  for (const event of events) {
    const data = event.data as { index?: number; delta?: string; text?: string; status?: string };
    if (event.type === "message_streaming") {
      index = 0;
      text = "";
    } else if (event.type === "message_delta") {
      if (data.index !== index) {
        return `message_delta index ${data.index} where ${index} was next (seq ${event.seq})`;
      }
      index++;
      text += data.delta ?? "";
    } else if (event.type === "message_complete" && data.status === "complete" && data.text !== text) {
      return `message_complete text (${data.text?.length} chars) is not the concatenation of its deltas (${text.length} chars)`;
    }
  }
  return undefined;
}

/** Nothing follows `session_terminated`. */
export function afterTerminatedProblem(events: readonly EventLike[]): string | undefined {
  const at = events.findIndex((e) => e.type === "session_terminated");
  if (at === -1) return "no session_terminated event";
  const after = events.slice(at + 1).filter((e) => e.type !== "pong");
  return after.length === 0
    ? undefined
    : `${after.map((e) => e.type).join(", ")} arrived after session_terminated`;
}
