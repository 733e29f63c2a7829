/**
 * Session leases: in a cluster exactly one node runs a session (its turns, posts, approvals and
 * terminate) at a time. A node takes a free lease for `ttlMs`, renews every lease it holds every
 * third of that, and gives it back when it drops the session from memory. A node that dies stops
 * renewing, and another node may take the session once the lease has expired.
 *
 * The lease is also the fence: appends carry its token and Redis refuses them once another node holds
 * the lease (`store/redis_scripts.ts`), so a node that lost its lease (paused, partitioned) can never
 * write a seq the new owner writes.
 *
 * @module
 */
import type { RedisStore } from "../store/redis_store.ts";

/** Who holds a session's lease after an attempt to take it. */
export type LeaseOutcome = { mine: true } | { mine: false; node: string };

/** The node id inside a lease token `<node>/<n>`. */
export function nodeOfToken(token: string): string {
  const slash = token.lastIndexOf("/");
  return slash < 0 ? token : token.slice(0, slash);
}

/** The leases one node holds. */
export class Leases {
  readonly #store: RedisStore;
  readonly #nodeId: string;
  readonly #ttlMs: number;
  readonly #lost: (sessionId: string) => void;
  readonly #log: (line: string) => void;
  readonly #held = new Map<string, string>();
  #counter = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** When the last renewal reached Redis: past the TTL every lease must be assumed lost. */
  #renewedAt = performance.now();

  constructor(
    store: RedisStore,
    nodeId: string,
    ttlMs: number,
    lost: (sessionId: string) => void,
    log: (line: string) => void,
  ) {
    this.#store = store;
    this.#nodeId = nodeId;
    this.#ttlMs = ttlMs;
    this.#lost = lost;
    this.#log = log;
  }

  /** Whether this node holds the session's lease. */
  holds(sessionId: string): boolean {
    return this.#held.has(sessionId);
  }

  /** How many leases this node holds. */
  get count(): number {
    return this.#held.size;
  }

  /** Takes the session's lease if it is free; otherwise says which node holds it. */
  async acquire(sessionId: string): Promise<LeaseOutcome> {
    if (this.#held.has(sessionId)) return { mine: true };
    const token = `${this.#nodeId}/${++this.#counter}`;
    const holder = await this.#store.acquireLease(sessionId, token, this.#ttlMs);
    if (holder === token) {
      this.#held.set(sessionId, token);
      this.#store.fence(sessionId, token);
      return { mine: true };
    }
    return { mine: false, node: nodeOfToken(holder) };
  }

  /** Gives a lease back (the session left this node's memory, or ended). */
  async release(sessionId: string): Promise<void> {
    const token = this.#held.get(sessionId);
    if (token === undefined) return;
    this.#held.delete(sessionId);
    this.#store.fence(sessionId, undefined);
    await this.#store.releaseLease(sessionId, token).catch((e) =>
      this.#log(`cluster: could not give back the lease of session ${sessionId} (it expires by itself): ${e}`)
    );
  }

  /** Starts renewing. */
  start(): void {
    this.#timer = setInterval(() => void this.#renew(), Math.max(20, Math.floor(this.#ttlMs / 3)));
    Deno.unrefTimer(this.#timer);
  }

  /** Stops renewing and gives every lease back (a clean shutdown hands sessions over at once). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#held.keys()].map((id) => this.release(id)));
  }

  async #renew(): Promise<void> {
    const leases = [...this.#held].map(([sessionId, token]) => ({ sessionId, token }));
    if (leases.length === 0) {
      this.#renewedAt = performance.now();
      return;
    }
    try {
      const kept = await this.#store.renewLeases(leases, this.#ttlMs);
      this.#renewedAt = performance.now();
      leases.forEach((lease, i) => {
        if (!kept[i]) this.#drop(lease.sessionId, lease.token, "another node took it over");
      });
    } catch (error) {
      // Redis unreachable: the leases expire there on their own. Past the TTL they must count as lost
      // here too, so this node stops running sessions another node may already run.
      if (performance.now() - this.#renewedAt < this.#ttlMs) return;
      for (const lease of leases) this.#drop(lease.sessionId, lease.token, `renewal failed: ${error}`);
    }
  }

  #drop(sessionId: string, token: string, why: string): void {
    if (this.#held.get(sessionId) !== token) return;
    this.#held.delete(sessionId);
    this.#store.fence(sessionId, undefined);
    this.#log(`cluster: lost the lease of session ${sessionId} (${why}); stopped running it here`);
    this.#lost(sessionId);
  }
}
