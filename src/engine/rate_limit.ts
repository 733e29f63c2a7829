/**
 * Per-key token buckets: WebSocket frames and REST requests of one API key share one bucket, so a
 * flood from one organisation cannot starve the others.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  updated: number;
}

/** A token-bucket rate limiter keyed by API key. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

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
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.#rate);
    bucket.updated = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until `key` has a token again (for `retry_after_ms`); 0 when it has one now. */
  retryAfterMs(key: string): number {
    const bucket = this.#buckets.get(key);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.#rate) * 1000));
  }

  /** Seconds until `key` has a token again (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    const bucket = this.#buckets.get(key);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate));
  }
}
