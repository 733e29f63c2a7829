/**
 * The SDK's error tree: one root ({@link VectorshiftError}), API errors by HTTP status, connection and
 * timeout errors, and session errors. Every message says what went wrong and what to do next.
 *
 * @module
 */

/**
 * The root of every error the SDK throws on purpose.
 *
 * @example Catch anything the SDK throws
 * ```ts
 * import { VectorshiftError } from "@vectorshift/sdk";
 * try {
 *   throw new VectorshiftError("Something failed; try again.");
 * } catch (error) {
 *   if (!(error instanceof VectorshiftError)) throw error;
 * }
 * ```
 */
export class VectorshiftError extends Error {
  /** Creates an error with a message a user can act on. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message of a thrown value, for an error that quotes it. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How an error names a value of the wrong kind: `null`, `a string`, `an array`, `a Map`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return `a ${typeof value}`;
  const name = value.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** What an API error knows about the failed call. */
export interface ApiErrorInit {
  /** HTTP status. */
  statusCode: number;
  /** HTTP method, such as `GET`. */
  method: string;
  /** Path called, such as `/v1/agents/ag_123`. */
  endpoint: string;
  /** Best-effort message parsed from the body (`error`, `message`, `detail` or `errors`). */
  errorMessage: string;
  /** The original response body. */
  rawResponse?: string;
}

const HINTS: Record<number, string> = {
  401: "Check the API key: call configure({ apiKey }) or set VECTORSHIFT_API_KEY.",
  403: "The API key is valid but may not do this.",
  404: "Check the id or name; objects of other organisations are not visible.",
  429: "Too many requests for this API key; wait a moment and retry.",
};

/**
 * An HTTP API call answered with an error status. Subclasses name the common statuses.
 *
 * @example Inspect a failed call
 * ```ts
 * import { NotFoundError, VectorshiftApiError } from "@vectorshift/sdk";
 * const error = new NotFoundError({
 *   statusCode: 404,
 *   method: "GET",
 *   endpoint: "/v1/agents/missing",
 *   errorMessage: "No agent with id missing.",
 * });
 * if (!(error instanceof VectorshiftApiError) || error.endpoint !== "/v1/agents/missing") throw new Error("unexpected");
 * if (!error.message.includes("Check the id")) throw new Error("the message says what to do");
 * ```
 */
export class VectorshiftApiError extends VectorshiftError {
  /** HTTP status. */
  readonly statusCode: number;
  /** HTTP method. */
  readonly method: string;
  /** Path called. */
  readonly endpoint: string;
  /** The server's explanation. */
  readonly errorMessage: string;
  /** The original response body. */
  readonly rawResponse: string;

