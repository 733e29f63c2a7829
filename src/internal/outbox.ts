/**
 * Posts waiting for the engine's acknowledgement, and control frames waiting for a socket. Posts are
 * re-sent with the same id after every reconnect until acknowledged, so each is applied exactly once.
 *
 * @module
 */
import type { CancelTurnFrame, ClientFrame, PostBatchFrame, PostFrame } from "../generated/protocol.ts";
import { SessionError } from "../errors.ts";
import type { SessionEvent } from "../session_event.ts";

/** What the engine answered to a post or batch. */
export interface PostAck {
  /** Stored message ids, in post order. */
  messageIds: string[];
  /** True when the engine had already applied this id (a retry after a drop). */
  duplicate: boolean;
}

/** The client-made ids of a post (`postId`) or batch (`batchId`): what a rejection names. */
export interface SendIds {
  /** Set for a `post`. */
  postId?: string;
  /** Set for a `post_batch`. */
  batchId?: string;
}

/** A post or batch waiting for its acknowledgement. */
export interface PendingPost {
  /** Its `post_id` or `batch_id`. */
  readonly key: string;
  /** The frame, re-sent as is. */
  readonly frame: PostFrame | PostBatchFrame;
  /** How often the engine refused it as rate limited so far. */
  rateLimited: number;
  /** True while it was sent on the current socket and not acknowledged. */
  inFlight: boolean;
  /** Sockets in a row that the engine closed while it was in flight (see {@link MAX_DROPS_IN_FLIGHT}). */
  drops: number;
  /** @internal */
  readonly settle: PromiseWithResolvers<PostAck>;
}

/** The ids a rejection of `frame` names. */
export function idsOf(frame: PostFrame | PostBatchFrame): SendIds {
  return frame.type === "post" ? { postId: frame.message.post_id } : { batchId: frame.batch_id };
}

/**
 * Sockets the engine may close in a row while one post is in flight before the SDK stops re-sending
 * it. An engine closes the socket on a frame over its size limit (1009, final), but a proxy or another
 * engine may close without a code; re-sending such a frame after every reconnect would loop for ever.
 */
export const MAX_DROPS_IN_FLIGHT = 3;

/** A bounded queue of frames the session must deliver. */
export class Outbox {
  readonly #limit: number;
  readonly #sessionId: () => string | undefined;
  readonly #posts = new Map<string, PendingPost>();
  #control: CancelTurnFrame[] = [];

  /** `limit` bounds posts and control frames waiting together. */
  constructor(limit: number, sessionId: () => string | undefined) {
    this.#limit = limit;
    this.#sessionId = sessionId;
  }

  /** Throws when `limit` frames wait already. */
  #checkRoom(): void {
    if (this.#posts.size + this.#control.length < this.#limit) return;
    throw new SessionError(
      `The send queue is full (${this.#limit} messages wait while the connection is down); ` +
        `wait for the session to reconnect or raise maxPendingSends.`,
      { sessionId: this.#sessionId() },
    );
  }

  /** Tracks a post (keyed by `post_id` or `batch_id`) until acknowledged. */
  addPost(key: string, frame: PostFrame | PostBatchFrame): Promise<PostAck> {
    if (this.#posts.has(key)) {
      throw new SessionError(
        `A send with id ${key} is already waiting for the engine; wait for it (or use a new id).`,
        { sessionId: this.#sessionId(), ...idsOf(frame) },
      );
    }
    this.#checkRoom();
    const settle = Promise.withResolvers<PostAck>();
    this.#posts.set(key, { key, frame, settle, rateLimited: 0, inFlight: false, drops: 0 });
    return settle.promise;
  }

  /** The waiting post or batch an engine error names: by batch id, post id, or a post id inside a batch. */
  find(postId: string | undefined, batchId: string | undefined): PendingPost | undefined {
    const direct = this.#posts.get(batchId ?? postId ?? "");
    if (direct || postId === undefined) return direct;
    for (const pending of this.#posts.values()) {
      if (pending.frame.type === "post_batch" && pending.frame.messages.some((m) => m.post_id === postId)) {
        return pending;
      }
    }
    return undefined;
  }

  /** True while `key` waits for its acknowledgement. */
  has(key: string): boolean {
    return this.#posts.has(key);
  }

  /** Fails one waiting post (the engine refused it). */
  reject(key: string, error: Error): void {
    const pending = this.#posts.get(key);
    if (!pending) return;
    this.#posts.delete(key);
    pending.settle.reject(error);
  }

  /** Queues a control frame until the next connection. */
  addControl(frame: CancelTurnFrame): void {
    this.#checkRoom();
    this.#control.push(frame);
  }

  /** Notes that `frame` went out on the current socket (control frames are not tracked). */
  markSent(frame: ClientFrame): void {
    const key = frame.type === "post"
      ? frame.message.post_id
      : frame.type === "post_batch"
      ? frame.batch_id
      : "";
    const pending = this.#posts.get(key);
    if (pending) pending.inFlight = true;
  }

  /** The engine closed the socket: counts a drop against every post that was in flight on it. */
  noteDrop(): void {
    for (const pending of this.#posts.values()) {
      if (pending.inFlight) pending.drops++;
      pending.inFlight = false;
    }
  }

  /** Rejects the posts the engine closed {@link MAX_DROPS_IN_FLIGHT} sockets on, with `errorFor`'s error. */
  rejectPoisoned(errorFor: (ids: SendIds, drops: number) => Error): void {
    for (const pending of [...this.#posts.values()]) {
      if (pending.drops < MAX_DROPS_IN_FLIGHT) continue;
      this.#posts.delete(pending.key);
      pending.settle.reject(errorFor(idsOf(pending.frame), pending.drops));
    }
  }

  /** Frames to (re)send on a new connection: every unacknowledged post, then queued control frames. */
  takeFrames(): (PostFrame | PostBatchFrame | CancelTurnFrame)[] {
    const control = this.#control;
    this.#control = [];
    return [...[...this.#posts.values()].map((p) => p.frame), ...control];
  }

  /** Settles the post an acknowledgement answers; returns true when it was one of ours. */
  ack(event: SessionEvent): boolean {
    let key: string;
    let ack: PostAck;
    if (event.type === "message_posted") {
      key = event.data.post_id;
      ack = {
        messageIds: event.messageId === undefined ? [] : [event.messageId],
        duplicate: event.data.duplicate,
      };
    } else if (event.type === "messages_posted") {
      key = event.data.batch_id;
      ack = { messageIds: event.data.message_ids, duplicate: event.data.duplicate };
    } else {
      return false;
    }
    const pending = this.#posts.get(key);
    if (!pending) return false;
    this.#posts.delete(key);
    pending.settle.resolve(ack);
    return true;
  }

  /** Stops tracking one post (its caller gave up). */
  forget(key: string): void {
    this.#posts.delete(key);
  }

  /** Rejects every waiting post with the error `errorFor` makes for it, and drops queued control frames. */
  rejectAll(errorFor: (ids: SendIds) => Error): void {
    const posts = [...this.#posts.values()];
    this.#posts.clear();
    this.#control = [];
    for (const post of posts) post.settle.reject(errorFor(idsOf(post.frame)));
  }
}
