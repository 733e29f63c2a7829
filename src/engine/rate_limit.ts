/**
 * Rate limits. Each API key has one token bucket that its WebSocket frames and REST requests share, so
 * a flood from one organisation cannot starve the others. Within a key, each socket also has a fair
 * share of that budget (the key's rate and burst divided by its open sockets), so one flooding socket
 * cannot starve the key's other clients either: it runs out of its share long before the key's bucket.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  updated: number;
}

/** Smallest burst a socket's share gets, however many sockets its key has open. */
const MIN_SHARE_BURST = 8;

/** Refills `bucket` at `rate` per second up to `burst`; takes a token when one is there. */
function takeFrom(bucket: Bucket, now: number, rate: number, burst: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updated) / 1000) * rate);
  bucket.updated = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

function msUntilToken(bucket: Bucket | undefined, rate: number): number {
  if (!bucket || bucket.tokens >= 1) return 0;
  return Math.max(1, Math.ceil(((1 - bucket.tokens) / rate) * 1000));
}

/** One socket's fair share of its key's budget; {@link ConnectionShare.release} it when the socket closes. */
export interface ConnectionShare {
  /** Takes a token from this socket's share and from its key's bucket; false when either is empty. */
  take(): boolean;
  /** Milliseconds until `take()` can succeed again (for `retry_after_ms`). */
  retryAfterMs(): number;
  /** Gives the share back: the key's other sockets get larger shares. Idempotent. */
  release(): void;
}

/** A token-bucket rate limiter keyed by API key, with fair per-socket shares. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #sockets = new Map<string, number>();

  /** @param rate tokens per second; @param burst bucket size. */
  constructor(rate: number, burst: number, now: () => number = () => performance.now()) {
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
  }

  /** Takes one token for `key`; false when the key is over its rate. */
  take(key: string): boolean {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.#burst, updated: now };
      this.#buckets.set(key, bucket);
    }
    return takeFrom(bucket, now, this.#rate, this.#burst);
  }

  /** Milliseconds until `key` has a token again (for `retry_after_ms`); 0 when it has one now. */
  retryAfterMs(key: string): number {
    return msUntilToken(this.#buckets.get(key), this.#rate);
  }

  /** Seconds until `key` has a token again (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    return Math.ceil(this.retryAfterMs(key) / 1000);
  }

  /** Open sockets holding a share of `key`. */
  sockets(key: string): number {
    return this.#sockets.get(key) ?? 0;
  }

  /** Opens a fair share of `key`'s budget for one socket. */
  share(key: string): ConnectionShare {
    this.#sockets.set(key, this.sockets(key) + 1);
    const limiter = this;
    const rateNow = () => limiter.#rate / Math.max(1, limiter.sockets(key));
    const burstNow = () => Math.max(MIN_SHARE_BURST, limiter.#burst / Math.max(1, limiter.sockets(key)));
    const own: Bucket = { tokens: burstNow(), updated: this.#now() };
    let released = false;
    return {
      take(): boolean {
        if (!takeFrom(own, limiter.#now(), rateNow(), burstNow())) return false;
        if (limiter.take(key)) return true;
        own.tokens += 1; // refused by the key's bucket: the frame must not cost the socket its share
        return false;
      },
      retryAfterMs(): number {
        return Math.max(msUntilToken(own, rateNow()), limiter.retryAfterMs(key));
      },
      release(): void {
        if (released) return;
        released = true;
        const left = limiter.sockets(key) - 1;
        if (left > 0) limiter.#sockets.set(key, left);
        else limiter.#sockets.delete(key);
      },
    };
  }
}