  /** Creates the error from what is known about the call. */
  constructor(init: ApiErrorInit, options?: ErrorOptions) {
    const hint = HINTS[init.statusCode];
    super(
      `${init.method} ${init.endpoint} failed with status ${init.statusCode}: ${init.errorMessage}` +
        (hint ? ` ${hint}` : ""),
      options,
    );
    this.statusCode = init.statusCode;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.errorMessage = init.errorMessage;
    this.rawResponse = init.rawResponse ?? "";
  }
}

/**
 * Alias of {@link VectorshiftApiError}, kept for parity with the Python SDK.
 *
 * @example
 * ```ts
 * import { ApiStatusError, VectorshiftApiError } from "@vectorshift/sdk";
 * if (ApiStatusError !== VectorshiftApiError) throw new Error("an alias");
 * ```
 */
export const ApiStatusError: typeof VectorshiftApiError = VectorshiftApiError;
/** Alias of {@link VectorshiftApiError}. */
export type ApiStatusError = VectorshiftApiError;

/**
 * 400: the request was malformed.
 *
 * @example
 * ```ts
 * import { BadRequestError } from "@vectorshift/sdk";
 * const e = new BadRequestError({ statusCode: 400, method: "GET", endpoint: "/v1/agents", errorMessage: "bad limit" });
 * if (e.statusCode !== 400) throw new Error("unexpected status");
 * ```
 */
export class BadRequestError extends VectorshiftApiError {}

/**
 * 401 (or WebSocket close 4001): the API key is missing or invalid.
 *
 * @example
 * ```ts
 * import { AuthenticationError } from "@vectorshift/sdk";
 * const e = new AuthenticationError({ statusCode: 401, method: "GET", endpoint: "/v1/agents", errorMessage: "Invalid API key" });
 * if (!e.message.includes(e.errorMessage)) throw new Error("the message quotes the server");
 * ```
 */
export class AuthenticationError extends VectorshiftApiError {}

/**
 * 403: the key may not do this.
 *
 * @example
 * ```ts
 * import { PermissionDeniedError } from "@vectorshift/sdk";
 * const e = new PermissionDeniedError({ statusCode: 403, method: "GET", endpoint: "/v1/agents", errorMessage: "no" });
 * if (e.statusCode !== 403) throw new Error("unexpected status");
 * ```
 */
export class PermissionDeniedError extends VectorshiftApiError {}

/**
 * 404: no such object in the caller's organisation.
 *
 * @example
 * ```ts
 * import { NotFoundError } from "@vectorshift/sdk";
 * const e = new NotFoundError({ statusCode: 404, method: "GET", endpoint: "/v1/agents/x", errorMessage: "No agent x." });
 * if (!e.message.includes(e.errorMessage)) throw new Error("the message quotes the server");
 * ```
 */
export class NotFoundError extends VectorshiftApiError {}

/**
 * 409: the name is already taken in the organisation.
 *
 * @example
 * ```ts
 * import { ConflictError } from "@vectorshift/sdk";
 * const e = new ConflictError({ statusCode: 409, method: "POST", endpoint: "/v1/agents", errorMessage: "Name taken." });
 * if (e.statusCode !== 409) throw new Error("unexpected status");
 * ```
 */
export class ConflictError extends VectorshiftApiError {}

/**
 * 422: the body is JSON but does not match the schema; the message names the field.
 *
 * @example
 * ```ts
 * import { UnprocessableEntityError } from "@vectorshift/sdk";
 * const e = new UnprocessableEntityError({ statusCode: 422, method: "POST", endpoint: "/v1/agents", errorMessage: "name: required" });
 * if (!e.message.includes(e.errorMessage)) throw new Error("the message quotes the server");
 * ```
 */
export class UnprocessableEntityError extends VectorshiftApiError {}

/**
 * 429: too many requests for this API key.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@vectorshift/sdk";
 * const e = new RateLimitError({ statusCode: 429, method: "GET", endpoint: "/v1/agents", errorMessage: "slow down" });
 * if (e.statusCode !== 429) throw new Error("unexpected status");
 * ```
 */
export class RateLimitError extends VectorshiftApiError {}

/**
 * 500 and above: the server failed.
 *
 * @example
 * ```ts
 * import { InternalServerError } from "@vectorshift/sdk";
 * const e = new InternalServerError({ statusCode: 500, method: "GET", endpoint: "/v1/agents", errorMessage: "oops" });
 * if (e.statusCode !== 500) throw new Error("unexpected status");
 * ```
 */
export class InternalServerError extends VectorshiftApiError {}

/**
 * The engine could not be reached (DNS, refused connection, reset socket).
 *
 * @example
 * ```ts
 * import { ApiConnectionError } from "@vectorshift/sdk";
 * const e = new ApiConnectionError("Could not reach http://127.0.0.1:1; is the engine running?");
 * if (!e.message.includes("engine running")) throw new Error("the message says what to check");
 * ```
 */
export class ApiConnectionError extends VectorshiftError {}

/**
 * The engine did not answer in time.
 *
 * @example
 * ```ts
 * import { ApiConnectionError, ApiTimeoutError } from "@vectorshift/sdk";
 * const e = new ApiTimeoutError("GET /v1/agents timed out after 60000 ms.");
 * if (!(e instanceof ApiConnectionError)) throw new Error("a timeout is a connection error");
 * ```
 */
export class ApiTimeoutError extends ApiConnectionError {}

/**
 * A session-level failure. `sessionId` names the session when known.
 *
 * @example
 * ```ts
 * import { SessionError } from "@vectorshift/sdk";
 * const e = new SessionError("The send queue is full.", { sessionId: "ses_1" });
 * if (e.sessionId === undefined) throw new Error("the error names the session");
 * ```
 */
export class SessionError extends VectorshiftError {
  /** The session concerned, when known. */
  readonly sessionId: string | undefined;
  /** The `send()` this error fails, when it fails one: send again with `{ postId }` to apply it at most once. */
  readonly postId: string | undefined;
  /** The `sendMany()` this error fails, when it fails one (see {@link SessionError.postId}). */
  readonly batchId: string | undefined;
  /** The WebSocket close code behind this error, when a close caused it (see docs/protocol.md). */
  readonly closeCode: number | undefined;

