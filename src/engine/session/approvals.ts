/**
 * Pending tool approvals of one session. A request stays pending until a client answers it or the
 * turn stops; answering twice is harmless (the second answer is reported as already resolved).
 *
 * @module
 */
import type { ApprovalResponseFrame } from "../../generated/protocol.ts";
import { raceAbort } from "../abort.ts";
import type { EventOf } from "../events.ts";

/** A client's decision. */
export interface ApprovalAnswer {
  /** True runs the tool. */
  approved: boolean;
  /** Argument overrides (approved calls only). */
  confirm: Record<string, unknown>;
  /** Why the call was denied. */
  denyReason: string | undefined;
}

/** What became of an `approval_response`. */
export type AnswerOutcome = "accepted" | "not_found" | "already_resolved";

interface Pending {
  event: EventOf<"approval_request">;
  resolve(answer: ApprovalAnswer): void;
}

/**
 * How many answered request ids a session remembers to tell "already resolved" from "not found".
 * Older ids fall out (their late answers get `approval_not_found`), so the bookkeeping stays bounded.
 */
export const RESOLVED_REMEMBERED = 256;

/** The approval requests of one session. */
export class Approvals {
  readonly #pending = new Map<string, Pending>();
  /** Insertion-ordered, so the oldest id is the first one dropped. */
  readonly #resolved = new Set<string>();

  /**
   * Waits for the answer to a logged `approval_request`. Rejects with the signal's reason when the
   * turn stops first; the request then counts as resolved.
   */
  async wait(event: EventOf<"approval_request">, signal: AbortSignal): Promise<ApprovalAnswer> {
    const id = event.data.request_id;
    const answered = Promise.withResolvers<ApprovalAnswer>();
    if (!signal.aborted) this.#pending.set(id, { event, resolve: answered.resolve });
    try {
      return await raceAbort(answered.promise, signal);
    } catch (error) {
      this.#settle(id);
      throw error;
    }
  }

  /**
   * Makes a request stored before a restart pending again: `answered` receives the client's answer
   * (its turn is not running; the answer continues it).
   */
  restore(event: EventOf<"approval_request">, answered: (answer: ApprovalAnswer) => void): void {
    this.#pending.set(event.data.request_id, { event, resolve: answered });
  }

  /** Applies a client's answer. */
  answer(frame: ApprovalResponseFrame): AnswerOutcome {
    const pending = this.#pending.get(frame.request_id);
    if (!pending) return this.#resolved.has(frame.request_id) ? "already_resolved" : "not_found";
    this.#settle(frame.request_id);
    pending.resolve({
      approved: frame.approved,
      confirm: isRecord(frame.confirm) ? frame.confirm : {},
      denyReason: frame.deny_reason,
    });
    return "accepted";
  }

  /** Unanswered requests logged at or before `seq`: a resuming client gets copies of them. */
  pendingUpTo(seq: number): EventOf<"approval_request">[] {
    return [...this.#pending.values()].map((p) => p.event).filter((e) => e.seq <= seq);
  }

  #settle(id: string): void {
    this.#pending.delete(id);
    this.#resolved.add(id);
    if (this.#resolved.size > RESOLVED_REMEMBERED) {
      const oldest = this.#resolved.values().next();
      if (!oldest.done) this.#resolved.delete(oldest.value);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
