/**
 * What the SDK does with an `error` event that answers one of its own frames (docs/protocol.md,
 * "Errors that answer a client frame"): a refused post or batch fails its `send()` / `sendMany()`;
 * a rate-limited one, or a rate-limited approval answer, is sent again after `retry_after_ms`, a
 * bounded number of times.
 *
 * @module
 */
import type { ApprovalResponseFrame, ClientFrame } from "./generated/protocol.ts";
import { definedOnly } from "./defined.ts";
import { idsOf, type Outbox, type PendingPost } from "./outbox.ts";
import { MessageRejectedError, SessionRateLimitError } from "./send_errors.ts";
import type { SessionEventOf } from "./session_event.ts";
import { clearTimer, type Timer } from "./timers.ts";

/** How often one frame is sent again after `rate_limited` before its `send()` fails. */
export const MAX_RATE_LIMITED_RESENDS = 5;
/** The pause used when a `rate_limited` answer names none. */
const DEFAULT_RETRY_AFTER_MS = 1000;
const MAX_TRACKED_ANSWERS = 1000;

/** What the handler needs from its session. */
export interface RejectionDeps {
  /** Posts and batches waiting for their acknowledgement. */
  outbox: Outbox;
  /** The approval answers this client sent, by request id. */
  answers: ReadonlyMap<string, ApprovalResponseFrame>;
  /** Sends on the current socket; false when there is none (a reconnect re-sends posts anyway). */
  send(frame: ClientFrame): boolean;
  /** The session id, for error messages. */
  sessionId(): string | undefined;
}

type ErrorEvent = SessionEventOf<"error">;

/** Whether an error names the client frame it answers (a post, batch or approval answer). */
export function namesFrame(event: ErrorEvent): boolean {
  const { post_id, batch_id, request_id } = event.data;
  return post_id !== undefined || batch_id !== undefined || request_id !== undefined;
}

/** Settles or re-sends the frames the engine refused. */
export class FrameRejections {
  readonly #deps: RejectionDeps;
  readonly #timers = new Set<Timer>();
  readonly #answerResends = new Map<string, number>();

  /** Handles nothing until {@link FrameRejections.handle} is called. */
  constructor(deps: RejectionDeps) {
    this.#deps = deps;
  }

  /**
   * Acts on an error event. Returns true when the SDK dealt with it completely (a re-send is
   * scheduled), so listeners need not see it; refusals that fail a `send()` are still delivered.
   */
  handle(event: ErrorEvent): boolean {
    if (event.logged || !namesFrame(event)) return false;
    const data = event.data;
    if (data.request_id !== undefined) return this.#answerRefused(event, data.request_id);
    const pending = this.#deps.outbox.find(definedOnly({ postId: data.post_id, batchId: data.batch_id }));
    if (!pending) return false;
    if (data.code === "rate_limited" && pending.rateLimited < MAX_RATE_LIMITED_RESENDS) {
      pending.rateLimited++;
      this.#later(data.retry_after_ms, () => {
        if (this.#deps.outbox.has(pending.key)) this.#deps.send(pending.frame);
      });
      return true;
    }
    this.#deps.outbox.reject(pending.key, this.#error(event, pending));
    return false;
  }

  /** Drops scheduled re-sends (a reconnect re-sends what waits; a disconnect or terminate ends it all). */
  cancel(): void {
    for (const timer of this.#timers) clearTimer(timer);
    this.#timers.clear();
  }

  #answerRefused(event: ErrorEvent, requestId: string): boolean {
    const answer = this.#deps.answers.get(requestId);
    if (event.data.code !== "rate_limited" || !answer) return false;
    const resends = this.#answerResends.get(requestId) ?? 0;
    if (resends >= MAX_RATE_LIMITED_RESENDS) {
      this.#answerResends.delete(requestId);
      return false;
    }
    this.#answerResends.delete(requestId); // re-insert: the oldest entry is the first to go
    this.#answerResends.set(requestId, resends + 1);
    if (this.#answerResends.size > MAX_TRACKED_ANSWERS) {
      this.#answerResends.delete(this.#answerResends.keys().next().value!);
    }
    this.#later(event.data.retry_after_ms, () => this.#deps.send(answer));
    return true;
  }

  #later(retryAfterMs: number | undefined, resend: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      resend();
    }, Math.max(0, retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
    this.#timers.add(timer);
  }

  #error(event: ErrorEvent, pending: PendingPost): MessageRejectedError {
    const { code, error, retry_after_ms: retryAfterMs } = event.data;
    const ids = idsOf(pending.frame);
    const options = { sessionId: this.#deps.sessionId(), ...ids };
    if (code === "rate_limited") {
      const what = ids.postId === undefined ? `Batch ${ids.batchId}` : `Post ${ids.postId}`;
      return new SessionRateLimitError(
        `${what} was refused as rate limited ${pending.rateLimited + 1} times, although the SDK waited ` +
          `as asked before each re-send (${error}). It was not applied: send less often, or send it again ` +
          `later with the same id.`,
        { ...options, retryAfterMs },
      );
    }
    return new MessageRejectedError(error, { ...options, code });
  }
}
