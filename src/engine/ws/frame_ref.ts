/**
 * Which client frame an `error` event answers. The protocol names the frame (`post_id`, `batch_id`,
 * `request_id`) so the client can fail exactly the `send()` that caused it; this reads those ids even
 * from a frame that failed validation or was refused before it was parsed into a `ClientFrame`.
 *
 * @module
 */
import type { ClientFrame } from "../../generated/protocol.ts";
import type { EventData } from "../events.ts";
import { MAX_ID_LENGTH } from "../ids.ts";

/** The optional fields of an `error` event's data besides the message, code and `fatal`. */
export type ErrorFields = Omit<EventData<"error">, "error" | "code" | "fatal">;

/** The frame-naming fields of an `error` event. */
export type FrameRef = Pick<ErrorFields, "post_id" | "batch_id" | "request_id">;

/**
 * Frame types the engine never drops silently: refusing one (rate limit, invalid content) always
 * answers with an `error`, because a client waits for its outcome.
 */
const ANSWERED: ReadonlySet<string> = new Set<ClientFrame["type"]>([
  "post",
  "post_batch",
  "approval_response",
  "cancel_turn",
  "terminate",
]);

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** An id worth echoing: a non-empty string the protocol allows (longer ones are not echoed). */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value.length <= MAX_ID_LENGTH ? value : undefined;
}

/** The JSON value of a text frame, or undefined; for naming a refused frame, never for handling it. */
export function parseQuietly(data: unknown): unknown {
  if (typeof data !== "string") return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Whether `value` (parsed or not) is a frame whose refusal must be answered. */
export function mustAnswer(value: unknown): boolean {
  const type = field(value, "type");
  return typeof type === "string" && ANSWERED.has(type);
}

/** The ids that name `value`, a frame that may not have passed validation; empty when it has none. */
export function frameRef(value: unknown): FrameRef {
  switch (field(value, "type")) {
    case "post": {
      const id = text(field(field(value, "message"), "post_id"));
      return id === undefined ? {} : { post_id: id };
    }
    case "post_batch": {
      const id = text(field(value, "batch_id"));
      return id === undefined ? {} : { batch_id: id };
    }
    case "approval_response": {
      const id = text(field(value, "request_id"));
      return id === undefined ? {} : { request_id: id };
    }
    default:
      return {};
  }
}
