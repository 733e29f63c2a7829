/**
 * Errors that fail one `send()` / `sendMany()` while the session itself stays usable: the engine
 * refused the message (it was not applied), or the SDK refused it before sending.
 *
 * @module
 */
import type { ErrorCode } from "./generated/protocol.ts";
import { SessionError, type SessionErrorOptions } from "./errors.ts";

/** What a {@link MessageRejectedError} knows. */
export interface MessageRejectedErrorOptions extends SessionErrorOptions {
  /** The engine's error code (or the SDK's, for checks made before sending). */
  code: ErrorCode;
}

/**
 * The engine refused a post or batch (for example `message_too_large` or `invalid_frame`), or the SDK
 * refused it before sending (`frame_too_large`). It was **not** applied, and sending it unchanged fails
 * the same way; the session is unaffected.
 *
 * @example Tell a refused message from a lost connection
 * ```ts
 * import { MessageRejectedError, type Session } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * // Set-up: an embedded engine (offline) and an agent to run the example against.
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 }, maxMessageBytes: 10 });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
 * async function trySend(session: Session, text: string) {
 *   try {
 *     return await session.send(text);
 *   } catch (error) {
 *     if (error instanceof MessageRejectedError) console.log(error.code, error.postId, error.message);
 *     throw error;
 *   }
 * }
 * await using session = await demo.createSession();
 * await trySend(session, "x".repeat(100)).catch(() => {}); // message_too_large ...
 * ```
 */
export class MessageRejectedError extends SessionError {
  /** Why it was refused, such as `message_too_large`. */
  readonly code: ErrorCode;

  /** Creates the error with the engine's (or the SDK's) explanation. */
  constructor(message: string, options: MessageRejectedErrorOptions) {
    super(message, options);
    this.code = options.code;
  }
}

/** What a {@link SessionRateLimitError} knows. */
export interface SessionRateLimitErrorOptions extends SessionErrorOptions {
  /** The engine's last requested pause, if it named one. */
  retryAfterMs?: number | undefined;
}

/**
 * The engine kept refusing a post or batch as rate limited, even after the SDK waited the requested
 * `retry_after_ms` and sent it again several times. It was not applied; send less often, or send it
 * again later with the same `postId` / `batchId`.
 *
 * @example
 * ```ts
 * import { SessionRateLimitError } from "@vectorshift/sdk";
 * const e = new SessionRateLimitError("Too many frames.", { postId: "post_1", retryAfterMs: 250 });
 * if (e.code !== "rate_limited" || e.retryAfterMs !== 250) throw new Error("unexpected");
 * ```
 */
export class SessionRateLimitError extends MessageRejectedError {
  /** The engine's last requested pause before sending again, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  /** Creates the error. */
  constructor(message: string, options: SessionRateLimitErrorOptions = {}) {
    super(message, { ...options, code: "rate_limited" });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The engine already applied this `postId` / `batchId` with other content (`idempotency_conflict`): an
 * id may be reused only to retry the very same content. Nothing was applied; send new content with a
 * new id.
 *
 * @example
 * ```ts
 * import { IdempotencyConflictError, MessageRejectedError } from "@vectorshift/sdk";
 * const e = new IdempotencyConflictError("post_id p1 was already applied with other content.", { postId: "p1" });
 * if (!(e instanceof MessageRejectedError) || e.code !== "idempotency_conflict") throw new Error("unexpected");
 * ```
 */
export class IdempotencyConflictError extends MessageRejectedError {
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, { ...options, code: "idempotency_conflict" });
  }
}