  /** Creates the error; pass what is known of the session and of the send it fails. */
  constructor(message: string, options?: SessionErrorOptions) {
    super(message, options);
    this.sessionId = options?.sessionId;
    this.postId = options?.postId;
    this.batchId = options?.batchId;
    this.closeCode = options?.closeCode;
  }
}

/** What a {@link SessionError} may name. */
export interface SessionErrorOptions extends ErrorOptions {
  /** The session concerned. */
  sessionId?: string | undefined;
  /** The client-made id of the post the error fails. */
  postId?: string | undefined;
  /** The client-made id of the batch the error fails. */
  batchId?: string | undefined;
  /** The WebSocket close code behind the error. */
  closeCode?: number | undefined;
}

/**
 * The session's WebSocket dropped and could not be re-established (or the session was disconnected
 * before an operation finished). The session may still live on the server: resume it by id.
 *
 * @example Resume after a drop, from the last seq handled
 * ```ts
 * import { Session, SessionDisconnectedError } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * const engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const agent = await vs.Agent.new({ name: "Drop", llm_info: { provider: "simulator", model_id: "offline-simulator-1" } });
 * const session = await agent.createSession({ reconnect: { maxRetries: 1, initialDelayMs: 1 } });
 * await session.send("Hello!");
 * let lastSeq = 0;
 * let resumeFrom: Session | undefined;
 * try {
 *   for await (const event of session.listen()) {
 *     lastSeq = event.seq;
 *     if (event.type === "message_streaming") await engine.close(); // the engine goes away mid-answer
 *   }
 * } catch (error) {
 *   if (!(error instanceof SessionDisconnectedError) || !error.sessionId) throw error;
 *   resumeFrom = new Session({ sessionId: error.sessionId, lastSeq }); // resume where the drop left off
 * }
 * if (resumeFrom?.lastSeq !== lastSeq) throw new Error("the drop was reported with the session to resume");
 * await session.disconnect();
 * ```
 */
export class SessionDisconnectedError extends SessionError {}

/**
 * The session was terminated and can never be used again.
 *
 * @example
 * ```ts
 * import { SessionTerminatedError } from "@vectorshift/sdk";
 * const e = SessionTerminatedError.forSession("ses_1");
 * if (!e.message.includes("ses_1") || e.sessionId !== "ses_1") throw new Error("the message names the session");
 * ```
 */
export class SessionTerminatedError extends SessionError {
  /** The standard error for a terminated session id. */
  static forSession(sessionId: string | undefined, options?: SessionErrorOptions): SessionTerminatedError {
    return new SessionTerminatedError(
      `Session ${sessionId ?? "(unknown)"} was terminated and cannot be resumed; create a new session.`,
      { ...options, sessionId },
    );
  }
}

/**
 * The session was idle longer than the engine keeps sessions (its `--session-idle-expiry`), and its
 * data was removed: it can never be used again.
 *
 * @example
 * ```ts
 * import { SessionExpiredError } from "@vectorshift/sdk";
 * const e = SessionExpiredError.forSession("ses_1");
 * if (!e.message.includes("ses_1") || e.sessionId !== "ses_1") throw new Error("the message names the session");
 * ```
 */
export class SessionExpiredError extends SessionError {
  /** The standard error for an expired session id. */
  static forSession(sessionId: string | undefined, options?: SessionErrorOptions): SessionExpiredError {
    return new SessionExpiredError(
      `Session ${sessionId ?? "(unknown)"} expired (idle longer than the engine keeps sessions) and its ` +
        "data was removed; create a new session.",
      { ...options, sessionId },
    );
  }
}

/**
 * No such session (or agent or chatbot to open one for) in the caller's organisation.
 *
 * @example
 * ```ts
 * import { SessionNotFoundError } from "@vectorshift/sdk";
 * const e = new SessionNotFoundError("No session ses_x; check the id.", { sessionId: "ses_x" });
 * if (e.sessionId === undefined) throw new Error("the error names the session");
 * ```
 */
export class SessionNotFoundError extends SessionError {}

/**
 * The engine does not speak this SDK's protocol version (`unsupported_protocol_version`, close 4003).
 * Final: upgrade the SDK or the engine.
 *
 * @example
 * ```ts
 * import { ProtocolVersionError, SessionError } from "@vectorshift/sdk";
 * const e = new ProtocolVersionError("Unsupported protocol version 1.", { closeCode: 4003 });
 * if (!(e instanceof SessionError) || e.closeCode !== 4003) throw new Error("unexpected");
 * ```
 */
export class ProtocolVersionError extends SessionError {}

/**
 * The engine refused the handshake itself (`bad_handshake`, close 4400): the `hello` was not valid, for
 * example an API key over 256 characters. Final: the same `hello` would fail again.
 *
 * @example
 * ```ts
 * import { HandshakeRejectedError } from "@vectorshift/sdk";
 * const e = new HandshakeRejectedError("The engine refused the handshake.", { closeCode: 4400 });
 * if (e.closeCode !== 4400) throw new Error("unexpected");
 * ```
 */
export class HandshakeRejectedError extends SessionError {}

/**
 * The engine closed the socket because a frame was over its size limit (close 1009). Final: the same
 * frame would fail again; send smaller content.
 *
 * @example
 * ```ts
 * import { FrameTooLargeError } from "@vectorshift/sdk";
 * const e = new FrameTooLargeError("A frame was too large.", { closeCode: 1009 });
 * if (e.closeCode !== 1009) throw new Error("unexpected");
 * ```
 */
export class FrameTooLargeError extends SessionError {}
