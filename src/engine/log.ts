/**
 * Structured logging for the engine: a {@link Logger} with levels, one access line per REST request
 * and per WebSocket close, and two output formats, JSON lines (`{"ts","level","msg",...fields}`) and
 * text (`ts LEVEL msg key=value ...`). Both escape every control character, line separator, bidi
 * override and lone surrogate, so a client-supplied value (an agent name with a newline or an ANSI
 * escape) can neither forge a log line nor reach the terminal raw.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const logger = createLogger({ format: "text", level: "info", write: (line) => console.error(line) });
 * logger.info("session started", { agent: "evil\nname" }); // one line: ... agent="evil\nname"
 * ```
 *
 * @module
 */

/** A log level. */
export type LogLevel = "debug" | "info" | "warn" | "error";
/** Log levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
/** An output format: JSON lines or text. */
export type LogFormat = "json" | "text";
/** Output formats. */
export const LOG_FORMATS: readonly LogFormat[] = ["json", "text"];

/** Structured fields of an entry; `undefined` fields are left out. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One entry, before formatting. */
export interface LogEntry {
  /** When it happened. */
  ts: Date;
  /** Severity. */
  level: LogLevel;
  /** What happened, in words. Access entries say `access`. */
  msg: string;
  /** Structured details. */
  fields?: LogFields;
}

/** Receives the engine's log entries. */
export interface Logger {
  /** The least severe level written; less severe entries are dropped before any formatting. */
  readonly level: LogLevel;
  /** Whether an entry at `level` would be written (to skip building fields nobody reads). */
  enabled(level: LogLevel): boolean;
  /** Detail for debugging the engine. */
  debug(message: string, fields?: LogFields): void;
  /** A notable happening: a session started, an engine listening. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong for one client, or the engine works around a problem. */
  warn(message: string, fields?: LogFields): void;
  /** An engine bug or a failure an operator must look at. */
  error(message: string, fields?: LogFields): void;
  /**
   * One access line (level `info`, message `access`): `type: "http"` per REST request, `type: "ws"`
   * per WebSocket close.
   */
  access(fields: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Output format. */
  format: LogFormat;
  /** Least severe level written. */
  level: LogLevel;
  /** Receives each formatted line (without a trailing newline); what it throws is ignored. */
  write: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Creates a logger writing formatted lines to `options.write`. */
export function createLogger(options: LoggerOptions): Logger {
  const min = RANK[options.level];
  const format = options.format === "json" ? formatJson : formatText;
  const now = options.now ?? (() => new Date());
  const write = options.write;
  const emit = (level: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (RANK[level] < min) return;
    try {
      write(format(fields === undefined ? { ts: now(), level, msg } : { ts: now(), level, msg, fields }));
    } catch {
      // Logging never fails the work it reports on (a closed stderr, a full disk).
    }
  };
  return {
    level: options.level,
    enabled: (level) => RANK[level] >= min,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    access: (fields) => emit("info", "access", fields),
  };
}

/**
 * Characters that must never reach a log line raw: C0 and C1 controls (newline, carriage return, the
 * ESC and CSI that start ANSI sequences), DEL, the Unicode line and paragraph separators, bidi
 * overrides and isolates (which can reorder what a terminal shows), and lone surrogates.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` with every unsafe character escaped (`\n`, `\r`, `\t`, else `\uXXXX`); backslashes are kept
 * as they are. Safe to write to a terminal or a line-oriented log.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT[c] ?? hex4(c));
}

/** Keys and reserved names of a JSON entry. */
const RESERVED = new Set(["ts", "level", "msg"]);

/** A field key as written: unsafe characters replaced, reserved names suffixed with `_`. */
function safeKey(key: string): string {
  const clean = key.replace(/[^A-Za-z0-9_.-]/g, "_") || "_";
  return RESERVED.has(clean) ? `${clean}_` : clean;
}

/** One JSON line: `{"ts","level","msg",...fields}`; JSON escapes C0 controls, the rest are escaped here. */
export function formatJson(entry: LogEntry): string {
  const record: Record<string, unknown> = {
    ts: entry.ts.toISOString(),
    level: entry.level,
    msg: entry.msg,
  };
  for (const [key, value] of Object.entries(entry.fields ?? {})) {
    if (value === undefined) continue;
    record[safeKey(key)] = typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  }
  // JSON.stringify escapes U+0000..U+001F and lone surrogates; DEL, C1, separators and bidi controls
  // are valid JSON raw, so they are escaped too (a JSON log is often read on a terminal).
  return JSON.stringify(record).replace(UNSAFE, hex4);
}

/** A value that needs no quotes in the text format. */
const BARE = /^[A-Za-z0-9_.:/@+,-]+$/;

/** A text-format value: bare when simple, else double-quoted with `\`, `"` and unsafe characters escaped. */
export function textValue(value: string | number | boolean | null): string {
  const text = String(value);
  if (BARE.test(text)) return text;
  return `"${escapeControls(text.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))}"`;
}

/** One text line: `2024-05-01T12:00:00.000Z INFO msg key=value ...`, unsafe characters escaped. */
export function formatText(entry: LogEntry): string {
  let line = `${entry.ts.toISOString()} ${entry.level.toUpperCase().padEnd(5)} ${escapeControls(entry.msg)}`;
  for (const [key, value] of Object.entries(entry.fields ?? {})) {
    if (value === undefined) continue;
    line += ` ${safeKey(key)}=${textValue(value)}`;
  }
  return line;
}

/** Lines of the engine's plain log that are written at `error` level; every other line is `info`. */
const ERROR_LINE = /\binternal error\b/;

/**
 * Adapts the engine's plain `log(line)` calls to a logger: each line becomes one `info` entry (lines
 * reporting an internal error become `error` entries), escaped by the logger's formatter. `also`, when
 * given, receives each line unchanged as well. The returned function remembers its logger (see
 * {@link loggerBehind}).
 */
export function lineSink(logger: Logger, also?: (line: string) => void): (line: string) => void {
  const sink = (line: string): void => {
    also?.(line);
    if (ERROR_LINE.test(line)) logger.error(line);
    else logger.info(line);
  };
  SINKS.set(sink, logger);
  return sink;
}

const SINKS = new WeakMap<(line: string) => void, Logger>();

/**
 * The logger behind a function made by {@link lineSink}, so a part of the engine that is only handed
 * the plain `log` function can still write structured entries (access lines) to the same logger.
 */
export function loggerBehind(log: (line: string) => void): Logger | undefined {
  return SINKS.get(log);
}
