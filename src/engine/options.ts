/**
 * Engine options and their defaults.
 *
 * @module
 */
import type { CorsSettings } from "./http/cors.ts";
import { lineSink, type Logger } from "./log.ts";

/** A knowledge document loaded for every organisation at start. */
export interface KnowledgeDocumentInput {
  /** Title shown in search results. */
  title: string;
  /** Body text that `knowledge_search` searches. */
  text: string;
}

/** Options of {@link startEngine}; every field is optional. */
export interface EngineOptions {
  /**
   * Interface to listen on.
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * Port to listen on; 0 picks a free one (read it back from `url`).
   * @default {0}
   */
  port?: number;
  /**
   * Accepted API keys; each key is its own organisation. When empty, one key is generated and returned
   * as `Engine.apiKey`.
   * @default {[]}
   */
  apiKeys?: string[];
  /** The offline model simulator, used when no hosted provider has credentials. */
  offlineModel?: {
    /**
     * Streaming speed; 0 streams as fast as possible.
     * @default {200}
     */
    tokensPerSecond?: number;
  };
  /**
   * Environment that providers read credentials from (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). The key is
   * only sent to `OPENAI_BASE_URL` (or OpenAI), never to a `base_url` / `endpoint` an agent names.
   * Embedded engines default to an empty record so tests never pick up the machine's keys; the CLI
   * passes the real environment.
   * @default {{}}
   */
  env?: Record<string, string | undefined>;
  /**
   * Logged events kept per session for replay; older cursors get `resync_required`.
   * @default {10000}
   */
  retainedEvents?: number;
  /**
   * Time a new socket has to send a valid `hello` before it is closed with 4002.
   * @default {10000}
   */
  handshakeTimeoutMs?: number;
  /**
   * Announced heartbeat interval; a socket silent for twice this long is closed with 4000.
   * @default {15000}
   */
  heartbeatIntervalMs?: number;
  /**
   * Largest accepted WebSocket frame (and REST body); larger frames close the socket with 1009.
   * @default {8388608}
   */
  maxFrameBytes?: number;
  /**
   * Largest accepted user message (text plus decoded files); larger posts get `message_too_large`.
   * @default {4194304}
   */
  maxMessageBytes?: number;
  /**
   * Window in which back-to-back posts coalesce into one turn: a post waits this long for the next one
   * before its turn starts.
   * @default {40}
   */
  coalesceMs?: number;
  /**
   * Longest a post waits for its turn to start while further posts keep arriving within
   * `coalesceMs` of each other; the turn then starts with the posts so far, and later posts go to
   * the next turn.
   * @default {10 * coalesceMs}
   */
  coalesceMaxMs?: number;
  /** Per-key rate limit on WebSocket frames and REST requests (a token bucket). */
  rateLimit?: {
    /**
     * Sustained rate.
     * @default {200}
     */
    framesPerSecond?: number;
    /**
     * Burst size.
     * @default {400}
     */
    burst?: number;
  };
  /**
   * Cross-origin access to the REST API from browser pages. `allowedOrigins` lists the origins (such
   * as `"https://app.example.com"`) whose pages may call it, or `"*"` for any; `false` sends no CORS
   * headers (browsers on other origins are then refused). Open by default because REST authenticates
   * with a bearer key, never with cookies. The WebSocket endpoint is not subject to CORS.
   * @default {{ allowedOrigins: "*", maxAgeSeconds: 600 }}
   */
  cors?: false | {
    /**
     * Origins allowed to call the API, or `"*"` for any.
     * @default {"*"}
     */
    allowedOrigins?: "*" | string[];
    /**
     * How long browsers may cache a preflight answer.
     * @default {600}
     */
    maxAgeSeconds?: number;
  };
  /**
   * Hosts (`"models.internal"` or `"models.internal:8000"`) that an agent's own `llm_info.base_url`
   * or `endpoint` may name; agents naming another host are refused with 422. Unset allows any host.
   * Either way, the operator's `OPENAI_API_KEY` is only ever sent to `OPENAI_BASE_URL` (or OpenAI),
   * never to a URL an agent chose.
   * @default {undefined}
   */
  allowedModelHosts?: string[];
  /**
   * Outbound bytes a socket may have queued (counting a fixed overhead per queued frame) before it is
   * treated as a slow consumer and closed with 1011; the client resumes from its cursor. Bounds the
   * memory a client that stops reading can hold. The default leaves room for replaying the whole retained
   * log (10,000 events, about 5 MiB with the overhead) to a client that reads at once.
   * @default {16777216}
   */
  maxSocketBufferBytes?: number;
  /**
   * Open sockets one API key may hold; more are refused at `hello` with 4008 (`rate_limited`).
   * @default {1000}
   */
  maxSocketsPerKey?: number;
  /**
   * Sockets that may be open without having completed `hello`; more upgrades are refused with 503.
   * @default {1000}
   */
  maxPendingHandshakes?: number;
  /**
   * Most posts one turn answers; further posts arriving in the same coalescing window start the next
   * turn.
   * @default {32}
   */
  maxPostsPerTurn?: number;
  /**
   * Most bytes (text and base64) of posts waiting for their turn in one session; a post beyond it is
   * refused with `limit_exceeded` (send it again once a turn completes).
   * @default {8388608}
   */
  maxWaitingBytes?: number;
  /**
   * Most characters of knowledge-document text one organisation may hold; a document beyond it is
   * refused with 413.
   * @default {33554432}
   */
  maxKnowledgeChars?: number;
  /**
   * Most user messages one session accepts; later posts are refused with `limit_exceeded` (start a new
   * session). Bounds a session's history and idempotency receipts.
   * @default {10000}
   */
  maxSessionMessages?: number;
  /**
   * Most conversation messages (and UTF-8 bytes, see `maxMemoryBytes`) the model sees as session
   * memory; older ones drop out of the model's view (they stay in the history).
   * @default {200}
   */
  maxMemoryMessages?: number;
  /**
   * Most bytes of conversation (text and attached files, as base64) kept as session memory; beyond it
   * the oldest attachments are replaced by a short note, then the oldest messages drop out. Bounds the
   * engine memory a session holds.
   * @default {1048576}
   */
  maxMemoryBytes?: number;
  /**
   * A connection that sends no complete request for this long (idle keep-alive, or headers or a body
   * trickling in) is closed; WebSockets are exempt once upgraded. `Deno.serve` has no such timeout, so
   * the engine then relays each connection through a small guard to enforce it, which costs a loopback
   * hop per connection and about a third more engine CPU per streamed event (measured at 1,000 sessions
   * x 20 events/s). 0 turns it off: for engines embedded in a process or behind a reverse proxy that
   * enforces HTTP timeouts. The standalone engine (`deno task engine`) turns it on, 30 s by default.
   * @default {0}
   */
  httpIdleTimeoutMs?: number;
  /**
   * Directory of the engine's SQLite database (`engine.sqlite3`; created if missing). With it, agents,
   * chatbots, documents, sessions, their event logs, history, memory, pending approvals and receipts
   * survive a crash or restart. Unset keeps everything in memory (examples and tests).
   * @default {undefined}
   */
  dataDir?: string;
  /**
   * `redis://[user:password@]host:port[/db]` of a Redis server shared by a cluster of engines: every
   * engine started with the same URL and {@link redisPrefix} serves the same organisations, agents,
   * chatbots and sessions, and any of them serves any session (attach, replay, post, approve,
   * terminate). Takes precedence over `dataDir`. Unset runs one engine on SQLite or memory.
   * @default {undefined}
   */
  redisUrl?: string;
  /**
   * Prefix of every Redis key and channel of the cluster; engines of one cluster use the same one.
   * @default {"vs:"}
   */
  redisPrefix?: string;
  /**
   * Cluster lease time: exactly one engine runs a session at a time, holding its lease and renewing
   * it every third of this. When that engine dies, another takes its sessions over after at most this
   * long and closes the turn that was cut off.
   * @default {3000}
   */
  leaseMs?: number;
  /**
   * A session with no attached socket, no turn and no activity for this long expires: its data is
   * removed and later attaches and reads answer `session_expired` (close 4011, HTTP 410). 0 never
   * expires sessions.
   * @default {604800000}
   */
  sessionIdleExpiryMs?: number;
  /**
   * A session with no socket and no turn for this long leaves the engine's memory; its state stays in
   * the store and the next attach or read brings it back. Keeps memory proportional to the sessions in
   * use rather than to every session seen.
   * @default {30000}
   */
  idleEvictionMs?: number;
  /**
   * On `close()`, how long running turns may finish after every socket was closed with 1001; turns
   * still running then are closed as interrupted (durably). The CLI drains for 10 s on SIGTERM.
   * @default {0}
   */
  drainGraceMs?: number;
  /**
   * Documents loaded into every organisation's knowledge base at start.
   * @default {[]}
   */
  knowledgeDocuments?: KnowledgeDocumentInput[];
  /**
   * Receives one line per notable happening (session start and terminate, simulator in use).
   * @default {silent}
   */
  log?: (line: string) => void;
  /**
   * Receives structured entries (see `createLogger` in `log.ts`): every line `log` would get becomes
   * an escaped `info` entry (`error` for internal errors), and one access entry is written per REST
   * request and per WebSocket close. May be given together with `log`, which then still gets the plain
   * lines.
   * @default {undefined}
   */
  logger?: Logger;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  hostname: string;
  port: number;
  apiKeys: string[];
  tokensPerSecond: number;
  env: Record<string, string | undefined>;
  retainedEvents: number;
  handshakeTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxFrameBytes: number;
  maxMessageBytes: number;
  coalesceMs: number;
  coalesceMaxMs: number;
  framesPerSecond: number;
  burst: number;
  knowledgeDocuments: KnowledgeDocumentInput[];
  /** CORS settings; undefined when turned off. */
  cors: CorsSettings | undefined;
  allowedModelHosts: string[] | undefined;
  /** Plain log lines; goes to `logger` (escaped) when one is set. */
  log: (line: string) => void;
  /** Structured entries and access lines; undefined when only plain lines (or nothing) are logged. */
  logger: Logger | undefined;
  maxSocketBufferBytes: number;
  maxSocketsPerKey: number;
  maxPendingHandshakes: number;
  maxPostsPerTurn: number;
  maxSessionMessages: number;
  maxKnowledgeChars: number;
  maxWaitingBytes: number;
  maxMemoryMessages: number;
  maxMemoryBytes: number;
  httpIdleTimeoutMs: number;
  dataDir: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  leaseMs: number;
  sessionIdleExpiryMs: number;
  idleEvictionMs: number;
  drainGraceMs: number;
  /** Model rounds (tool round trips) allowed in one turn. */
  maxModelRounds: number;
}

