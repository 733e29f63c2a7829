/**
 * Rate limits. Each API key has one token bucket that its WebSocket frames and REST requests share, so
 * a flood from one organisation cannot starve the others. Within a key, each socket also has a fair
 * share of that budget (the key's rate and burst divided by its open sockets) and may take from the
 * key's bucket only within it: the shares add up to the key's budget, so one flooding socket cannot
 * starve the key's other clients either.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  updated: number;
}

/** Smallest burst a socket's share gets, however many sockets its key has open (one frame at a time). */
const MIN_SHARE_BURST = 1;

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
  readonly #keyRate: number;
  readonly #keyBurst: number;
  #rate: number;
  #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #sockets = new Map<string, number>();

  /** @param rate tokens per second; @param burst bucket size. */
  constructor(rate: number, burst: number, now: () => number = () => performance.now()) {
    this.#keyRate = rate;
    this.#keyBurst = burst;
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
  }

  /**
   * Splits each key's budget evenly over the `nodes` engine processes of a cluster, so a key's frames
   * over all nodes stay within its limit whichever nodes its sockets reach.
   */
  setNodes(nodes: number): void {
    const n = Math.max(1, Math.floor(nodes));
    this.#rate = this.#keyRate / n;
    this.#burst = Math.max(1, this.#keyBurst / n);
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
    return new FairShare(this, key, this.#now);
  }

  /** Gives back one socket's share of `key`. */
  release(key: string): void {
    const left = this.sockets(key) - 1;
    if (left > 0) this.#sockets.set(key, left);
    else this.#sockets.delete(key);
  }

  /** Rate of one socket's share of `key`: the key's rate split evenly over its open sockets. */
  shareRate(key: string): number {
    return this.#rate / Math.max(1, this.sockets(key));
  }

  /**
   * Burst of one socket's share of `key`. Shares add up to the key's rate and burst, so a socket that
   * stays within its share always finds tokens in the key's bucket, whatever the others send.
   */
  shareBurst(key: string): number {
    return Math.max(MIN_SHARE_BURST, this.#burst / Math.max(1, this.sockets(key)));
  }
}

/** One socket's bucket, refilled at its current fair share of the key's rate. */
class FairShare implements ConnectionShare {
  readonly #limiter: RateLimiter;
  readonly #key: string;
  readonly #now: () => number;
  readonly #own: Bucket;
  #released = false;

  constructor(limiter: RateLimiter, key: string, now: () => number) {
    this.#limiter = limiter;
    this.#key = key;
    this.#now = now;
    this.#own = { tokens: limiter.shareBurst(key), updated: now() };
  }

  take(): boolean {
    const limiter = this.#limiter;
    if (!takeFrom(this.#own, this.#now(), limiter.shareRate(this.#key), limiter.shareBurst(this.#key))) {
      return false;
    }
    if (limiter.take(this.#key)) return true;
    this.#own.tokens += 1; // refused by the key's bucket: the frame must not cost the socket its share
    return false;
  }

  retryAfterMs(): number {
    const limiter = this.#limiter;
    return Math.max(msUntilToken(this.#own, limiter.shareRate(this.#key)), limiter.retryAfterMs(this.#key));
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#limiter.release(this.#key);
  }
}
