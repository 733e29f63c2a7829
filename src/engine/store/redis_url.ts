/**
 * Redis URLs in messages and logs, without their password. Apart from the store so that printing
 * one does not load the Redis client.
 *
 * @module
 */

/** The URL without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL: shown as given, unless it may hold a password.
    return url.includes("@") ? "(hidden: it contains credentials)" : url.slice(0, 200);
  }
}
