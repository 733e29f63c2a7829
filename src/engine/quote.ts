/**
 * Quoting client input in error messages: at most a short prefix, so an error never echoes megabytes
 * back (or into the log), and control characters are escaped so a quoted value cannot forge a line.
 *
 * @module
 */

/** Longest part of a client-supplied value an error message quotes. */
export const MAX_QUOTED_CHARS = 64;

/** `value` as it appears in an error message: cut to {@link MAX_QUOTED_CHARS}, control characters escaped. */
export function quote(value: string): string {
  const cut = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS - 3)}...` : value;
  // deno-lint-ignore no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
