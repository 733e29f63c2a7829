/**
 * The throughput contest between a raw `WebSocket` + `JSON.parse` client and the SDK's `listen()`
 * (validation on), on the same burst from the same wire server, alternating round by round. Uses only
 * web-platform APIs, so Deno, Bun and Node 24 run this same file: `bench/throughput.ts` imports it under
 * Deno and runs it as a script under Bun and Node (`<runtime> runtime_throughput.ts <ws url> <http url>
 * <sizes> <rounds>`, one JSON line on stdout).
 *
 * @module
 */
import { Session } from "../../mod.ts";
import { planText, type StreamPlan } from "./frames.ts";
import { openRaw } from "./raw_client.ts";

/** Events per second of each contender, per round. */
export interface RuntimeRates {
  /** Burst size. */
  events: number;
  /** Raw WebSocket + JSON.parse. */
  raw: number[];
  /** Raw WebSocket + JSON.parse, read through the smallest possible async iterator (see {@link floorRate}). */
  floor: number[];
  /** The SDK's `listen()`. */
  sdk: number[];
}

/** Where the wire server listens. */
export interface WireUrls {
  /** `ws://…/v1/sessions/ws`. */
  wireWsUrl: string;
  /** `http://…` (the SDK's base URL). */
  wireUrl: string;
}

/** How long a stream of `count` events may take. */
export function limitFor(count: number): number {
  return 30_000 + count; // 1 ms per event on top of 30 s: bounded
}

/** Rejects after `ms` unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Counts deltas and times first-to-last; the clock is read twice per round, never per event. */
export class Counter {
  readonly expected: number;
  received = 0;
  #first = 0;
  #last = 0;

  constructor(expected: number) {
    this.expected = expected;
  }

  delta(): void {
    const n = ++this.received;
    if (n === 1) this.#first = performance.now();
    if (n === this.expected) this.#last = performance.now();
  }