function positive(name: string, value: number | undefined, fallback: number, min = 0): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) {
    throw new RangeError(`Engine option ${name} must be a number >= ${min}; got ${String(value)}.`);
  }
  return v;
}

function resolveCors(cors: EngineOptions["cors"]): CorsSettings | undefined {
  if (cors === false) return undefined;
  const origins = cors?.allowedOrigins ?? "*";
  if (origins !== "*" && !Array.isArray(origins)) {
    throw new RangeError(`Engine option cors.allowedOrigins must be "*" or an array of origins.`);
  }
  return {
    origins: origins === "*" ? "*" : new Set(origins),
    maxAgeSeconds: positive("cors.maxAgeSeconds", cors?.maxAgeSeconds, 600),
  };
}

/** Applies defaults and checks ranges; throws a `RangeError` naming the bad option. */
export function resolveOptions(options: EngineOptions, generatedKey: () => string): ResolvedOptions {
  const keys = (options.apiKeys ?? []).filter((k) => k.length > 0);
  const coalesceMs = positive("coalesceMs", options.coalesceMs, 40);
  return {
    hostname: options.hostname ?? "127.0.0.1",
    port: positive("port", options.port, 0),
    apiKeys: keys.length > 0 ? keys : [generatedKey()],
    tokensPerSecond: positive("offlineModel.tokensPerSecond", options.offlineModel?.tokensPerSecond, 200),
    env: options.env ?? {},
    retainedEvents: positive("retainedEvents", options.retainedEvents, 10_000, 1),
    handshakeTimeoutMs: positive("handshakeTimeoutMs", options.handshakeTimeoutMs, 10_000, 1),
    heartbeatIntervalMs: positive("heartbeatIntervalMs", options.heartbeatIntervalMs, 15_000, 1),
    maxFrameBytes: positive("maxFrameBytes", options.maxFrameBytes, 8 * 1024 * 1024, 1024),
    maxMessageBytes: positive("maxMessageBytes", options.maxMessageBytes, 4 * 1024 * 1024, 1),
    coalesceMs,
    coalesceMaxMs: positive("coalesceMaxMs", options.coalesceMaxMs, 10 * coalesceMs),
    framesPerSecond: positive("rateLimit.framesPerSecond", options.rateLimit?.framesPerSecond, 200, 0.001),
    burst: positive("rateLimit.burst", options.rateLimit?.burst, 400, 1),
    knowledgeDocuments: options.knowledgeDocuments ?? [],
    cors: resolveCors(options.cors),
    allowedModelHosts: options.allowedModelHosts,
    log: options.logger ? lineSink(options.logger, options.log) : options.log ?? (() => {}),
    logger: options.logger,
    maxSocketBufferBytes: positive(
      "maxSocketBufferBytes",
      options.maxSocketBufferBytes,
      16 * 1024 * 1024,
      1024,
    ),
    maxSocketsPerKey: positive("maxSocketsPerKey", options.maxSocketsPerKey, 1000, 1),
    maxPendingHandshakes: positive("maxPendingHandshakes", options.maxPendingHandshakes, 1000, 1),
    maxPostsPerTurn: positive("maxPostsPerTurn", options.maxPostsPerTurn, 32, 1),
    maxSessionMessages: positive("maxSessionMessages", options.maxSessionMessages, 10_000, 1),
    maxKnowledgeChars: positive("maxKnowledgeChars", options.maxKnowledgeChars, 32 * 1024 * 1024, 1),
    maxWaitingBytes: positive("maxWaitingBytes", options.maxWaitingBytes, 8 * 1024 * 1024, 1024),
    maxMemoryMessages: positive("maxMemoryMessages", options.maxMemoryMessages, 200, 1),
    maxMemoryBytes: positive("maxMemoryBytes", options.maxMemoryBytes, 1024 * 1024, 1024),
    httpIdleTimeoutMs: positive("httpIdleTimeoutMs", options.httpIdleTimeoutMs, 0, 0),
    dataDir: options.dataDir,
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix ?? "vs:",
    leaseMs: positive("leaseMs", options.leaseMs, 3_000, 100),
    sessionIdleExpiryMs: positive("sessionIdleExpiryMs", options.sessionIdleExpiryMs, 7 * 24 * 3600_000, 0),
    idleEvictionMs: positive("idleEvictionMs", options.idleEvictionMs, 30_000, 1),
    drainGraceMs: positive("drainGraceMs", options.drainGraceMs, 0, 0),
    maxModelRounds: 8,
  };
}
