/**
 * Id generation for engine objects. Ids are opaque, prefixed by kind so logs and error messages say
 * what an id names, and random so one organisation cannot guess another's.
 *
 * @module
 */

/**
 * Longest id a client may send: the `maxLength` of every id in `schema/protocol.schema.json` (session,
 * post, batch and request ids) and of every id path parameter in `schema/openapi.json`.
 */
export const MAX_ID_LENGTH = 128;

/** The kinds of id the engine makes, with their prefixes. */
const PREFIXES = {
  agent: "agt",
  chatbot: "cbt",
  session: "ses",
  message: "msg",
  tool: "tool",
  call: "call",
  approval: "apr",
  document: "doc",
} as const;

/** A kind of engine object that has an id. */
export type IdKind = keyof typeof PREFIXES;

/** Returns a new random id such as `ses_3f2a…` (128 random bits). */
export function newId(kind: IdKind): string {
  return `${PREFIXES[kind]}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Returns a new API key (`vs-` followed by 192 random bits in hex). */
export function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `vs-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
