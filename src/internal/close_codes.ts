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

const WS_ENDPOINT = "/v1/sessions/ws";
/** The pause the engine asks for with 4008 (rate limited) and 1013 (store unavailable). */
const SLOW_DOWN_MS = 1000;

const FINAL: ReadonlyMap<number, FinalError> = new Map<number, FinalError>([
  // Kept an AuthenticationError (documented for connect()); `endpoint` names the socket, not a REST path.
  [CloseCode.unauthorized, (message) =>
    new AuthenticationError({
      statusCode: 401,
      method: "WS",
      endpoint: WS_ENDPOINT,
      errorMessage: `${message ?? "The API key was rejected by the engine"} (close 4001)`,
    })],
  [CloseCode.token_expired, (message) =>
    new AuthenticationError({
      statusCode: 401,
      method: "WS",
      endpoint: WS_ENDPOINT,
      errorMessage: `${
        message ?? "The token has expired"
      } (close 4005); pass apiKey as a function that returns a fresh token, so reconnects mint a new one`,
    })],
  [CloseCode.forbidden, (message) =>
    new PermissionDeniedError({
      statusCode: 403,
      method: "WS",
      endpoint: WS_ENDPOINT,
      errorMessage: `${message ?? "The token's scope does not cover this session or agent"} (close 4006)`,
    })],
  [CloseCode.unsupported_protocol_version, (message, sessionId) =>
    new ProtocolVersionError(
      `${
        message ?? "The engine does not speak this SDK's protocol version."
      } Upgrade @vectorshift/sdk or the engine so that both speak the same protocol version.`,
      { sessionId, closeCode: CloseCode.unsupported_protocol_version },
    )],
  [CloseCode.session_not_found, (message, sessionId) =>
    new SessionNotFoundError(
      message ?? `No session, agent or chatbot with that id in this organisation; check the id.`,
      { sessionId, closeCode: CloseCode.session_not_found },
    )],
  [
    CloseCode.session_terminated,
    (_message, sessionId) =>
      SessionTerminatedError.forSession(sessionId, { closeCode: CloseCode.session_terminated }),
  ],
  [
    CloseCode.session_expired,
    (_message, sessionId) =>
      SessionExpiredError.forSession(sessionId, { closeCode: CloseCode.session_expired }),
  ],
  [CloseCode.bad_handshake, (message, sessionId) =>
    new HandshakeRejectedError(
      `The engine refused the handshake: ${message ?? "invalid hello frame"}. Check the API key and ids.`,
      { sessionId, closeCode: CloseCode.bad_handshake },
    )],
  [CloseCode.frame_too_large, (message, sessionId) =>
    new FrameTooLargeError(
      `The engine closed the socket because a frame was too large${
        message ? ` (${message})` : ""
      }; send smaller content.`,
      { sessionId, closeCode: CloseCode.frame_too_large },
    )],
]);

const SLOW_DOWN: ReadonlySet<number> = new Set([CloseCode.rate_limited, CloseCode.store_unavailable]);

/**
 * Decides what a close code means: final (with its error) or worth a reconnect. An expired token
 * (4005) is worth a reconnect only when `freshKey`: the API key is a function, asked again per attempt.
 */
export function closeVerdict(code: number, freshKey = false): CloseVerdict {
  if (code === CloseCode.token_expired && freshKey) return { final: false, minDelayMs: 0 };
  const error = FINAL.get(code);
  if (error) return { final: true, error };
  return { final: false, minDelayMs: SLOW_DOWN.has(code) ? SLOW_DOWN_MS : 0 };
}
