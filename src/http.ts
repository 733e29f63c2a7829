/**
 * The REST transport: one `fetch` per call, errors mapped onto the SDK's error classes; plus the one
 * look-up of an agent or chatbot by id or by name.
 *
 * @module
 */
import { type ClientOptions, currentApiKey, resolveConfig } from "./config.ts";
import {
  ApiConnectionError,
  type ApiErrorInit,
  ApiTimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  errorText,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SessionExpiredError,
  SessionTerminatedError,
  UnprocessableEntityError,
  VectorshiftApiError,
  VectorshiftError,
} from "./errors.ts";

/** Options every SDK call that goes over the network accepts. */
export interface CallOptions {
  /** Cancels the call; the promise rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/** Options for one REST request. */
export interface RequestOptions extends CallOptions {
  /** Per-call key and base URL overrides. */
  client?: ClientOptions | undefined;
  /** JSON body. */
  body?: unknown;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Gives up after this long with {@link ApiTimeoutError}. Default 60 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

type ApiErrorClass = new (init: ApiErrorInit) => VectorshiftApiError;

const BY_STATUS: Record<number, ApiErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** Sends one REST request and returns the decoded JSON body. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const { apiKey: key, baseUrl } = resolveConfig(options.client);
  options.signal?.throwIfAborted();
  const apiKey = await currentApiKey(key);
  options.signal?.throwIfAborted();
  const url = new URL(`${baseUrl}${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A plain timer (not AbortSignal.timeout) so it is cleared as soon as the call settles.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, accept: "application/json" };
  const init: RequestInit = { method, headers, signal };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    if (!response.ok) throw apiError(response.status, method, path, text);
    return (text ? JSON.parse(text) : undefined) as T;
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.signal.aborted) {
      throw new ApiTimeoutError(
        `${method} ${path} got no answer within ${timeoutMs} ms from ${baseUrl}; check that the engine is running.`,
        { cause: error },
      );
    }
    // The error `apiError` made for an error status (an API error, or a terminated or expired session).
    if (error instanceof VectorshiftError) throw error;
    if (error instanceof SyntaxError) {
      throw new ApiConnectionError(`${method} ${path} returned a body that is not JSON.`, { cause: error });
    }
    throw new ApiConnectionError(
      `Could not reach ${baseUrl} for ${method} ${path}: ${
        errorText(error)
      }. Check baseUrl and that the engine is running.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds the error class for an HTTP status; 410 on a session path is {@link SessionTerminatedError},
 * or {@link SessionExpiredError} when the body's `code` says the session expired.
 */
function apiError(status: number, method: string, endpoint: string, rawResponse: string): Error {
  let body: unknown; // stays undefined when the body is not JSON
  try {
    body = JSON.parse(rawResponse);
  } catch {
    // Not JSON: the text itself is the message.
  }
  if (status === 410) {
    const sessionId = /^\/v1\/sessions\/([^/]+)/.exec(endpoint)?.[1];
    if (sessionId !== undefined) {
      const id = decodeURIComponent(sessionId);
      return (body as { code?: unknown } | null)?.code === "session_expired"
        ? SessionExpiredError.forSession(id)
        : SessionTerminatedError.forSession(id);
    }
  }
  const errorMessage = bodyMessage(body, rawResponse) || `HTTP ${status}`;
  const Class = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : VectorshiftApiError);
  return new Class({ statusCode: status, method, endpoint, errorMessage, rawResponse });
}

/**
 * Best effort, from the parsed body (`undefined` when it is not JSON): the first of `error`, `message`,
 * `detail`, `errors` that holds something readable, else the start of the raw text.
 */
function bodyMessage(body: unknown, raw: string): string {
  if (body === undefined) return raw.trim().slice(0, 500);
  if (typeof body !== "object" || body === null) return String(body);
  const record = body as Record<string, unknown>;
  for (const key of ["error", "message", "detail", "errors"]) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    return typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw.slice(0, 500);
}

/**
 * Fetches one agent or chatbot by `id`, or by exact `name` through its collection's name filter
 * ({@link NotFoundError} when no record has that name).
 */
export async function fetchByIdOrName<T>(
  kind: "agent" | "chatbot",
  options: { id?: string | undefined; name?: string | undefined } & CallOptions,
  client: ClientOptions,
): Promise<T> {
  const collection = `${kind}s` as const; // the path segment, and the field of a page of records
  const path = `/v1/${collection}`;
  const call = { client, signal: options.signal };
  if (options.id !== undefined) {
    return await request<T>("GET", `${path}/${encodeURIComponent(options.id)}`, call);
  }
  if (options.name === undefined) {
    const method = kind === "agent" ? "Agent.fetch()" : "Chatbot.fetch()";
    throw new VectorshiftError(`${method} needs an id or a name: pass { id } or { name }.`);
  }
  const page = await request<Record<string, T[]>>("GET", path, { ...call, query: { name: options.name } });
  const record = page[collection]?.[0];
  if (record) return record;
  throw new NotFoundError({
    statusCode: 404,
    method: "GET",
    endpoint: path,
    errorMessage: `No ${kind} named "${options.name}".`,
  });
}
