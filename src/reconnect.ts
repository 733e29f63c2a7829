/**
 * When and how soon to reconnect: jittered exponential backoff, and the close-code table that says
 * which closes are final (built on the generated `CloseCode`).
 *
 * @module
 */
import { CloseCode } from "./generated/protocol_schema.ts";
import { definedOnly } from "./defined.ts";
import {
  AuthenticationError,
  SessionError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionTerminatedError,
  VectorshiftError,
} from "./errors.ts";

/** How a session reconnects after an unexpected drop. */
export interface ReconnectOptions {
  /** Attempts before giving up with `SessionDisconnectedError`; `0` disables reconnecting. @default {8} */
  maxRetries?: number;
  /** Upper bound of the first delay. @default {100} */
  initialDelayMs?: number;
  /** Largest delay between attempts. @default {5000} */
  maxDelayMs?: number;
  /** Growth of the delay bound per attempt. @default {2} */
  factor?: number;
}

/** {@link ReconnectOptions} with every default filled in. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/**
 * The documented reconnect defaults.
 *
 * @example
 * ```ts
 * import { DEFAULT_RECONNECT } from "@vectorshift/sdk";
 * console.log(DEFAULT_RECONNECT); // { maxRetries: 8, initialDelayMs: 100, maxDelayMs: 5000, factor: 2 }
 * ```
 */
export const DEFAULT_RECONNECT: ReconnectPolicy = Object.freeze({
  maxRetries: 8,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  factor: 2,
});

/** Fills in the defaults. */
export function reconnectPolicy(options: ReconnectOptions = {}): ReconnectPolicy {
  return { ...DEFAULT_RECONNECT, ...definedOnly(options) };
}

/**
 * The wait before attempt `attempt` (1-based): full jitter, a uniform random value up to
 * `min(maxDelayMs, initialDelayMs * factor^(attempt-1))`. `minDelayMs` raises the floor (rate limits).
 */
export function backoffDelay(
  policy: ReconnectPolicy,
  attempt: number,
  minDelayMs = 0,
  random = Math.random,
): number {
  const bound = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1),
  );
  return Math.max(minDelayMs, Math.floor(random() * bound));
}

/** What a close means for the client. */
export interface CloseVerdict {
  /** True when reconnecting may help. */
  retry: boolean;
  /** The least delay before retrying (the engine asked us to slow down). */
  minDelayMs: number;
  /** For final closes: the error to surface. */
  error?: (message: string | undefined, sessionId: string | undefined) => Error;
}

const WS_ENDPOINT = "/v1/sessions/ws";

const FINAL: ReadonlyMap<number, NonNullable<CloseVerdict["error"]>> = new Map<
  number,
  NonNullable<CloseVerdict["error"]>
>([
  [CloseCode.unauthorized, (message) =>
    new AuthenticationError({
      statusCode: 401,
      method: "GET",
      endpoint: WS_ENDPOINT,
      errorMessage: message ?? "The API key was rejected by the engine.",
    })],
  [CloseCode.unsupported_protocol_version, (message) =>
    new VectorshiftError(
      `${
        message ?? "The engine does not speak this SDK's protocol version."
      } Upgrade @vectorshift/sdk or the engine.`,
    )],
  [CloseCode.session_not_found, (message, sessionId) =>
    new SessionNotFoundError(
      message ?? `No session, agent or chatbot with that id in this organisation; check the id.`,
      { sessionId },
    )],
  [CloseCode.session_terminated, (_message, sessionId) => SessionTerminatedError.forSession(sessionId)],
  [CloseCode.session_expired, (_message, sessionId) => SessionExpiredError.forSession(sessionId)],
  [
    CloseCode.bad_handshake,
    (message, sessionId) =>
      new SessionError(`The engine refused the handshake: ${message ?? "invalid hello frame"}.`, {
        sessionId,
      }),
  ],
  [CloseCode.frame_too_large, (message, sessionId) =>
    new SessionError(
      `The engine closed the socket because a frame was too large${
        message ? ` (${message})` : ""
      }; send smaller content.`,
      { sessionId },
    )],
]);

/** Decides what a close code means: final (with its error) or worth a reconnect. */
export function closeVerdict(code: number): CloseVerdict {
  const error = FINAL.get(code);
  if (error) return { retry: false, minDelayMs: 0, error };
  if (code === CloseCode.rate_limited) return { retry: true, minDelayMs: 1000 };
  return { retry: true, minDelayMs: 0 };
}
