/**
 * The one table that maps every documented close code (the generated `CloseCode`, docs/protocol.md) to
 * what the SDK does: reconnect (after a least pause for the codes that ask the client to slow down) or
 * end with a typed error.
 *
 * @module
 */
import { CloseCode } from "../generated/protocol_schema.ts";
import {
  AuthenticationError,
  FrameTooLargeError,
  HandshakeRejectedError,
  PermissionDeniedError,
  ProtocolVersionError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionTerminatedError,
} from "../errors.ts";

/** Makes the error of a final close from the engine's fatal `error` text (if it sent one). */
type FinalError = (message: string | undefined, sessionId: string | undefined) => Error;

/** What a close means for the client. */
export type CloseVerdict = { final: false; minDelayMs: number } | { final: true; error: FinalError };

/** What the error of a close names besides its message: the session, and the close code itself. */
type CloseErrorOptions = { sessionId: string | undefined; closeCode: number };

/** A table entry: the error of one final close code. */
type MakeError = (message: string | undefined, options: CloseErrorOptions) => Error;

/** The pause the engine asks for with 4008 (rate limited) and 1013 (store unavailable). */
const SLOW_DOWN_MS = 1000;

/**
 * An API error for a close that refuses the credentials; kept an API error (documented for
 * connect()), with `endpoint` naming the socket, not a REST path.
 */
function credentialsError(
  Class: typeof AuthenticationError | typeof PermissionDeniedError,
  statusCode: 401 | 403,
  errorMessage: string,
): Error {
  return new Class({ statusCode, method: "WS", endpoint: "/v1/sessions/ws", errorMessage });
}

const FINAL: ReadonlyMap<number, MakeError> = new Map<number, MakeError>([
  [
    CloseCode.unauthorized,
    (message) =>
      credentialsError(
        AuthenticationError,
        401,
        `${message ?? "The API key was rejected by the engine"} (close 4001)`,
      ),
  ],
  [CloseCode.token_expired, (message) =>
    credentialsError(
      AuthenticationError,
      401,
      `${message ?? "The token has expired"} (close 4005); pass apiKey as a function that returns a ` +
        "fresh token for each reconnect",
    )],
  [CloseCode.forbidden, (message) =>
    credentialsError(
      PermissionDeniedError,
      403,
      `${message ?? "The token's scope does not cover this session or agent"} (close 4006)`,
    )],
  [CloseCode.unsupported_protocol_version, (message, options) =>
    new ProtocolVersionError(
      `${message ?? "The engine does not speak this SDK's protocol version."} Upgrade @vectorshift/sdk ` +
        "or the engine so that they match.",
      options,
    )],
  [CloseCode.session_not_found, (message, options) =>
    new SessionNotFoundError(
      message ?? "No session, agent or chatbot with that id in this organisation; check the id.",
      options,
    )],
  [
    CloseCode.session_terminated,
    (_message, options) => SessionTerminatedError.forSession(options.sessionId, options),
  ],
  [
    CloseCode.session_expired,
    (_message, options) => SessionExpiredError.forSession(options.sessionId, options),
  ],
  [CloseCode.bad_handshake, (message, options) =>
    new HandshakeRejectedError(
      `The engine refused the handshake: ${message ?? "invalid hello frame"}. Check the API key and ids.`,
      options,
    )],
  [CloseCode.frame_too_large, (message, options) =>
    new FrameTooLargeError(
      `The engine closed the socket because a frame was too large${
        message ? ` (${message})` : ""
      }; send smaller content.`,
      options,
    )],
]);

const SLOW_DOWN: ReadonlySet<number> = new Set([CloseCode.rate_limited, CloseCode.store_unavailable]);

/**
 * Decides what a close code means: final (with its error) or worth a reconnect. An expired token
 * (4005) is worth a reconnect only when `freshKey`: the API key is a function, asked again per attempt.
 */
export function closeVerdict(code: number, freshKey = false): CloseVerdict {
  if (code === CloseCode.token_expired && freshKey) return { final: false, minDelayMs: 0 };
  const make = FINAL.get(code);
  if (make) {
    return {
      final: true,
      error: (message, sessionId) => make(message, { sessionId, closeCode: code }),
    };
  }
  return { final: false, minDelayMs: SLOW_DOWN.has(code) ? SLOW_DOWN_MS : 0 };
}
