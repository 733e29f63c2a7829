/**
 * User posts of one session: applies each client-made `post_id` / `batch_id` once, stores the user
 * messages in the history, and remembers receipts so a retry is acknowledged as a duplicate.
 *
 * @module
 */
import type { ContentPart, UserMessage } from "../../generated/protocol.ts";
import { newId } from "../ids.ts";
import type { EngineStore, PostReceipt, SessionMessage } from "../store/store.ts";
import type { TurnPost } from "./turn.ts";

/** The outcome of applying a post or batch. */
export type PostOutcome =
  | { duplicate: false; posts: TurnPost[] }
  | { duplicate: true; receipt: PostReceipt }
  | { reused: string }
  | { limit: number }
  | { busy: number };

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
  readonly #posts = new Map<string, string>();
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

  /** Applies one post (or reports it as a duplicate). */
  async post(message: UserMessage): Promise<PostOutcome> {
    const known = this.#posts.get(message.post_id);
    if (known !== undefined) {
      return { duplicate: true, receipt: { kind: "post", post_id: message.post_id, message_id: known } };
    }
    if (this.#posts.size >= this.#maxMessages) return { limit: this.#maxMessages };
    const post = this.#claim(message);
    const receipt: PostReceipt = { kind: "post", post_id: post.post_id, message_id: post.message_id };
    await this.#persist([message], [post], receipt);
    return { duplicate: false, posts: [post] };
  }

  /** Applies a batch (or reports it as a duplicate); `reused` names a post id used before. */
  async batch(batchId: string, messages: UserMessage[]): Promise<PostOutcome> {
    const known = this.#batches.get(batchId);
    if (known) return { duplicate: true, receipt: known };
    const ids = messages.map((m) => m.post_id);
    const reused = ids.find((id, i) => this.#posts.has(id) || ids.indexOf(id) !== i);
    if (reused !== undefined) return { reused };
    if (this.#posts.size + ids.length > this.#maxMessages) return { limit: this.#maxMessages };
    const posts = messages.map((m) => this.#claim(m));
    const receipt: PostReceipt = {
      kind: "batch",
      batch_id: batchId,
      post_ids: ids,
      message_ids: posts.map((p) => p.message_id),
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
  #claim(message: UserMessage): TurnPost {
    const messageId = newId("message");
    this.#posts.set(message.post_id, messageId);
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
      this.#posts.set(receipt.post_id, receipt.message_id);
      return;
    }
    this.#batches.set(receipt.batch_id, receipt);
    receipt.post_ids.forEach((id, i) => this.#posts.set(id, receipt.message_ids[i] ?? ""));
  }
}
