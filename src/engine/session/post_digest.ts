/**
 * The digest that tells a retried post (same id, same content: applied once, acknowledged as a
 * duplicate) from a reused id (same id, other content: refused with `idempotency_conflict`).
 *
 * @module
 */
import type { UserMessage } from "../../generated/protocol.ts";

/** JSON with object keys sorted, so field order never changes the digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of one user message: its post id, content and files. Frames are depth-checked first. */
export async function postDigest(message: UserMessage): Promise<string> {
  const bytes = new TextEncoder().encode(canonical(message));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of hash) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
