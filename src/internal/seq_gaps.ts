/**
 * Gaps in the logged `seq` sequence of one socket. The engine sends logged events in order, each one
 * more than the last, after a handshake that says where the replay starts; so a logged event that skips
 * ahead of the cursor (a lost event, or a bogus seq such as 2^53) can never be explained. Taking it
 * would move the resume cursor past events never delivered and silently drop the valid ones that follow
 * as "already seen". Instead the SDK skips it and resumes from its cursor on a new socket (the engine
 * replays what is missing); when resuming keeps meeting the same gap, it gives up with an error.
 *
 * The handshake is held to the same rule: a `session_connected` whose `replay_from_seq` is above the
 * `last_seq` the SDK sent skips events too, and only a `resync_required` right after it (the documented
 * answer to a cursor older than what the engine retains, which the engine sends together with the
 * handshake) explains that. When the next frame is anything else, the cursor stays where it was and the
 * SDK resumes from it, as for any other gap. (It pings at once, so a next frame comes even from a quiet
 * session.)
 *
 * @module
 */
import { SessionDisconnectedError } from "../errors.ts";
import type { SessionEvent } from "../session_event.ts";

/** Resumes tried at one cursor before a gap is reported as an error. */
export const MAX_GAP_RESYNCS = 3;

/** Positions reported as malformed that are remembered, to catch a valid event there later. */
const MAX_REPORTED_SKIPS = 1024;

/** What the session should do about a gap. */
export type GapAction = { resync: true } | { resync: false; error: SessionDisconnectedError };

/**
 * Where a logged event stands against the cursor: `next` (deliver), `seen` (a duplicate, drop it),
 * `gap` (it skips ahead: see {@link SeqGaps.onGap}) or `contradiction` (a valid event at a position the
 * SDK reported as malformed and moved past: see {@link SeqGaps.contradiction}).
 */
export type SeqVerdict = "next" | "seen" | "gap" | "contradiction";

/** Tells gaps from explained jumps, and counts resumes for gaps until the cursor moves on. */
export class SeqGaps {
  #cursor = -1;
  #resyncs = 0;
  /** The highest seq of malformed logged frames reported right after the cursor, one after another. */
  #skippedUpTo = 0;
  /** Positions reported as malformed right after the cursor (whose valid event never came, so far). */
  readonly #reported = new Set<number>();
  /** The current socket's handshake jumped past the cursor sent; its next frame must explain that. */
  #jump: { sent: number; replayFrom: number } | undefined;

