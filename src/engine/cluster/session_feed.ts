/**
 * One session's events for the sockets attached to it on this node, whichever node writes its log.
 * The writer publishes each committed batch on the session's channel (atomically with the append, so
 * batches arrive in seq order); the feed hands them to its {@link Fanout}. A batch that does not
 * continue what the feed delivered (published before it subscribed, or a hole) is filled from the
 * log first, and what it already delivered is skipped: every socket gets every event once, in order.
 *
 * A logged `session_terminated` closes the sockets with 4010 after it; an expiry notice with 4011.
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import { CloseCode } from "../../generated/protocol_schema.ts";
import type { EngineContext } from "../context.ts";
import { Fanout, type FanoutSource } from "../session/fanout.ts";
import type { SessionRecord } from "../store/store.ts";

/** What the feed reads the log and approvals from. */
export type FeedStore = Pick<EngineContext["store"], "readEvents" | "listApprovals">;

/** The notice published on a session's channel when it expired (it logs no event). */
export const EXPIRED_NOTICE = "!expired";

const TERMINATED_PREFIX = '{"type":"session_terminated"';

/** How long a socket's next frame waits for its own acknowledgement to arrive through the feed. */
const ACK_WAIT_MS = 5_000;

/** A session's live events on this node. */
export class SessionFeed implements FanoutSource {
  readonly sessionId: string;
  readonly org: string;
  readonly agentId: string;
  readonly fanout: Fanout;
  readonly #store: FeedStore;
  readonly #log: (line: string) => void;
  #chain: Promise<void> = Promise.resolve();
  #ended: "terminated" | "expired" | undefined;
  readonly #waiters = new Set<{ seq: number; resolve: () => void }>();

  constructor(ctx: EngineContext, record: SessionRecord, head: number) {
    this.sessionId = record.id;
    this.org = record.org;
    this.agentId = record.agent_id;
    this.#store = ctx.store;
    this.#log = ctx.log;
    this.fanout = new Fanout(ctx, this, head);
  }

  /** Set once the session ended: no socket may attach any more. */
  get ended(): "terminated" | "expired" | undefined {
    return this.#ended;
  }

  /** A message from the session's channel (a committed batch or a notice), in publish order. */
  receive(message: string): void {
    this.#chain = this.#chain.then(() => this.#apply(message)).catch((error) => {
      // The log could not be read to fill a hole: these sockets cannot be served gap-free any more.
      this.#log(`cluster: feed of session ${this.sessionId} failed (${error}); closing its sockets`);
      this.fanout.closeAll(
        CloseCode.store_unavailable,
        "the engine lost its shared store; resume from your last seq",
      );
    });
  }

  /** Resolves once events up to `seq` were handed to the sockets (or after a bounded wait). */
  reached(seq: number): Promise<void> {
    if (seq <= this.fanout.head || this.#ended) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const waiter = { seq, resolve };
    this.#waiters.add(waiter);
    const timer = setTimeout(() => {
      this.#waiters.delete(waiter);
      resolve();
    }, ACK_WAIT_MS);
    return promise.finally(() => clearTimeout(timer));
  }

  async pendingApprovals(seq: number): Promise<ServerEvent[]> {
    const stored = await this.#store.listApprovals(this.sessionId);
    return stored.map((a) => a.event).filter((e) => e.seq <= seq);
  }

  async #apply(message: string): Promise<void> {
    if (this.#ended) return;
    if (message === EXPIRED_NOTICE) return this.#end("expired");
    const lines = message.split("\n");
    const first = Number(lines[0]);
    const frames = lines.slice(1);
    const last = first + frames.length - 1;
    let head = this.fanout.head;
    if (!Number.isSafeInteger(first) || last <= head) return;
    if (first > head + 1) {
      // Published before this node subscribed, or lost: the log has them.
      const window = await this.#store.readEvents(this.sessionId, head);
      const missing = window.events.filter((e) => e.seq > head && e.seq < first);
      if ((missing[0]?.seq ?? first) !== head + 1) {
        // Retention trimmed them before this node could send them: these sockets cannot be served
        // gap-free, so they are closed and resume from their cursor (getting resync_required).
        this.#log(
          `cluster: session ${this.sessionId}: events after ${head} left the log before this node sent them`,
        );
        this.fanout.closeAll(
          CloseCode.internal_error,
          "events were trimmed before they could be sent; resume from your last seq",
        );
      }
      if (missing.length > 0) {
        head = missing[missing.length - 1]!.seq;
        this.fanout.deliver(missing.map((e) => JSON.stringify(e)), head);
      }
    }
    const fresh = frames.slice(Math.max(0, head + 1 - first));
    this.fanout.deliver(fresh, last);
    for (const waiter of this.#waiters) {
      if (waiter.seq <= last) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
    if (fresh.length > 0 && fresh[fresh.length - 1]!.startsWith(TERMINATED_PREFIX)) this.#end("terminated");
  }

  #end(how: "terminated" | "expired"): void {
    this.#ended = how;
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
    if (how === "terminated") this.fanout.closeAll(CloseCode.session_terminated, "session terminated");
    else this.fanout.closeAll(CloseCode.session_expired, "session expired; create a new session");
  }
}
