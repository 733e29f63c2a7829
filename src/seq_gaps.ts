/**
 * Gaps in the logged `seq` sequence of one socket. The engine sends logged events in order, each one
 * more than the last, after a handshake that says where the replay starts; so a logged event that skips
 * ahead of the cursor (a lost event, or a bogus seq such as 2^53) can never be explained. Taking it
 * would move the resume cursor past events never delivered and silently drop the valid ones that follow
 * as "already seen". Instead the SDK skips it and resumes from its cursor on a new socket (the engine
 * replays what is missing); when resuming keeps meeting the same gap, it gives up with an error.
 *
 * @module
 */
import { SessionDisconnectedError } from "./errors.ts";

/** Resumes tried at one cursor before a gap is reported as an error. */
export const MAX_GAP_RESYNCS = 3;

/** What the session should do about a gap. */
export type GapAction = { resync: true } | { resync: false; error: SessionDisconnectedError };

/** Tells gaps from explained jumps, and counts resumes for gaps until the cursor moves on. */
export class SeqGaps {
  #cursor = -1;
  #resyncs = 0;
  /** The highest seq of malformed logged frames reported right after the cursor, one after another. */
  #skippedUpTo = 0;

  /**
   * True when a logged event with `seq` cannot follow `cursor` (the highest logged seq delivered):
   * it skips ahead, past positions that were neither delivered nor reported as malformed frames.
   */
  isGap(seq: number, cursor: number): boolean {
    return seq > Math.max(cursor, this.#skippedUpTo) + 1;
  }

  /**
   * A malformed frame that claimed logged `seq` was reported to listeners (an `error` event): when it
   * is the next position, the event after it follows without a gap. (A version skew makes an engine's
   * event undecodable; resuming would replay the same frame, so skipping it with a notice is the fix.)
   */
  skipped(seq: number, cursor: number): void {
    if (seq === Math.max(cursor, this.#skippedUpTo) + 1) this.#skippedUpTo = seq;
  }

  /** A new socket attached: its replay starts at the cursor it announced, so earlier skips are moot. */
  reset(): void {
    this.#skippedUpTo = 0;
  }

  /** Records a gap after `cursor`; resync while the budget at this cursor lasts, else the error to raise. */
  onGap(cursor: number, seq: number, sessionId: string | undefined): GapAction {
    if (cursor !== this.#cursor) {
      this.#cursor = cursor;
      this.#resyncs = 0;
    }
    if (this.#resyncs < MAX_GAP_RESYNCS) {
      this.#resyncs++;
      return { resync: true };
    }
    this.#cursor = -1;
    this.#resyncs = 0;
    return {
      resync: false,
      error: new SessionDisconnectedError(
        `Session ${sessionId ?? "(unknown)"}: the engine sent logged seq ${seq} right after seq ${cursor}, ` +
          `so events ${cursor + 1}..${seq - 1} never arrived, and resuming from seq ${cursor} ` +
          `${MAX_GAP_RESYNCS} times did not fill the gap. Logged seqs must increase by exactly 1: the engine ` +
          `is misbehaving (check its version). Nothing after seq ${cursor} was delivered; resume later with ` +
          `new Session({ sessionId, lastSeq: ${cursor} }), or read the history with getMessages().`,
        { sessionId },
      ),
    };
  }
}