  /**
   * Classifies a (valid) logged event at `seq` against `cursor` (the highest logged seq delivered). An
   * event skips ahead when it passes positions that were neither delivered nor reported as malformed.
   */
  classify(seq: number, cursor: number): SeqVerdict {
    if (seq <= cursor) return this.#reported.has(seq) ? "contradiction" : "seen";
    if (seq > Math.max(cursor, this.#skippedUpTo) + 1) return "gap";
    if (this.#reported.size > 0) this.#reported.delete(seq); // per event: skip the lookup when none
    return "next";
  }

  /**
   * A malformed frame that claimed logged `seq` was reported to listeners (an `error` event): when it
   * is the next position, the event after it follows without a gap. (A version skew makes an engine's
   * event undecodable; resuming would replay the same frame, so skipping it with a notice is the fix.)
   * A valid event at that position later would contradict the report: see {@link classify}.
   */
  skipped(seq: number, cursor: number): void {
    if (seq !== Math.max(cursor, this.#skippedUpTo) + 1) return;
    this.#skippedUpTo = seq;
    this.#reported.add(seq);
    if (this.#reported.size > MAX_REPORTED_SKIPS) {
      this.#reported.delete(this.#reported.values().next().value!);
    }
  }

  /**
   * A new socket attached: `sent` is the cursor its `hello` carried, `replayFrom` the handshake's
   * `replay_from_seq`. Returns the cursor to take now: `replayFrom` when the replay starts at or before
   * the cursor (back too: a cursor ahead of the session would drop every new event as a duplicate),
   * else `sent`, until the next frame explains the jump ({@link explainJump}).
   */
  handshake(sent: number, replayFrom: number): number {
    this.#skippedUpTo = 0; // the replay starts at the cursor announced, so earlier skips are moot
    if (replayFrom > sent) {
      this.#jump = { sent, replayFrom };
      this.#forgetReportsAfter(sent);
      return sent;
    }
    this.#jump = undefined;
    this.#forgetReportsAfter(replayFrom);
    return replayFrom;
  }

  /** Where a pending handshake jump went, while the frame that must explain it has not come yet. */
  get pendingJump(): { sent: number; replayFrom: number } | undefined {
    return this.#jump;
  }

  /**
   * The first frame after a handshake that jumped ({@link pendingJump}). Returns the cursor to take
   * when it is a `resync_required` that explains the jump (it names the cursor sent, and the replay
   * starts at the oldest retained event, as docs/protocol.md says); `undefined` when the jump is
   * unexplained: a gap, see {@link onHandshakeGap}.
   */
  explainJump(event: SessionEvent): number | undefined {
    const jump = this.#jump;
    this.#jump = undefined;
    if (jump === undefined || event.type !== "resync_required") return undefined;
    const { last_seq: lastSeq, oldest_retained_seq: oldest } = event.data;
    if (lastSeq !== jump.sent || oldest !== jump.replayFrom + 1) return undefined;
    this.#forgetReportsAfter(jump.replayFrom);
    return jump.replayFrom;
  }

  /** Records a gap after `cursor`; resync while the budget at this cursor lasts, else the error to raise. */
  onGap(cursor: number, seq: number, sessionId: string | undefined): GapAction {
    return this.#spend(
      cursor,
      sessionId,
      `the engine sent logged seq ${seq} right after seq ${cursor} (events ${cursor + 1}..${
        seq - 1
      } never arrived)`,
    );
  }

  /**
   * Records a handshake whose replay starts after `replayFrom`, past `cursor` (the `last_seq` sent),
   * with nothing to explain it: resync while the budget at this cursor lasts, else the error to raise.
   */
  onHandshakeGap(cursor: number, replayFrom: number, sessionId: string | undefined): GapAction {
    return this.#spend(
      cursor,
      sessionId,
      `the engine answered a resume from seq ${cursor} with a handshake whose replay starts after seq ` +
        `${replayFrom}, with no resync_required to explain the missing events ${cursor + 1}..${replayFrom}`,
    );
  }

  /**
   * The error for a valid logged event at `seq`, a position reported as malformed (and moved past, to
   * `cursor`): the engine sent two different events for one position, so what was delivered after it
   * may not be the session's log, and nothing can be delivered in order any more.
   */
  contradiction(seq: number, cursor: number, sessionId: string | undefined): SessionDisconnectedError {
    this.#reported.delete(seq);
    return new SessionDisconnectedError(
      `Session ${sessionId ?? "(unknown)"}: the engine sent a valid logged event at seq ${seq}, after ` +
        `sending a malformed frame for that position (reported with skipped_seq ${seq}, and delivered up to ` +
        `seq ${cursor} since). The engine is misbehaving (check its version); events after seq ${seq - 1} ` +
        `may not be the session's log: ${resumeHint(seq - 1)}`,
      { sessionId },
    );
  }

  #spend(cursor: number, sessionId: string | undefined, what: string): GapAction {
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
        `Session ${
          sessionId ?? "(unknown)"
        }: ${what}; ${MAX_GAP_RESYNCS} resumes from seq ${cursor} did not ` +
          `fill the gap, so the engine is misbehaving (check its version). Nothing after seq ${cursor} was ` +
          `delivered; ${resumeHint(cursor)}`,
        { sessionId },
      ),
    };
  }

  #forgetReportsAfter(seq: number): void {
    for (const position of this.#reported) if (position > seq) this.#reported.delete(position);
  }
}

/** How a gap error tells the caller to carry on from the last event it got. */
function resumeHint(lastSeq: number): string {
  return `resume with new Session({ sessionId, lastSeq: ${lastSeq} }), or read the history with getMessages().`;
}
