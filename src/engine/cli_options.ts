/**
 * The standalone engine's settings: ONE table ({@link SETTINGS}) that gives each setting its flag,
 * environment variable, accepted values, shown default, help line and place in {@link CliSettings}.
 * The same table parses the command line and environment ({@link parseCli}) and prints `--help`
 * ({@link helpText}), so the two cannot drift apart.
 *
 * A flag wins over its variable; an empty variable counts as unset. Flags take their value as
 * `--flag value` or `--flag=value`; a switch (`--memory`) takes none, or `=true` / `=false`.
 *
 * @module
 */
import { resolve } from "node:path";
import type { LogFormat, LogLevel } from "./log.ts";
import { escapeControls, LOG_FORMATS, LOG_LEVELS } from "./log.ts";
import type { EngineOptions } from "./options.ts";

/**
 * Everything the command line and environment set. `engine` goes to `startEngine` as it is; the other
 * fields are for the CLI itself (logging) or for engine features wired separately (persistence,
 * session expiry, drain on SIGTERM).
 */
export interface CliSettings {
  /** Engine options from flags and variables (never `env`, `log`, `logger` or knowledge documents). */
  engine: EngineOptions;
  /** Where the accepted API keys came from; undefined when none was given (one is generated). */
  apiKeysFrom: string | undefined;
  /** Directory of the SQLite database (absolute). */
  dataDir: string;
  /** Keep everything in memory: no database, nothing survives a restart. */
  memory: boolean;
  /** A session idle this long expires; 0 never expires. */
  sessionIdleExpiryMs: number;
  /** On SIGTERM, how long running turns get to finish before sockets are closed. */
  drainGraceMs: number;
  /** Log output format. */
  logFormat: LogFormat;
  /** Least severe log level written. */
  logLevel: LogLevel;
}

/** A bad flag, variable or value; the CLI prints the message and exits with 2. */
export class CliError extends Error {
  override name = "CliError";
}

/** Parses one raw value; returns the value, or `undefined` when it is not accepted. */
interface ValueType<T> {
  /** Placeholder in `--help` (`N`, `MS`, `HOST`); empty for a switch. */
  placeholder: string;
  /** What is accepted, for help and error messages ("an integer from 1 to 65535"). */
  accepts: string;
  parse(raw: string): T | undefined;
}

/** One row of the table. */
interface Row<T> {
  /** Flag, such as `--max-frame-bytes`. */
  flag: string;
  /** Environment variable, such as `VECTORSHIFT_MAX_FRAME_BYTES`. */
  env: string;
  /** Accepted values. */
  type: ValueType<T>;
  /** The default as `--help` shows it. */
  shownDefault: string;
  /** One line for `--help`. */
  description: string;
  /** Puts a parsed value into the settings. */
  set(settings: CliSettings, value: T): void;
}

/** A row with its value type erased, so rows of different types share one table. */
export interface Setting {
  /** Flag, such as `--max-frame-bytes`. */
  readonly flag: string;
  /** Environment variable, such as `VECTORSHIFT_MAX_FRAME_BYTES`. */
  readonly env: string;
  /** Placeholder in `--help`; empty for a switch. */
  readonly placeholder: string;
  /** What is accepted. */
  readonly accepts: string;
  /** The default as `--help` shows it. */
  readonly shownDefault: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Parses `raw` into `settings`; throws {@link CliError} naming `source` for a bad value. */
  apply(settings: CliSettings, raw: string, source: string): void;
}

function row<T>(r: Row<T>): Setting {
  return {
    flag: r.flag,
    env: r.env,
    placeholder: r.type.placeholder,
    accepts: r.type.accepts,
    shownDefault: r.shownDefault,
    description: r.description,
    apply(settings, raw, source) {
      const value = r.type.parse(raw);
      if (value === undefined) {
        throw new CliError(`Invalid ${source} ${show(raw)}: expected ${r.type.accepts}.`);
      }
      r.set(settings, value);
    },
  };
}

