/**
 * What the SDK does with an `error` event that answers one of its own frames (docs/protocol.md,
 * "Errors that answer a client frame"): a refused post or batch fails its `send()` / `sendMany()`
 * with the typed error of its code; a rate-limited one, or a rate-limited approval answer, is sent
 * again after `retry_after_ms`, a bounded number of times.
 *
 * @module
 */
import type { ClientFrame } from "../generated/protocol.ts";
import { IdempotencyConflictError, MessageRejectedError, SessionRateLimitError } from "../send_errors.ts";
import type { SessionEventOf } from "../session_event.ts";
import type { Approvals } from "./approvals.ts";
import { idsOf, type Outbox, type PendingPost } from "./outbox.ts";
import type { Timer } from "./timers.ts";

/** How often one post is sent again after `rate_limited` before its `send()` fails. */
export const MAX_RATE_LIMITED_RESENDS = 5;
/** The pause used when a `rate_limited` answer names none. */
const DEFAULT_RETRY_AFTER_MS = 1000;

type ErrorEvent = SessionEventOf<"error">;

/** Whether an error names the client frame it answers (a post, batch or approval answer). */
export function namesFrame(event: ErrorEvent): boolean {
  const { post_id, batch_id, request_id } = event.data;
  return post_id !== undefined || batch_id !== undefined || request_id !== undefined;
}

/** Settles or re-sends the frames the engine refused. */
export class FrameRejections {
  readonly #outbox: Outbox;
  readonly #approvals: Approvals;
  readonly #send: (frame: ClientFrame) => boolean;
  readonly #sessionId: () => string | undefined;
  readonly #timers = new Set<Timer>();

  /** `send` sends on the current socket (false when there is none: a reconnect re-sends posts anyway). */
  constructor(
    outbox: Outbox,
    approvals: Approvals,
    send: (frame: ClientFrame) => boolean,
    sessionId: () => string | undefined,
  ) {
    this.#outbox = outbox;
    this.#approvals = approvals;
    this.#send = send;
    this.#sessionId = sessionId;
  }

  /**
   * Acts on an error event. Returns true when the SDK dealt with it completely (a re-send is
   * scheduled), so listeners need not see it; refusals that fail a `send()` are still delivered.
   */
  handle(event: ErrorEvent): boolean {
    if (event.logged || !namesFrame(event)) return false;
    const data = event.data;
    if (data.request_id !== undefined) {
      if (data.code !== "rate_limited") return false;
      const answer = this.#approvals.resendAfterRateLimit(data.request_id);
      if (!answer) return false;
      this.#later(data.retry_after_ms, () => this.#send(answer));
      return true;
    }
    const pending = this.#outbox.find(data.post_id, data.batch_id);
    if (!pending) return false;
    if (data.code === "rate_limited" && pending.rateLimited < MAX_RATE_LIMITED_RESENDS) {
      pending.rateLimited++;
      this.#later(data.retry_after_ms, () => {
        if (this.#outbox.has(pending.key)) this.#send(pending.frame);
      });
      return true;
    }
    this.#outbox.reject(pending.key, this.#error(event, pending));
    return false;
  }

  /** Drops scheduled re-sends (a reconnect re-sends what waits; a disconnect or terminate ends it all). */
  cancel(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #later(retryAfterMs: number | undefined, resend: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      resend();
    }, Math.max(0, retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
    this.#timers.add(timer);
  }

  /** The typed error of a refusal: the wire code decides the class, here and nowhere else. */
  #error(event: ErrorEvent, pending: PendingPost): MessageRejectedError {
    const { code, error, retry_after_ms: retryAfterMs } = event.data;
    const ids = idsOf(pending.frame);
    const options = { sessionId: this.#sessionId(), ...ids };
    if (code === "idempotency_conflict") return new IdempotencyConflictError(error, options);
    if (code === "rate_limited") {
      const what = ids.postId === undefined ? `Batch ${ids.batchId}` : `Post ${ids.postId}`;
      return new SessionRateLimitError(
        `${what} was refused as rate limited ${pending.rateLimited + 1} times despite waiting as asked ` +
          `(${error}); it was not applied: send less often, or again later with the same id.`,
        { ...options, retryAfterMs },
      );
    }
    return new MessageRejectedError(error, { ...options, code });
  }
}
