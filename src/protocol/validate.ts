/**
 * Runtime validators for protocol frames, generated from the protocol schema as zod/mini code
 * (`src/generated/protocol_validators.ts`): there is no hand-written twin of any frame.
 *
 * @module
 */
import type { ZodMiniType } from "zod/mini";
import type { ClientFrame, ServerEvent } from "../generated/protocol.ts";
import { CLIENT_FRAME_TYPES, SERVER_EVENT_TYPES } from "../generated/protocol_schema.ts";
import { protocolValidators } from "../generated/protocol_validators.ts";

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
  /** zod's issue code, such as `invalid_type` or `unrecognized_keys`. */
  code?: string;
}

/** The JSON type of the value at `path` inside `root`, for "expected X, received Y" messages. */
function receivedAt(root: unknown, path: readonly PropertyKey[]): string {
  let node = root;
  for (const key of path) node = (node as Record<PropertyKey, unknown> | null | undefined)?.[key];
  if (node === undefined) return "nothing";
  if (node === null) return "null";
  if (Array.isArray(node)) return "array";
  return typeof node === "number" && !Number.isInteger(node) ? "a non-integer number" : typeof node;
}

/**
 * One short English sentence per zod issue. Written here instead of loading zod's English locale,
 * which would cost the SDK bundle more than the rest of its validation; and passed per call, so the
 * SDK never changes a host application's zod settings.
 */
function explain(issue: ZodIssueLike, root: unknown): string {
  const path = issue.path;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}, received ${receivedAt(root, path)}`;
    case "invalid_value":
      return `expected ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(" | ")}`;
    case "unrecognized_keys":
      return `unrecognized key${issue.keys?.length === 1 ? "" : "s"}: ${(issue.keys ?? []).join(", ")}`;
    case "too_small":
      return issue.origin === "string" || issue.origin === "array"
        ? `must have at least ${issue.minimum} ${issue.origin === "string" ? "characters" : "items"}`
        : `must be >= ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string" || issue.origin === "array"
        ? `must have at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`
        : `must be <= ${issue.maximum}`;
    case "invalid_format":
      return issue.format === "regex" ? `must match ${issue.pattern}` : `invalid ${issue.format}`;
    case "invalid_union":
      return "matches none of the allowed shapes";
    default:
      return issue.message || "invalid value";
  }
}

/** The fields of zod's issues that {@link explain} reads. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  format?: string;
  pattern?: string;
}

/** Joins issues into one readable sentence: `data.delta: expected string, received number; ...`. */
export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => i.path ? `${i.path}: ${i.message}` : i.message).join("; ");
}

/** Validates `value` against the protocol schema's `$defs[name]` (for example `Envelope`). */
export function checkDefinition<T>(name: string, value: unknown): Validation<T> {
  const schema: ZodMiniType | undefined = protocolValidators[name];
  if (!schema) throw new Error(`No protocol schema named ${name}.`);
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data as T };
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: explain(issue as unknown as ZodIssueLike, value),
    code: issue.code,
  }));
  return { ok: false, issues, error: describeIssues(issues) };
}

/** The `$defs` name of a frame type: `message_delta` → `MessageDeltaEvent`. */
function defName(type: string, suffix: "Event" | "Frame"): string {
  return type.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("") + suffix;
}

const serverTypes: ReadonlySet<string> = new Set(SERVER_EVENT_TYPES);
const clientTypes: ReadonlySet<string> = new Set(CLIENT_FRAME_TYPES);

function frameType(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/** Whether `type` is a server event type this package knows. */
export function isKnownEventType(type: string): type is ServerEvent["type"] {
  return serverTypes.has(type);
}

/**
 * Validates a decoded client frame. Unknown `type` values are rejected with the list of known ones.
 */
export function validateClientFrame(value: unknown): Validation<ClientFrame> {
  const type = frameType(value);
  if (type === undefined) {
    return fail("type", 'Frame must be a JSON object with a string "type" field.');
  }
  if (!clientTypes.has(type)) {
    return fail("type", `Unknown frame type "${type}"; expected one of: ${CLIENT_FRAME_TYPES.join(", ")}.`);
  }
  return prefix(type, checkDefinition<ClientFrame>(defName(type, "Frame"), value));
}

/**
 * Validates a decoded server event. Callers decide what an unknown `type` means (the SDK delivers
 * it as an unknown event for forward compatibility), so check {@link isKnownEventType} first.
 */
export function validateServerEvent(value: unknown): Validation<ServerEvent> {
  const type = frameType(value);
  if (type === undefined) {
    return fail("type", 'Event must be a JSON object with a string "type" field.');
  }
  if (!serverTypes.has(type)) {
    return fail("type", `Unknown event type "${type}"; expected one of: ${SERVER_EVENT_TYPES.join(", ")}.`);
  }
  return prefix(type, checkDefinition<ServerEvent>(defName(type, "Event"), value));
}

function fail<T>(path: string, message: string): Validation<T> {
  return { ok: false, issues: [{ path, message }], error: message };
}

function prefix<T>(type: string, result: Validation<T>): Validation<T> {
  return result.ok ? result : { ...result, error: `Invalid "${type}" frame: ${result.error}` };
}