/** A value as an error message shows it: quoted, cut, control characters escaped. */
function show(raw: string): string {
  const cut = raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
  return escapeControls(JSON.stringify(cut));
}

/** Largest delay `setTimeout` honours (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function integer(min: number, max = Number.MAX_SAFE_INTEGER, placeholder = "N"): ValueType<number> {
  return {
    placeholder,
    accepts: max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
    parse: (raw) => {
      if (!/^\d+$/.test(raw.trim())) return undefined;
      const n = Number(raw.trim());
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
  };
}

/** A duration in milliseconds handed to a timer. */
function millis(min: number): ValueType<number> {
  return integer(min, MAX_TIMER_MS, "MS");
}

function decimal(min: number, exclusive: boolean): ValueType<number> {
  return {
    placeholder: "N",
    accepts: `a number ${exclusive ? ">" : ">="} ${min}`,
    parse: (raw) => {
      if (!/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
      const n = Number(raw.trim());
      return Number.isFinite(n) && (exclusive ? n > min : n >= min) ? n : undefined;
    },
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or a number with a unit (`90s`, `30m`, `12h`, `7d`). */
const duration: ValueType<number> = {
  placeholder: "MS",
  accepts: "milliseconds as an integer >= 0, or a number with a unit: 90s, 30m, 12h, 7d",
  parse: (raw) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
    if (!match) return undefined;
    const ms = Math.round(Number(match[1]) * (UNITS[match[2] ?? "ms"] ?? 1));
    return Number.isSafeInteger(ms) ? ms : undefined;
  },
};

function text(placeholder: string, accepts: string): ValueType<string> {
  return { placeholder, accepts, parse: (raw) => raw.trim() === "" ? undefined : raw.trim() };
}

/** A comma-separated list of non-empty items. */
function list(placeholder: string, accepts: string): ValueType<string[]> {
  return {
    placeholder,
    accepts,
    parse: (raw) => {
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      return items.length > 0 ? items : undefined;
    },
  };
}

function oneOf<const T extends string>(values: readonly T[]): ValueType<T> {
  return {
    placeholder: values.join("|"),
    accepts: `one of ${values.join(", ")}`,
    parse: (raw) => values.find((v) => v === raw.trim().toLowerCase()),
  };
}

/** A switch: the flag alone means true; a value (or the variable) says true or false. */
const toggle: ValueType<boolean> = {
  placeholder: "",
  accepts: "true, false, 1, 0, yes or no",
  parse: (raw) => {
    const v = raw.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
    return undefined;
  },
};

/** `*`, `off`, or a comma-separated list of origins. */
const corsOrigins: ValueType<"*" | "off" | string[]> = {
  placeholder: "ORIGINS",
  accepts: '"*" (any origin), "off" (no CORS headers), or a comma-separated list of origins such as ' +
    "https://app.example.com",
  parse: (raw) => {
    const v = raw.trim();
    if (v === "*" || v.toLowerCase() === "off") return v === "*" ? "*" : "off";
    const origins = v.split(",").map((s) => s.trim()).filter(Boolean);
    if (origins.length === 0) return undefined;
    for (const origin of origins) {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return undefined;
      }
      // An origin is scheme://host[:port], exactly as a browser sends it in the Origin header.
      if (url.origin !== origin) return undefined;
    }
    return origins;
  },
};

/** Hosts as `host` or `host:port`. */
const hosts = list(
  "HOSTS",
  "a comma-separated list of hosts such as models.internal or models.internal:8000",
);

/** Default data directory, under the working directory. */
export const DEFAULT_DATA_DIR = ".vectorshift-engine";
/** Default idle time after which a session expires: 7 days. */
export const DEFAULT_SESSION_IDLE_EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;
/** Default SIGTERM drain grace. */
export const DEFAULT_DRAIN_GRACE_MS = 10_000;
/** Default port of the standalone engine (embedded engines default to 0). */
export const DEFAULT_PORT = 8787;

/** Rate-limit options, created on first use. */
function rateLimit(settings: CliSettings): NonNullable<EngineOptions["rateLimit"]> {
  return settings.engine.rateLimit ??= {};
}

/**
 * Every setting, in `--help` order. Defaults shown here are the engine's own (see `EngineOptions`);
 * the table only sets what was given.
 */
export const SETTINGS: readonly Setting[] = [
  row({
    flag: "--hostname",
    env: "VECTORSHIFT_HOSTNAME",
    type: text("HOST", "an interface name or address such as 127.0.0.1 or 0.0.0.0"),
    shownDefault: "127.0.0.1",
    description: "Interface to listen on (0.0.0.0 for every interface).",
    set: (s, v) => s.engine.hostname = v,
  }),
  row({
    flag: "--port",
    env: "VECTORSHIFT_PORT",
    type: integer(0, 65_535, "PORT"),
    shownDefault: String(DEFAULT_PORT),
    description: "Port to listen on; 0 picks a free one.",
    set: (s, v) => s.engine.port = v,
  }),
  row({
    flag: "--api-key",
    env: "VECTORSHIFT_API_KEY",
    type: list("KEYS", "a comma-separated list of keys"),
    shownDefault: "one generated and printed",
    description: "Accepted API keys, comma-separated; each is its own organisation. Prefer the variable: " +
      "a flag shows in the process list.",
    set: (s, v) => s.engine.apiKeys = v,
  }),
  row({
    flag: "--offline-tokens-per-second",
    env: "VECTORSHIFT_OFFLINE_TOKENS_PER_SECOND",
    type: decimal(0, false),
    shownDefault: "200",
    description: "Streaming speed of the offline model simulator; 0 streams as fast as possible.",
    set: (s, v) => s.engine.offlineModel = { tokensPerSecond: v },
  }),
  row({
    flag: "--retained-events",
    env: "VECTORSHIFT_RETAINED_EVENTS",
    type: integer(1),
    shownDefault: "10000",
    description: "Logged events kept per session for replay; older cursors get resync_required.",
    set: (s, v) => s.engine.retainedEvents = v,
  }),
  row({
    flag: "--handshake-timeout-ms",
    env: "VECTORSHIFT_HANDSHAKE_TIMEOUT_MS",
    type: millis(1),
    shownDefault: "10000",
    description: "Time a new socket has to send hello before it is closed with 4002.",
    set: (s, v) => s.engine.handshakeTimeoutMs = v,
  }),
  row({
    flag: "--heartbeat-interval-ms",
    env: "VECTORSHIFT_HEARTBEAT_INTERVAL_MS",
    type: integer(1, Math.floor(MAX_TIMER_MS / 2), "MS"),
    shownDefault: "15000",
    description: "Announced heartbeat interval; a socket silent for twice this long is closed with 4000.",
    set: (s, v) => s.engine.heartbeatIntervalMs = v,
  }),
  row({
    flag: "--max-frame-bytes",
    env: "VECTORSHIFT_MAX_FRAME_BYTES",
    type: integer(1024),
    shownDefault: "8388608",
    description: "Largest WebSocket frame (and REST body); larger frames close the socket with 1009.",
    set: (s, v) => s.engine.maxFrameBytes = v,
  }),
  row({
    flag: "--max-message-bytes",
    env: "VECTORSHIFT_MAX_MESSAGE_BYTES",
    type: integer(1),
    shownDefault: "4194304",
    description: "Largest user message (text plus decoded files); larger posts get message_too_large.",
    set: (s, v) => s.engine.maxMessageBytes = v,
  }),
  row({
    flag: "--coalesce-ms",
    env: "VECTORSHIFT_COALESCE_MS",
    type: millis(0),
    shownDefault: "40",
    description: "A post waits this long for the next one, so back-to-back posts share one turn.",
    set: (s, v) => s.engine.coalesceMs = v,
  }),
  row({
    flag: "--coalesce-max-ms",
    env: "VECTORSHIFT_COALESCE_MAX_MS",
    type: millis(0),
    shownDefault: "10 x --coalesce-ms",
    description: "Longest a post waits for its turn while further posts keep arriving.",
    set: (s, v) => s.engine.coalesceMaxMs = v,
  }),
  row({
    flag: "--rate-limit",
    env: "VECTORSHIFT_RATE_LIMIT",
    type: decimal(0, true),
    shownDefault: "200",
    description: "Sustained WebSocket frames plus REST requests per second, per API key.",
    set: (s, v) => rateLimit(s).framesPerSecond = v,
  }),
  row({
    flag: "--rate-limit-burst",
    env: "VECTORSHIFT_RATE_LIMIT_BURST",
    type: integer(1),
    shownDefault: "400",
    description: "Burst size of the per-key rate limit.",
    set: (s, v) => rateLimit(s).burst = v,
  }),
  row({
    flag: "--cors-origins",
    env: "VECTORSHIFT_CORS_ORIGINS",
    type: corsOrigins,
    shownDefault: "*",
    description: 'Origins whose browser pages may call the REST API: "*", a comma-separated list, or "off".',
    set: (s, v) => {
      if (v === "off") s.engine.cors = false;
      else s.engine.cors = { ...(s.engine.cors || {}), allowedOrigins: v };
    },
  }),
  row({
    flag: "--cors-max-age",
    env: "VECTORSHIFT_CORS_MAX_AGE",
    type: integer(0, Number.MAX_SAFE_INTEGER, "SECONDS"),
    shownDefault: "600",
    description: "Seconds browsers may cache a CORS preflight answer (ignored with --cors-origins off).",
    set: (s, v) => {
      if (s.engine.cors !== false) s.engine.cors = { ...s.engine.cors, maxAgeSeconds: v };
    },
  }),
  row({
    flag: "--allowed-model-hosts",
    env: "VECTORSHIFT_ALLOWED_MODEL_HOSTS",
    type: hosts,
    shownDefault: "any host",
    description: "Hosts an agent's own llm_info.base_url or endpoint may name; others are refused with 422.",
    set: (s, v) => s.engine.allowedModelHosts = v,
  }),
  row({
    flag: "--max-socket-buffer-bytes",
    env: "VECTORSHIFT_MAX_SOCKET_BUFFER_BYTES",
    type: integer(1024),
    shownDefault: "16777216",
    description: "Unsent output a socket may queue before it is closed as a slow consumer (1011).",
    set: (s, v) => s.engine.maxSocketBufferBytes = v,
  }),
  row({
    flag: "--max-sockets-per-key",
    env: "VECTORSHIFT_MAX_SOCKETS_PER_KEY",
    type: integer(1),
    shownDefault: "1000",
    description: "Open sockets one API key may hold; more are refused at hello with 4008.",
    set: (s, v) => s.engine.maxSocketsPerKey = v,
  }),
  row({
    flag: "--max-pending-handshakes",
    env: "VECTORSHIFT_MAX_PENDING_HANDSHAKES",
    type: integer(1),
    shownDefault: "1000",
    description: "Sockets that may be open before completing hello; more upgrades get 503.",
    set: (s, v) => s.engine.maxPendingHandshakes = v,
  }),
  row({
    flag: "--max-posts-per-turn",
    env: "VECTORSHIFT_MAX_POSTS_PER_TURN",
    type: integer(1),
    shownDefault: "32",
    description: "Most posts one turn answers; further posts start the next turn.",
    set: (s, v) => s.engine.maxPostsPerTurn = v,
  }),
  row({
    flag: "--max-session-messages",
    env: "VECTORSHIFT_MAX_SESSION_MESSAGES",
    type: integer(1),
    shownDefault: "10000",
    description: "Most user messages one session accepts; later posts get limit_exceeded.",
    set: (s, v) => s.engine.maxSessionMessages = v,
  }),
  row({
    flag: "--max-knowledge-chars",
    env: "VECTORSHIFT_MAX_KNOWLEDGE_CHARS",
    type: integer(1),
    shownDefault: "33554432",
    description: "Most characters of knowledge-document text one organisation may hold; more gets 413.",
    set: (s, v) => s.engine.maxKnowledgeChars = v,
  }),
  row({
    flag: "--idle-eviction-ms",
    env: "VECTORSHIFT_IDLE_EVICTION_MS",
    type: integer(1),
    shownDefault: "30000",
    description: "A session with no socket and no turn this long leaves memory (the store keeps it).",
    set: (s, v) => s.engine.idleEvictionMs = v,
  }),
  row({
    flag: "--max-waiting-bytes",
    env: "VECTORSHIFT_MAX_WAITING_BYTES",
    type: integer(1024),
    shownDefault: "8388608",
    description: "Most bytes of posts waiting for their turn in one session; later posts get limit_exceeded.",
    set: (s, v) => s.engine.maxWaitingBytes = v,
  }),
  row({
    flag: "--max-memory-messages",
    env: "VECTORSHIFT_MAX_MEMORY_MESSAGES",
    type: integer(1),
    shownDefault: "200",
    description: "Most conversation messages the model sees as session memory.",
    set: (s, v) => s.engine.maxMemoryMessages = v,
  }),
  row({
    flag: "--max-memory-bytes",
    env: "VECTORSHIFT_MAX_MEMORY_BYTES",
    type: integer(1024),
    shownDefault: "1048576",
    description: "Most bytes of conversation (text and files) kept as session memory.",
    set: (s, v) => s.engine.maxMemoryBytes = v,
  }),
  row({
    flag: "--http-idle-timeout-ms",
    env: "VECTORSHIFT_HTTP_IDLE_TIMEOUT_MS",
    type: millis(0),
    shownDefault: "30000",
    description:
      "An HTTP connection idle (or trickling a request) this long is closed; 0 turns this off (behind a proxy).",
    set: (s, v) => s.engine.httpIdleTimeoutMs = v,
  }),
  row({
    flag: "--data",
    env: "VECTORSHIFT_DATA_DIR",
    type: text("DIR", "a directory path"),
    shownDefault: `./${DEFAULT_DATA_DIR}`,
    description: "Directory holding the SQLite database (relative to the working directory).",
    set: (s, v) => s.dataDir = v,
  }),
  row({
    flag: "--redis",
    env: "VECTORSHIFT_REDIS_URL",
    type: text("URL", "a redis://host:port URL"),
    shownDefault: "none",
    description: "Run as a node of a cluster sharing this Redis (store and event bus); replaces --data.",
    set: (s, v) => s.engine.redisUrl = v,
  }),
  row({
    flag: "--redis-prefix",
    env: "VECTORSHIFT_REDIS_PREFIX",
    type: text("PREFIX", "a key prefix"),
    shownDefault: "vs:",
    description: "Prefix of the cluster's Redis keys and channels; every node of a cluster uses the same.",
    set: (s, v) => s.engine.redisPrefix = v,
  }),
  row({
    flag: "--lease-ms",
    env: "VECTORSHIFT_LEASE_MS",
    type: millis(100),
    shownDefault: "3000",
    description:
      "Cluster lease: a dead node's sessions are taken over by another node after at most this long.",
    set: (s, v) => s.engine.leaseMs = v,
  }),
  row({
    flag: "--memory",
    env: "VECTORSHIFT_MEMORY",
    type: toggle,
    shownDefault: "false",
    description: "Keep everything in memory: no database, nothing survives a restart.",
    set: (s, v) => s.memory = v,
  }),
  row({
    flag: "--session-idle-expiry",
    env: "VECTORSHIFT_SESSION_IDLE_EXPIRY",
    type: duration,
    shownDefault: "7d",
    description: "A session idle this long expires (ms, or with a unit: 30m, 12h, 7d); 0 never expires.",
    set: (s, v) => s.sessionIdleExpiryMs = v,
  }),
  row({
    flag: "--drain-grace-ms",
    env: "VECTORSHIFT_DRAIN_GRACE_MS",
    type: millis(0),
    shownDefault: String(DEFAULT_DRAIN_GRACE_MS),
    description: "On SIGTERM, how long running turns get to finish before sockets close with 1001.",
    set: (s, v) => s.drainGraceMs = v,
  }),
  row({
    flag: "--log-format",
    env: "VECTORSHIFT_LOG_FORMAT",
    type: oneOf(LOG_FORMATS),
    shownDefault: "text if stderr is a terminal, else json",
    description: "Log lines (on stderr) as JSON objects or as text.",
    set: (s, v) => s.logFormat = v,
  }),
  row({
    flag: "--log-level",
    env: "VECTORSHIFT_LOG_LEVEL",
    type: oneOf(LOG_LEVELS),
    shownDefault: "info",
    description: "Least severe level logged; access lines are info.",
    set: (s, v) => s.logLevel = v,
  }),
];

/** What {@link parseCli} reads besides the arguments. */
export interface CliEnvironment {
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** Working directory, against which a relative `--data` is resolved. */
  cwd: string;
  /** Whether stderr (where logs go) is a terminal; picks the default log format. */
  stderrIsTerminal: boolean;
}

/** What the command line asked for. */
export type CliRequest = { help: true } | { help: false; settings: CliSettings };

/**
 * Parses arguments and environment into settings: variables first, then flags (a flag wins). Throws
 * {@link CliError} naming the flag or variable, the bad value and what is accepted.
 */
export function parseCli(argv: readonly string[], environment: CliEnvironment): CliRequest {
  const settings: CliSettings = {
    engine: { port: DEFAULT_PORT },
    apiKeysFrom: undefined,
    dataDir: DEFAULT_DATA_DIR,
    memory: false,
    sessionIdleExpiryMs: DEFAULT_SESSION_IDLE_EXPIRY_MS,
    drainGraceMs: DEFAULT_DRAIN_GRACE_MS,
    logFormat: environment.stderrIsTerminal ? "text" : "json",
    logLevel: "info",
  };
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s]));
  for (const setting of SETTINGS) {
    const raw = environment.env(setting.env);
    if (raw === undefined || raw.trim() === "") continue;
    setting.apply(settings, raw, setting.env);
    if (setting.flag === "--api-key") settings.apiKeysFrom = setting.env;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") return { help: true };
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const setting = byFlag.get(flag);
    if (!setting) {
      const what = arg.startsWith("-") ? `Unknown flag ${show(flag)}` : `Unexpected argument ${show(arg)}`;
      throw new CliError(`${what}; run with --help to list every flag.`);
    }
    let raw: string;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else if (setting.placeholder === "") {
      raw = "true";
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && byFlag.has(next.split("=")[0] ?? ""))) {
        throw new CliError(`Flag ${flag} needs a value: ${setting.accepts}.`);
      }
      raw = next;
      i++;
    }
    setting.apply(settings, raw, flag);
    if (flag === "--api-key") settings.apiKeysFrom = flag;
  }
  settings.dataDir = resolve(environment.cwd, settings.dataDir);
  return { help: false, settings };
}

/** The `--help` text: usage, then every setting with its flag, variable, default and accepted values. */
export function helpText(): string {
  const lines = [
    "usage: deno task engine [options]",
    "",
    "Runs the VectorShift engine in the foreground; Ctrl-C (SIGINT) or SIGTERM stops it.",
    "Every option can also be set by its environment variable; a flag wins over its variable, and an",
    "empty variable counts as unset. Bad values exit with status 2. Providers read OPENAI_API_KEY and",
    "OPENAI_BASE_URL; without them agents are answered by the offline model simulator.",
    "",
    "options:",
  ];
  for (const s of SETTINGS) {
    lines.push(
      `  ${s.flag}${s.placeholder ? ` ${s.placeholder}` : ""}`,
      `      ${s.description}`,
      `      env ${s.env}; default ${s.shownDefault}${s.placeholder ? `; accepts ${s.accepts}` : ""}`,
    );
  }
  lines.push("  --help, -h", "      Prints this help and exits.");
  return lines.join("\n");
}
