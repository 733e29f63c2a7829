/**
 * The one owner of approval state: which requests listeners have seen (so the connection-scoped copy
 * the engine re-sends after a resume is surfaced once), the answers this client sent (re-sent when a
 * copy of an answered request comes back), and how often a rate-limited answer was re-sent.
 *
 * @module
 */
import type { ApprovalResponseFrame } from "../generated/protocol.ts";
import type { SessionEventOf } from "../session_event.ts";

/** Request ids and answers remembered at most (the oldest are forgotten first). */
const MAX_REMEMBERED = 1000;
/** How often one answer is sent again after `rate_limited` before it is reported. */
export const MAX_RATE_LIMITED_RESENDS = 5;

/** What to do with an `approval_request`. */
export type ApprovalVerdict = { deliver: true } | { deliver: false; resend?: ApprovalResponseFrame };

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key); // re-inserted: the oldest entry is the first to go
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
}

/** Approval requests and answers of one session. */
export class Approvals {
  readonly #surfaced = new Map<string, true>();
  readonly #answers = new Map<string, ApprovalResponseFrame>();
  readonly #resends = new Map<string, number>();

  /**
   * A request arrived. A logged one is always delivered; a connection-scoped copy is delivered only
   * when listeners have not seen that request, and when this client already answered it, the answer
   * is sent again instead (the engine lost it with the old socket).
   */
  admit(event: SessionEventOf<"approval_request">): ApprovalVerdict {
    const id = event.data.request_id;
    if (!event.logged) {
      const answer = this.#answers.get(id);
      if (answer) return { deliver: false, resend: answer };
      if (this.#surfaced.has(id)) return { deliver: false };
    }
    remember(this.#surfaced, id, true);
    return { deliver: true };
  }

  /** Remembers an answer this client sends. */
  answered(frame: ApprovalResponseFrame): void {
    remember(this.#answers, frame.request_id, frame);
  }

  /** The answer to re-send after the engine refused it as rate limited; undefined once re-sent enough. */
  resendAfterRateLimit(requestId: string): ApprovalResponseFrame | undefined {
    const answer = this.#answers.get(requestId);
    if (!answer) return undefined;
    const resends = this.#resends.get(requestId) ?? 0;
    if (resends >= MAX_RATE_LIMITED_RESENDS) {
      this.#resends.delete(requestId);
      return undefined;
    }
    remember(this.#resends, requestId, resends + 1);
    return answer;
  }

  /** Forgets the answers (the session ended). */
  clear(): void {
    this.#answers.clear();
    this.#resends.clear();
  }
}
