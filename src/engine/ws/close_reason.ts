/**
 * WebSocket close reasons: the protocol allows at most 123 UTF-8 bytes, and `WebSocket.close()` throws
 * on a longer reason. Reasons quote user input (ids, parse errors), so they are cut by bytes, never by
 * UTF-16 units, and never in the middle of a character.
 *
 * @module
 */

/** Largest close reason the WebSocket protocol allows, in UTF-8 bytes. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** UTF-8 length of one code point. */
function bytesOf(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** `reason`, cut to fit {@link MAX_CLOSE_REASON_BYTES} with `...` marking the cut. */
export function closeReason(reason: string): string {
  // Cheap exit for the common case: every UTF-16 unit is at most 3 UTF-8 bytes.
  if (reason.length * 3 <= MAX_CLOSE_REASON_BYTES) return reason;
  if (new TextEncoder().encode(reason).byteLength <= MAX_CLOSE_REASON_BYTES) return reason;
  const budget = MAX_CLOSE_REASON_BYTES - 3;
  let used = 0;
  let end = 0;
  for (const char of reason) {
    used += bytesOf(char.codePointAt(0) ?? 0);
    if (used > budget) break;
    end += char.length;
  }
  return `${reason.slice(0, end)}...`;
}
