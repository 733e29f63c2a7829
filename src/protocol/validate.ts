/**
 * Runtime validators for protocol frames, generated from the protocol schema
 * (`src/generated/protocol_validators.ts`, see `scripts/js_validator_codegen.ts`): the schema as a compact
 * table read by one checker, plus exact generated predicates for the events streamed per token. There is
 * no hand-written twin of any frame.
 *
 * @module
 */
import type { ClientFrame, ServerEvent } from "../generated/protocol.ts";
import { CLIENT_FRAME_TYPES, SERVER_EVENT_TYPES } from "../generated/protocol_schema.ts";
import { isHotFrame, protocolValidators } from "../generated/protocol_validators.ts";

/** The outcome of a validation: the typed value, or a readable reason naming the field. */
export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; issues: ValidationIssue[] };

/** One problem found in a value, at a dotted path such as `data.delta`. */
export interface ValidationIssue {
  /** Dotted path of the offending field; empty for the value itself. */
  path: string;
  /** What is wrong with it. */
  message: string;
  /** A zod-style issue code, such as `invalid_type` or `unrecognized_keys`. */
  code?: string;
}

/** Joins issues into one readable sentence: `data.delta: expected string, received number; ...`. */
export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => i.path ? `${i.path}: ${i.message}` : i.message).join("; ");
}

/** Validates `value` against the protocol schema's `$defs[name]` (for example `Envelope`). */
export function checkDefinition<T>(name: string, value: unknown): Validation<T> {
  const validate = protocolValidators[name];
  if (!validate) throw new Error(`No protocol schema named ${name}.`);
  const issues = validate(value);
  if (issues.length === 0) return { ok: true, value: value as T };
  return { ok: false, issues, error: describeIssues(issues) };
}

/** The `$defs` names of frame types: `message_delta` → `MessageDeltaEvent` (with suffix `Event`). */
function defNames(types: readonly string[], suffix: "Event" | "Frame"): ReadonlyMap<string, string> {
  return new Map(
    types.map((t) => [t, t.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("") + suffix]),
  );
}

// Frame type → `$defs` name, computed once: validation runs for every frame, so it must not rebuild names.
const serverDefs = defNames(SERVER_EVENT_TYPES, "Event");
const clientDefs = defNames(CLIENT_FRAME_TYPES, "Frame");

/**
 * True when `value` is a valid server event of a type streamed per token (`message_delta`, `thinking`),
 * checked by a generated exact predicate; false means only "not decided here": run
 * {@link validateServerEvent}. True exactly when the full validator finds no issue, so it needs no
 * second look.
 */
export const passesFastCheck: (value: unknown) => value is ServerEvent = isHotFrame as (
  value: unknown,
) => value is ServerEvent;

/** Whether `type` is a server event type this package knows. */
export function isKnownEventType(type: string): type is ServerEvent["type"] {
  return serverDefs.has(type);
}

/**
 * Validates a decoded client frame. Unknown `type` values are rejected with the list of known ones.
 */
export function validateClientFrame(value: unknown): Validation<ClientFrame> {
  return validateFrame(value, "Frame", clientDefs);
}

/**
 * Validates a decoded server event. Callers decide what an unknown `type` means (the SDK delivers
 * it as an unknown event for forward compatibility), so check {@link isKnownEventType} first.
 */
export function validateServerEvent(value: unknown): Validation<ServerEvent> {
  return passesFastCheck(value) ? { ok: true, value } : validateFrame(value, "Event", serverDefs);
}

/** Validates a frame of one direction: an object whose `type` is one of `defs`, valid by its definition. */
function validateFrame<T>(
  value: unknown,
  noun: "Event" | "Frame",
  defs: ReadonlyMap<string, string>,
): Validation<T> {
  const type = typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as { type?: unknown }).type
    : undefined;
  if (typeof type !== "string") return fail(`${noun} must be a JSON object with a string "type" field.`);
  const def = defs.get(type);
  if (def === undefined) {
    // A type name from the wire is quoted by a short prefix, never the whole of a huge string.
    const shown = type.length <= 40 ? type : `${type.slice(0, 37)}...`;
    return fail(
      `Unknown ${noun.toLowerCase()} type "${shown}"; expected one of: ${[...defs.keys()].join(", ")}.`,
    );
  }
  const result = checkDefinition<T>(def, value);
  return result.ok ? result : { ...result, error: `Invalid "${type}" frame: ${result.error}` };
}

/** A failed validation of the frame's `type`. */
function fail<T>(message: string): Validation<T> {
  return { ok: false, issues: [{ path: "type", message }], error: message };
}
