/**
 * Commands between the nodes of a cluster: a post, batch, approval answer, cancel or terminate that
 * reaches a node which does not run the session is sent to the node that does (the lease holder), on
 * that node's channel, and its answer comes back on the sender's channel. A command that gets no
 * answer within the timeout fails with {@link NodeUnreachable}: the caller waits for the lease to
 * expire and runs the session itself.
 *
 * @module
 */
import type { RedisStore } from "../store/redis_store.ts";
import type { Bus } from "./bus.ts";

/** A command for the node running a session. */
export type Command =
  | { op: "post"; message: unknown }
  | { op: "batch"; batch_id: string; messages: unknown[] }
  | { op: "answer"; frame: unknown }
  | { op: "cancel"; reason?: string }
  | { op: "terminate"; reason?: string };

/** A command on the wire. */
export interface CommandRequest {
  id: number;
  from: string;
  session_id: string;
  org: string;
  command: Command;
}

/** What the running node answered. */
export type CommandReply =
  | { ok: true; value: unknown }
  | { ok: false; not_owner: true }
  | { ok: false; status: number; error: string; code?: string };

/** The node holding the lease did not answer in time (it may have died). */
export class NodeUnreachable extends Error {
  constructor(node: string, ms: number) {
    super(`node ${node} did not answer within ${ms} ms`);
    this.name = "NodeUnreachable";
  }
}

/** At most this many commands wait for answers at once; more fail at once (the caller retries). */
const MAX_PENDING = 10_000;

/** This node's side of the command channel. */
export class NodeRpc {
  readonly #store: RedisStore;
  readonly #nodeId: string;
  readonly #handle: (request: CommandRequest) => Promise<CommandReply>;
  readonly #pending = new Map<number, (reply: CommandReply) => void>();
  #next = 0;

  constructor(store: RedisStore, nodeId: string, handle: (request: CommandRequest) => Promise<CommandReply>) {
    this.#store = store;
    this.#nodeId = nodeId;
    this.#handle = handle;
  }

  /** Starts receiving commands and answers on this node's channel. */
  async start(bus: Bus): Promise<void> {
    await bus.subscribe(this.#store.keys.node(this.#nodeId), (message) => this.#receive(message));
  }

  /** Sends a command to `node` and waits at most `timeoutMs` for its answer. */
  async call(
    node: string,
    request: Omit<CommandRequest, "id" | "from">,
    timeoutMs: number,
  ): Promise<CommandReply> {
    if (this.#pending.size >= MAX_PENDING) throw new NodeUnreachable(node, 0);
    const id = ++this.#next;
    const { promise, resolve } = Promise.withResolvers<CommandReply>();
    this.#pending.set(id, resolve);
    const timer = setTimeout(() => {
      if (this.#pending.delete(id)) resolve({ ok: false, status: 0, error: "timeout" });
    }, timeoutMs);
    try {
      const wire: CommandRequest = { ...request, id, from: this.#nodeId };
      await this.#store.publish(this.#store.keys.node(node), JSON.stringify({ request: wire }));
      const reply = await promise;
      if (!reply.ok && "status" in reply && reply.status === 0) throw new NodeUnreachable(node, timeoutMs);
      return reply;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(id);
    }
  }

  #receive(message: string): void {
    let parsed: { request?: CommandRequest; reply?: { id: number; reply: CommandReply } };
    try {
      parsed = JSON.parse(message);
    } catch {
      return; // Not from an engine of this cluster.
    }
    if (parsed.reply) {
      this.#pending.get(parsed.reply.id)?.(parsed.reply.reply);
      this.#pending.delete(parsed.reply.id);
      return;
    }
    const request = parsed.request;
    if (!request) return;
    void this.#handle(request).then((reply) =>
      this.#store.publish(
        this.#store.keys.node(request.from),
        JSON.stringify({ reply: { id: request.id, reply } }),
      )
    ).catch(() => {
      // Redis went away while answering: the sender times out and retries.
    });
  }
}
