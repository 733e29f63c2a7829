/**
 * Decodes one inbound WebSocket message into a `SessionEvent`, checked with the generated validators.
 * Nothing here throws: an unknown type becomes an unknown event, a malformed frame an `error` event.
 *
 * @module
 */
import {
  checkDefinition,
  isKnownEventType,
  passesFastCheck,
  validateServerEvent,
} from "../protocol/validate.ts";
import type { Envelope, ServerEvent } from "../generated/protocol.ts";
import { fromServerEvent, sdkErrorEvent, type SessionEvent, unknownEvent } from "../session_event.ts";

const MAX_QUOTED_CHARS = 2000;

/** The likely cause of a frame the SDK cannot take, ending its error messages. */
export const VERSIONS_DIFFER = "This usually means the engine and SDK versions differ.";

/** Where a decoded frame is placed when it carries no usable envelope. */
export interface DecodeContext {
  /** The session id to stamp on SDK-made events. */
  sessionId: string;
  /** The newest logged seq seen, stamped on SDK-made events. */
  seq: number;
}

/** Decodes a text frame; `context` is only called for the frames it reports as malformed. */
export function decodeFrame(raw: unknown, context: () => DecodeContext): SessionEvent {
  if (typeof raw !== "string") {
    return malformed(
      context,
      "invalid_frame",
      "a binary frame; the protocol only uses JSON text frames",
      raw,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return malformed(context, "invalid_json", `text that is not JSON (${String(error)})`, raw);
  }
  // The per-token events: one exact check, no result objects (anything else takes the full path).
  if (passesFastCheck(value)) return fromServerEvent(value);
  const type = typeOf(value);
  if (type !== undefined && !isKnownEventType(type)) {
    const envelope = checkDefinition<Envelope>("Envelope", value);
    if (envelope.ok) return unknownEvent(envelope.value);
    return malformed(
      context,
      "invalid_frame",
      `an event of unknown type "${type}" with a bad envelope: ${envelope.error}`,
      raw,
      envelope.issues,
      value,
    );
  }
  const result = validateServerEvent(value);
  if (result.ok) return fromServerEvent(result.value);
  // A newer engine may add fields to a known event: keep the event (extra fields included) rather
  // than losing it, as long as the only problems are the unrecognised keys.
  if (result.issues.every((issue) => issue.code === "unrecognized_keys")) {
    const lenient = checkDefinition<Envelope>("Envelope", value);
    if (lenient.ok) return fromServerEvent(value as ServerEvent);
  }
  return malformed(context, "invalid_frame", result.error, raw, result.issues, value);
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/**
 * The log position a skipped frame claimed, for the error events this module made from frames that
 * claimed to be logged (`logged: true` and a positive integer `seq`). Only decoded frames get here, so
 * a server cannot forge an entry.
 */
const skippedSeqs = new WeakMap<SessionEvent, number>();

/**
 * The seq a malformed logged frame claimed, when `event` is the error event that reported it: that
 * position was reported to listeners, so the next valid event may follow it without a gap.
 */
export function skippedSeqOf(event: SessionEvent): number | undefined {
  return skippedSeqs.get(event);
}

function claimedSeq(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { seq, logged } = value as { seq?: unknown; logged?: unknown };
  return logged === true && Number.isSafeInteger(seq) && (seq as number) > 0 ? seq as number : undefined;
}

function malformed(
  contextOf: () => DecodeContext,
  code: "invalid_json" | "invalid_frame",
  what: string,
  raw: unknown,
  issues?: unknown,
  value?: unknown,
): SessionEvent {
  const context = contextOf();
  const frame = typeof raw === "string" ? raw.slice(0, MAX_QUOTED_CHARS) : `<${typeof raw}>`;
  const details: Record<string, unknown> = { frame };
  if (issues !== undefined) details.issues = issues;
  const skipped = claimedSeq(value);
  if (skipped !== undefined) details.skipped_seq = skipped;
  const event = sdkErrorEvent(
    context.sessionId,
    context.seq,
    code,
    `The engine sent a malformed frame (${what}); it was skipped. ${VERSIONS_DIFFER}`,
    details,
  );
  if (skipped !== undefined) skippedSeqs.set(event, skipped);
  return event;
}
