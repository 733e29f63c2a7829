/**
 * A node's subscriptions on Redis pub/sub: the event channels of the sessions it has sockets for, and
 * its own command channel. One connection, dedicated to subscribing (Redis requires that).
 *
 * Pub/sub delivers only while connected. When the connection drops, whatever was published meanwhile
 * is lost to this node, so the bus tells its owner (`down`), which closes the sockets that relied on
 * it: their clients resume from their cursor once Redis is back, and the log fills the hole.
 *
 * @module
 */
import type { Redis } from "ioredis";
import type { RedisStore } from "../store/redis_store.ts";
import { StoreUnavailableError } from "../store/store_unavailable.ts";

/** One node's pub/sub connection. */
export class Bus {
  readonly #sub: Redis;
  readonly #handlers = new Map<string, (message: string) => void>();
  /** Channels subscribed on Redis; the client subscribes to all of them again after a reconnect. */
  readonly #channels = new Set<string>();
  readonly #down: () => void;
  #connected = true;

  private constructor(sub: Redis, down: () => void) {
    this.#sub = sub;
    this.#down = down;
    sub.on("message", (channel: string, message: string) => this.#handlers.get(channel)?.(message));
    sub.on("close", () => {
      if (!this.#connected) return;
      this.#connected = false;
      this.#down();
    });
    // The client subscribes again by itself after reconnecting, also to the channels whose feeds were
    // dropped while it was down: those are given up now.
    sub.on("ready", () => {
      this.#connected = true;
      const stale = [...this.#channels].filter((c) => !this.#handlers.has(c));
      for (const channel of stale) this.#channels.delete(channel);
      if (stale.length > 0) void sub.unsubscribe(...stale).catch(() => {});
    });
  }

  /** Connects the subscribing connection; `down` runs each time it drops. */
  static async connect(store: RedisStore, down: () => void): Promise<Bus> {
    const sub = store.subscriber();
    try {
      await sub.connect();
    } catch (error) {
      sub.disconnect();
      throw new StoreUnavailableError(`Cannot subscribe on Redis: ${error}`, { cause: error });
    }
    return new Bus(sub, down);
  }

  /** Whether messages are being received now. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Receives a channel's messages; resolves once Redis confirms the subscription. */
  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    if (!this.#connected) throw new StoreUnavailableError("Redis is unavailable: not subscribed");
    this.#handlers.set(channel, handler);
    this.#channels.add(channel);
    try {
      await this.#sub.subscribe(channel);
    } catch (error) {
      this.#handlers.delete(channel);
      this.#channels.delete(channel);
      throw new StoreUnavailableError(`Redis is unavailable: cannot subscribe: ${error}`, { cause: error });
    }
  }

  /** Stops receiving a channel. */
  async unsubscribe(channel: string): Promise<void> {
    this.#handlers.delete(channel);
    if (!this.#connected) return; // given up once the connection is back
    this.#channels.delete(channel);
    await this.#sub.unsubscribe(channel).catch(() => {
      // Dropped connection: the subscription went with it.
    });
  }

  /** Closes the connection. */
  close(): void {
    this.#connected = false;
    this.#handlers.clear();
    this.#sub.disconnect();
  }
}