  /** Received deltas and the seconds from the first to the last; throws when any was lost. */
  result(): { received: number; seconds: number } {
    if (this.received !== this.expected) {
      throw new Error(`Expected ${this.expected} deltas, received ${this.received}: events were lost.`);
    }
    return { received: this.received, seconds: (this.#last - this.#first) / 1000 };
  }

  /** Deltas per second after the first. */
  rate(): number {
    const { received, seconds } = this.result();
    return (received - 1) / seconds;
  }
}

/** One raw round: receive + JSON.parse only. */
export async function rawRate(urls: WireUrls, plan: StreamPlan): Promise<number> {
  return (await rawStream(urls, plan)).rate();
}

/** Streams `plan` to a raw WebSocket client that only parses each frame. */
export async function rawStream(urls: WireUrls, plan: StreamPlan): Promise<Counter> {
  const counter = new Counter(plan.count);
  const done = Promise.withResolvers<void>();
  const session = await openRaw({
    wsUrl: urls.wireWsUrl,
    apiKey: "bench",
    target: { session_id: "ses_bench_raw" },
    onFrame: (text) => {
      const event = JSON.parse(text) as { type: string };
      if (event.type === "message_delta") counter.delta();
      else if (event.type === "message_complete") done.resolve();
    },
  });
  try {
    session.send({
      type: "post",
      message: { post_id: "post_raw", content: { kind: "text", text: planText(plan) } },
    });
    await within(done.promise, limitFor(plan.count), "raw WebSocket stream");
  } finally {
    await session.close();
  }
  return counter;
}

/**
 * The least any `for await` API can cost: the raw client's parsed frames handed to a consumer through
 * the smallest async iterator there is (an array and one pending promise), with no validation, dedup or
 * bound. `for await` needs one promise per event; this contender measures what that alone costs, so
 * the SDK's own work is the gap between it and `listen()`.
 */
export async function floorRate(urls: WireUrls, plan: StreamPlan): Promise<number> {
  return (await floorStream(urls, plan)).rate();
}

/** Streams `plan` to the raw client read through {@link MinimalAsyncQueue} (see {@link floorRate}). */
export async function floorStream(urls: WireUrls, plan: StreamPlan): Promise<Counter> {
  const counter = new Counter(plan.count);
  const queue = new MinimalAsyncQueue<{ type: string }>();
  const session = await openRaw({
    wsUrl: urls.wireWsUrl,
    apiKey: "bench",
    target: { session_id: "ses_bench_floor" },
    onFrame: (text) => queue.push(JSON.parse(text) as { type: string }),
  });
  try {
    session.send({
      type: "post",
      message: { post_id: "post_floor", content: { kind: "text", text: planText(plan) } },
    });
    const reading = (async () => {
      for await (const event of queue) {
        if (event.type === "message_delta") counter.delta();
        else if (event.type === "message_complete") return;
      }
    })();
    await within(reading, limitFor(plan.count), "raw WebSocket stream through an async iterator");
  } finally {
    await session.close();
  }
  return counter;
}

/** An unbounded single-consumer queue read with `for await`: nothing but the promise per event. */
class MinimalAsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #wake: ((result: IteratorResult<T>) => void) | undefined;

  push(item: T): void {
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      wake({ done: false, value: item });
    } else this.#items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++] as T;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Collects garbage before a round where the runtime allows it (Deno and Node with `--expose-gc`, Bun
 * always), so no round pays for the previous contender's garbage.
 */
export function collectGarbage(): void {
  const host = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (host.Bun) host.Bun.gc(true);
  else host.gc?.();
}

/** Whether {@link collectGarbage} can collect here. */
export function canCollectGarbage(): boolean {
  const host = globalThis as { gc?: unknown; Bun?: unknown };
  return host.Bun !== undefined || typeof host.gc === "function";
}

/**
 * One SDK round through `listen()` with an unbounded queue (a burst outruns the default bound; the
 * default-bound probe is `bench/throughput.ts`'s). Every frame is validated, deduplicated and queued.
 */
export async function sdkRate(urls: WireUrls, plan: StreamPlan, maxSize = 0): Promise<Counter> {
  const counter = new Counter(plan.count);
  const signal = AbortSignal.timeout(limitFor(plan.count));
  // lastSeq: 0 attaches straight away (without it the SDK first asks REST for the head; the wire server has no REST).
  const session = new Session({
    sessionId: "ses_bench_sdk",
    lastSeq: 0,
    apiKey: "bench",
    baseUrl: urls.wireUrl,
  });
  try {
    await session.connect({ signal });
    const listening = (async () => {
      for await (const event of session.listen({ signal, maxSize })) {
        if (event.type === "message_delta") counter.delta();
        else if (event.type === "message_complete") return;
        else if (event.type === "error") throw new Error(`SDK listener got an error event: ${event.error}`);
      }
    })();
    await session.send(planText(plan), { signal });
    await listening;
  } finally {
    await session.disconnect();
  }
  return counter;
}

type Contender = "raw" | "floor" | "sdk";
const CONTENDERS: readonly Contender[] = ["raw", "floor", "sdk"];

/** Warms up, then runs raw, floor and SDK rounds for each size, rotating their order round by round. */
export async function measureRates(urls: WireUrls, sizes: number[], rounds: number): Promise<RuntimeRates[]> {
  const round: Record<Contender, (plan: StreamPlan) => Promise<number>> = {
    raw: (plan) => rawRate(urls, plan),
    floor: (plan) => floorRate(urls, plan),
    sdk: async (plan) => (await sdkRate(urls, plan)).rate(),
  };
  const warmup: StreamPlan = { mode: "burst", count: 5_000 };
  for (const contender of CONTENDERS) await round[contender](warmup);
  const results: RuntimeRates[] = [];
  for (const events of sizes) {
    const plan: StreamPlan = { mode: "burst", count: events };
    const result: RuntimeRates = { events, raw: [], floor: [], sdk: [] };
    for (let i = 0; i < rounds; i++) {
      // Rotate the order, so no contender always runs on a warmer (or busier) machine.
      for (let j = 0; j < CONTENDERS.length; j++) {
        const contender = CONTENDERS[(i + j) % CONTENDERS.length] as Contender;
        collectGarbage();
        result[contender].push(await round[contender](plan));
      }
    }
    results.push(result);
  }
  return results;
}

/** Bounds on what the script accepts from its command line. */
const MAX_EVENTS = 1_000_000;
const MAX_ROUNDS = 50;

function parseArgs(args: readonly string[]): { urls: WireUrls; sizes: number[]; rounds: number } {
  const [wireWsUrl, wireUrl, sizesText, roundsText] = args;
  const sizes = (sizesText ?? "").split(",").map(Number);
  const rounds = Number(roundsText);
  if (!wireWsUrl?.startsWith("ws") || !wireUrl?.startsWith("http")) {
    throw new Error("usage: runtime_throughput.ts <ws url> <http url> <sizes, comma-separated> <rounds>");
  }
  if (!sizes.every((n) => Number.isInteger(n) && n > 1 && n <= MAX_EVENTS)) {
    throw new Error(`sizes must be integers between 2 and ${MAX_EVENTS}; got "${sizesText}"`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new Error(`rounds must be an integer between 1 and ${MAX_ROUNDS}; got "${roundsText}"`);
  }
  return { urls: { wireWsUrl, wireUrl }, sizes, rounds };
}

type ScriptHost = { process?: { argv: string[]; exit(code: number): void }; Bun?: unknown };

// Run as a script (Bun, Node): measure and print one JSON line.
const host = globalThis as unknown as ScriptHost;
if (host.process && !("Deno" in globalThis) && import.meta.url.endsWith(host.process.argv[1] ?? "\0")) {
  try {
    const { urls, sizes, rounds } = parseArgs(host.process.argv.slice(2));
    const rates = await measureRates(urls, sizes, rounds);
    console.log(JSON.stringify({ runtime: host.Bun ? "bun" : "node", gc: canCollectGarbage(), rates }));
  } catch (error) {
    console.error(error instanceof Error ? error.stack ?? error.message : String(error));
    host.process.exit(1);
  }
}
