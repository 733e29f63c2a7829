/**
 * The error a store throws when it cannot be reached (a shared Redis that is down or restarting). The
 * engine answers it with REST `503` `store_unavailable` and WebSocket close `1013`: the request was
 * not applied, nothing was half-written, and the client may retry after a pause.
 *
 * @module
 */

/** The store cannot be reached now; the call changed nothing (or only what a retry repeats harmlessly). */
export class StoreUnavailableError extends Error {
  /** Wraps the client library's error; `cause` keeps it for the log. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
