/**
 * The REST error body and the error type the engine throws to produce it.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";

/** HTTP statuses the engine answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 422 | 426 | 429 | 500 | 503;

/**
 * An error with an HTTP status and a message that says what was wrong and what to do. Thrown by
 * REST handlers and by the session registry (the WebSocket layer maps the status to a close code).
 */
export class ApiError extends Error {
  /** The HTTP status to answer with. */
  readonly status: ErrorStatus;
  /** Extra response headers, such as `Allow` or `Retry-After`. */
  readonly headers: Record<string, string>;
  /** Why a session is gone (`410` answers). */
  readonly code: ErrorBody["code"];

  constructor(
    status: ErrorStatus,
    message: string,
    headers: Record<string, string> = {},
    code?: ErrorBody["code"],
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.headers = headers;
    this.code = code;
  }
}

type ErrorBody = components["schemas"]["Error"];

/** Builds the `{status: "failed", error}` response for an error status. */
export function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code?: ErrorBody["code"],
): Response {
  const body: ErrorBody = { status: "failed", error: message, ...(code === undefined ? {} : { code }) };
  return Response.json(body, { status, headers });
}

/** Builds a JSON success response. */
export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}
