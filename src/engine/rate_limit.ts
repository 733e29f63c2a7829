/**
 * Rate limits. Each API key has one token bucket that its WebSocket frames and REST requests share, so
 * a flood from one organisation cannot starve the others. Within a key, each socket also has a fair
 * share of that budget (the key's rate and burst divided by its open sockets) and may take from the
 * key's bucket only within it: the shares add up to the key's budget, so one flooding socket cannot
 * starve the key's other clients either. A scoped token has a bucket of its own and also draws from its
 * organisation's key (its "parent"), so minting tokens never multiplies an organisation's budget, and its
 * sockets count among the key's.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  updated: number;
  /** A token's own limit (before the cluster split), when lower than its key's. */
  own?: { rate: number; burst: number };
}

/** Smallest burst a socket's share gets, however many sockets its key has open (one frame at a time). */
const MIN_SHARE_BURST = 1;
/** Buckets kept before full ones are dropped (a full bucket is the same as none: tokens come and go). */
const SWEEP_FLOOR = 1024;

/** How keys relate and who is told about each decision. */
export interface RateLimiterLinks {
  /** The key a key's traffic also counts against (a token's organisation key); undefined for none. */
  parentOf?: (key: string) => string | undefined;
  /** Told of every frame or request admitted or refused, by key (for per-credential metrics). */
  observe?: (key: string, admitted: boolean) => void;
  /** A key's own limit when it has one (a token minted with `rate_limit`); never above the key's. */
  limitsOf?: (key: string) => { per_second: number; burst: number } | undefined;
}

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
  readonly #parentOf: (key: string) => string | undefined;
  readonly #observe: ((key: string, admitted: boolean) => void) | undefined;
  readonly #limitsOf: RateLimiterLinks["limitsOf"];
  #sweepAt = SWEEP_FLOOR;

  /** @param rate tokens per second; @param burst bucket size. */
  constructor(
    rate: number,
    burst: number,
    now: () => number = () => performance.now(),
    links: RateLimiterLinks = {},
  ) {
    this.#keyRate = rate;
    this.#keyBurst = burst;
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
    this.#parentOf = links.parentOf ?? (() => undefined);
    this.#observe = links.observe;
    this.#limitsOf = links.limitsOf;
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

  /** Takes one token for `key` (and its parent's); false when either is over its rate. */
  take(key: string): boolean {
    const now = this.#now();
    const parent = this.#parentOf(key);
    let admitted = false;
    if (parent === undefined || takeFrom(this.#bucket(parent, now), now, this.#rate, this.#burst)) {
      const bucket = this.#bucket(key, now);
      admitted = takeFrom(bucket, now, this.#rateOf(bucket), this.#burstOf(bucket));
      // Refused by the token's own bucket: the frame must not cost its organisation either.
      if (!admitted && parent !== undefined) this.#bucket(parent, now).tokens += 1;
    }
    this.#observe?.(key, admitted);
    return admitted;
  }

  /** Tells the observer of a frame refused by a socket's share before it reached the key's bucket. */
  refusedByShare(key: string): void {
    this.#observe?.(key, false);
  }

  #bucket(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep(now);
      const own = this.#limitsOf?.(key);
      bucket = { tokens: this.#burst, updated: now };
      if (own) {
        bucket.own = {
          rate: Math.min(own.per_second, this.#keyRate),
          burst: Math.min(own.burst, this.#keyBurst),
        };
        bucket.tokens = this.#burstOf(bucket);
      }
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** A bucket's rate: the key's, or its own split over the cluster's nodes like the key's. */
  #rateOf(bucket: Bucket): number {
    return bucket.own ? bucket.own.rate * (this.#rate / this.#keyRate) : this.#rate;
  }

  #burstOf(bucket: Bucket): number {
    return bucket.own ? Math.max(1, bucket.own.burst * (this.#burst / this.#keyBurst)) : this.#burst;
  }

  /** Drops full buckets, so tokens used once do not stay; runs when the map doubles (amortised O(1)). */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updated) / 1000) * this.#rateOf(bucket) >= this.#burstOf(bucket)) {
        this.#buckets.delete(key);
      }
    }
    this.#sweepAt = Math.max(SWEEP_FLOOR, 2 * this.#buckets.size);
  }

  /** Milliseconds until `key` (and its parent) has a token again (for `retry_after_ms`); 0 when it has. */
  retryAfterMs(key: string): number {
    const parent = this.#parentOf(key);
    const bucket = this.#buckets.get(key);
    const own = msUntilToken(bucket, bucket ? this.#rateOf(bucket) : this.#rate);
    return parent === undefined ? own : Math.max(own, msUntilToken(this.#buckets.get(parent), this.#rate));
  }

  /** Seconds until `key` has a token again (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    return Math.ceil(this.retryAfterMs(key) / 1000);
  }

  /**
   * Open sockets holding a share of `key`; for a token, of its organisation's key (which counts the
   * sockets of all its tokens), so a token's sockets get the same fair share and limit as the key's.
   */
  sockets(key: string): number {
    return this.#sockets.get(this.#parentOf(key) ?? key) ?? 0;
  }

  /** Opens a fair share of `key`'s budget for one socket. */
  share(key: string): ConnectionShare {
    this.#count(key, 1);
    return new FairShare(this, key, this.#now);
  }

  /** Gives back one socket's share of `key`. */
  release(key: string): void {
    this.#count(key, -1);
  }

  #count(key: string, change: number): void {
    const parent = this.#parentOf(key);
    for (const k of parent === undefined ? [key] : [key, parent]) {
      const n = (this.#sockets.get(k) ?? 0) + change;
      if (n > 0) this.#sockets.set(k, n);
      else this.#sockets.delete(k);
    }
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
      limiter.refusedByShare(this.#key);
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
