/**
 * Engine metrics, rendered in the Prometheus text exposition format (0.0.4) at `/metrics`.
 *
 * @module
 */
import type { ErrorCode } from "../generated/protocol.ts";
import type { CredentialMetrics } from "./credential_metrics.ts";

/** Upper bounds (ms) of the latency histograms' buckets, from 1 ms to 2 minutes. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1,
  2.5,
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
  10_000,
  30_000,
  60_000,
  120_000,
];

/**
 * A Prometheus histogram with fixed buckets: `observe(ms)` is a few comparisons and additions, and
 * `render` writes the `_bucket{le="..."}` (cumulative, ending with `+Inf`), `_sum` and `_count` samples.
 *
 * @example
 * ```ts
 * const h = new Histogram("vectorshift_turn_duration_ms", "Turn duration.", [10, 100]);
 * h.observe(42);
 * console.log(h.render().join("\n")); // ..._bucket{le="10"} 0, ..._bucket{le="100"} 1, ..._count 1
 * ```
 */
export class Histogram {
  /** Metric name (the samples add `_bucket`, `_sum` and `_count`). */
  readonly name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, help: string, bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.name = name;
    this.#help = help;
    this.#bounds = [...bounds].sort((a, b) => a - b);
    this.#counts = new Array(this.#bounds.length + 1).fill(0);
  }

  /** Records one observation; negative and non-finite values are ignored. */
  observe(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    let i = 0;
    while (i < this.#bounds.length && value > (this.#bounds[i] ?? Infinity)) i++;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#sum += value;
    this.#count++;
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** Sum of the observations so far. */
  get sum(): number {
    return this.#sum;
  }

  /** The `# HELP`, `# TYPE` and sample lines. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.#help}`, `# TYPE ${this.name} histogram`];
    let cumulative = 0;
    this.#bounds.forEach((bound, i) => {
      cumulative += this.#counts[i] ?? 0;
      lines.push(`${this.name}_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.#count}`,
      `${this.name}_sum ${this.#sum}`,
      `${this.name}_count ${this.#count}`,
    );
    return lines;
  }
}

/** Process memory at scrape time; Deno's, or zeros where it is unavailable. */
function memoryUsage(): { rss: number; heapUsed: number } {
  try {
    const { rss, heapUsed } = Deno.memoryUsage();
    return { rss, heapUsed };
  } catch {
    return { rss: 0, heapUsed: 0 };
  }
}

/** Counters, gauges and histograms the engine keeps. */
export class Metrics {
  /** Sessions by state. */
  readonly sessions = { active: 0, terminated: 0, expired: 0 };
  /** Turns currently running a model or tool. */
  activeGenerations = 0;
  /** Sockets attached to a session now. */
  attachedSockets = 0;
  /** Sessions held in memory now (the rest are only in the store until used again). */
  sessionsInMemory = 0;
  /** Frames sent to sockets, logged and connection-scoped. */
  eventsSent = 0;
  /** Turns started. */
  turnsStarted = 0;
  /** WebSocket connections accepted. */
  connectionsOpened = 0;
  /** WebSocket connections open now (attached to a session or not). */
  openSockets = 0;
  /** Scoped tokens minted with `POST /v1/tokens`. */
  tokensMinted = 0;
  /** Requests and frames per organisation key and per token, when the engine counts them. */
  credentials: CredentialMetrics | undefined;
  /** From a turn's start to its first text delta. */
  readonly timeToFirstDelta: Histogram = new Histogram(
    "vectorshift_time_to_first_delta_ms",
    "Milliseconds from a turn's start to its first text delta.",
  );
  /** From a turn's start to its end (completed, failed or cancelled). */
  readonly turnDuration: Histogram = new Histogram(
    "vectorshift_turn_duration_ms",
    "Milliseconds from a turn's start to its end.",
  );
  /** One store commit (a durable append or batch). */
  readonly storeCommit: Histogram = new Histogram(
    "vectorshift_store_commit_ms",
    "Milliseconds one store commit took.",
  );
  readonly #errors = new Map<string, number>();
  readonly #http = new Map<number, number>();

  /** Counts one error by protocol error code (or `http_<status>` for REST). */
  error(code: ErrorCode | `http_${number}`): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** Counts one REST response by status. */
  httpResponse(status: number): void {
    this.#http.set(status, (this.#http.get(status) ?? 0) + 1);
  }

  /** The metrics as Prometheus text. */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: "gauge" | "counter", help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    family("vectorshift_sessions", "gauge", "Sessions by state.", [
      ['{state="active"}', this.sessions.active],
      ['{state="terminated"}', this.sessions.terminated],
      ['{state="expired"}', this.sessions.expired],
    ]);
    family("vectorshift_active_generations", "gauge", "Turns currently generating.", [[
      "",
      this.activeGenerations,
    ]]);
    family("vectorshift_attached_sockets", "gauge", "Sockets attached to a session.", [[
      "",
      this.attachedSockets,
    ]]);
    family(
      "vectorshift_sessions_in_memory",
      "gauge",
      "Sessions held in memory (the rest are in the store).",
      [[
        "",
        this.sessionsInMemory,
      ]],
    );
    family("vectorshift_events_sent_total", "counter", "Event frames sent to sockets.", [[
      "",
      this.eventsSent,
    ]]);
    family("vectorshift_turns_started_total", "counter", "Turns started.", [["", this.turnsStarted]]);
    family("vectorshift_open_sockets", "gauge", "WebSocket connections open now.", [["", this.openSockets]]);
    family("vectorshift_connections_opened_total", "counter", "WebSocket connections accepted.", [[
      "",
      this.connectionsOpened,
    ]]);
    family(
      "vectorshift_errors_total",
      "counter",
      "Errors by code.",
      [...this.#errors].sort().map(([code, n]) => [`{code="${code}"}`, n]),
    );
    family(
      "vectorshift_http_responses_total",
      "counter",
      "REST responses by status.",
      [...this.#http].sort((a, b) => a[0] - b[0]).map(([status, n]) => [`{status="${status}"}`, n]),
    );
    family("vectorshift_tokens_minted_total", "counter", "Scoped tokens minted.", [["", this.tokensMinted]]);
    if (this.credentials) lines.push(...this.credentials.render());
    for (const histogram of [this.timeToFirstDelta, this.turnDuration, this.storeCommit]) {
      lines.push(...histogram.render());
    }
    const memory = memoryUsage();
    family("vectorshift_process_resident_memory_bytes", "gauge", "Resident set size of the process.", [[
      "",
      memory.rss,
    ]]);
    family("vectorshift_process_heap_used_bytes", "gauge", "JavaScript heap in use.", [[
      "",
      memory.heapUsed,
    ]]);
    return lines.join("\n") + "\n";
  }
}
