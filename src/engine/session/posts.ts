/**
 * User posts of one session: applies each client-made `post_id` / `batch_id` once, stores the user
 * messages in the history, and remembers receipts so a retry is acknowledged as a duplicate. An id
 * sent again with other content is a conflict, never a silent duplicate.
 *
 * @module
 */
import type { ContentPart, UserMessage } from "../../generated/protocol.ts";
import { newId } from "../ids.ts";
import type { EngineStore, PostReceipt, SessionMessage } from "../store/store.ts";
import { postDigest } from "./post_digest.ts";
import type { TurnPost } from "./turn.ts";

/** The outcome of applying a post or batch. */
export type PostOutcome =
  | { duplicate: false; posts: TurnPost[] }
  | { duplicate: true; receipt: PostReceipt }
  | { reused: string }
  | { conflict: { post_id: string } | { batch_id: string } }
  | { limit: number }
  | { busy: number };

/** A post id applied in this session: its message id and content digest (unknown for old receipts). */
interface Applied {
  messageId: string;
  digest: string | undefined;
}

/** The content type and text a user message shows in the history. */
function describe(content: ContentPart): { content_type: string; text: string } {
  return content.kind === "text"
    ? { content_type: "text/plain", text: content.text }
    : { content_type: content.mime_type, text: content.filename ?? "(unnamed file)" };
}

/** Applies posts idempotently. */
export class Posts {
  readonly #sessionId: string;
  readonly #userId: string;
  readonly #store: EngineStore;
  readonly #posts = new Map<string, Applied>();
  readonly #batches = new Map<string, PostReceipt & { kind: "batch" }>();
  /** Stores still writing, so terminate can wait for them before it frees the session's data. */
  readonly #writing = new Set<Promise<void>>();

  readonly #maxMessages: number;

  constructor(
    sessionId: string,
    userId: string,
    store: EngineStore,
    receipts: PostReceipt[] = [],
    maxMessages = Number.POSITIVE_INFINITY,
  ) {
    this.#maxMessages = maxMessages;
    this.#sessionId = sessionId;
    this.#userId = userId;
    this.#store = store;
    for (const receipt of receipts) this.#remember(receipt);
  }

  /** Applies one post (or reports it as a duplicate, or as a conflict when the content differs). */
  async post(message: UserMessage): Promise<PostOutcome> {
    const digest = await postDigest(message);
    // From here to the claim nothing awaits, so a concurrent retry sees the claim.
    const known = this.#posts.get(message.post_id);
    if (known !== undefined) {
      if (known.digest !== undefined && known.digest !== digest) {
        return { conflict: { post_id: message.post_id } };
      }
      return {
        duplicate: true,
        receipt: { kind: "post", post_id: message.post_id, message_id: known.messageId },
      };
    }
    if (this.#posts.size >= this.#maxMessages) return { limit: this.#maxMessages };
    const post = this.#claim(message, digest);
    const receipt: PostReceipt = { kind: "post", post_id: post.post_id, message_id: post.message_id, digest };
    await this.#persist([message], [post], receipt);
    return { duplicate: false, posts: [post] };
  }

  /** Applies a batch (or reports it as a duplicate); `reused` names a post id used before. */
  async batch(batchId: string, messages: UserMessage[]): Promise<PostOutcome> {
    const digests = await Promise.all(messages.map(postDigest));
    // From here to the claims nothing awaits, so a concurrent retry sees them.
    const known = this.#batches.get(batchId);
    if (known) {
      const same = known.digests === undefined ||
        (known.digests.length === digests.length && known.digests.every((d, i) => d === digests[i]));
      return same ? { duplicate: true, receipt: known } : { conflict: { batch_id: batchId } };
    }
    const ids = messages.map((m) => m.post_id);
    const reused = ids.find((id, i) => this.#posts.has(id) || ids.indexOf(id) !== i);
    if (reused !== undefined) return { reused };
    if (this.#posts.size + ids.length > this.#maxMessages) return { limit: this.#maxMessages };
    const posts = messages.map((m, i) => this.#claim(m, digests[i]));
    const receipt: PostReceipt = {
      kind: "batch",
      batch_id: batchId,
      post_ids: ids,
      message_ids: posts.map((p) => p.message_id),
      digests,
    };
    this.#batches.set(batchId, receipt);
    await this.#persist(messages, posts, receipt);
    return { duplicate: false, posts };
  }

  /** Whether a post or batch is still being stored. */
  get writing(): boolean {
    return this.#writing.size > 0;
  }

  /** Resolves once every post and batch applied so far is stored (failed writes included). */
  async idle(): Promise<void> {
    await Promise.allSettled(this.#writing);
  }

  /** Records the post id synchronously, before any await, so a concurrent retry sees it. */
  #claim(message: UserMessage, digest: string | undefined): TurnPost {
    const messageId = newId("message");
    this.#posts.set(message.post_id, { messageId, digest });
    return {
      post_id: message.post_id,
      message_id: messageId,
      parts: [message.content, ...(message.files ?? [])],
    };
  }

  async #persist(messages: UserMessage[], posts: TurnPost[], receipt: PostReceipt): Promise<void> {
    const write = this.#write(messages, posts, receipt);
    this.#writing.add(write);
    try {
      await write;
    } finally {
      this.#writing.delete(write);
    }
  }

  async #write(messages: UserMessage[], posts: TurnPost[], receipt: PostReceipt): Promise<void> {
    const now = new Date().toISOString();
    for (const [i, message] of messages.entries()) {
      const stored: SessionMessage = {
        id: posts[i]?.message_id ?? newId("message"),
        session_id: this.#sessionId,
        sender: { role: "user", user_id: this.#userId },
        ...describe(message.content),
        status: "complete",
        post_id: message.post_id,
        created_at: now,
      };
      await this.#store.putMessage(stored);
    }
    await this.#store.putReceipt(this.#sessionId, receipt);
  }

  #remember(receipt: PostReceipt): void {
    if (receipt.kind === "post") {
      this.#posts.set(receipt.post_id, { messageId: receipt.message_id, digest: receipt.digest });
      return;
    }
    this.#batches.set(receipt.batch_id, receipt);
    receipt.post_ids.forEach((id, i) =>
      this.#posts.set(id, { messageId: receipt.message_ids[i] ?? "", digest: receipt.digests?.[i] })
    );
  }
}
