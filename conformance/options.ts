/**
 * Options of a conformance run, with their defaults and the checks that make bad input actionable.
 *
 * @module
 */
import type { CheckResult } from "./result.ts";

/** The model settings the kit's agents are created with (an `llm_info` of `schema/openapi.json`). */
export type LlmInfo = Record<string, unknown>;

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Base URL of the server, such as `http://127.0.0.1:8787` (REST at `/v1/...`, WebSocket at `/v1/sessions/ws`). */
  url: string;
  /** An API key of the server; the kit creates (and deletes) its own agents in that key's organisation. */
  key: string;
  /**
   * A key of a second organisation, for the checks that another organisation's agents and sessions are
   * invisible. Without it those checks are skipped.
   * @default {undefined}
   */
  otherKey?: string;
  /**
   * The `llm_info` of the agents the kit creates. The model must write a long answer when its
   * instructions ask for a very long essay, and call a `calculator` tool when asked "What is 23 * 19?".
   * @default {{ provider: "simulator", model_id: "offline-simulator-1" }}
   */
  llmInfo?: LlmInfo;
  /**
   * The server's handshake timeout: a socket that sends no `hello` must be closed with 4002 by then
   * (the kit allows a margin on top).
   * @default {10000}
   */
  handshakeTimeoutMs?: number;
  /**
   * Longest wait for any one expected event or answer.
   * @default {10000}
   */
  waitMs?: number;
  /**
   * Longest time one check may take before it fails.
   * @default {60000}
   */
  checkTimeoutMs?: number;
  /**
   * Longest silence the heartbeat check waits for a close 4000 (twice the announced interval, plus a
   * margin); servers announcing a longer interval get that check skipped.
   * @default {35000}
   */
  maxHeartbeatWaitMs?: number;
  /**
   * Most turns the gap check may post to push the first event out of the server's retained log; a
   * server retaining more than that many turns' worth of events gets that check skipped.
   * @default {20}
   */
  maxGapTurns?: number;
  /**
   * Run only the checks whose id equals, or starts with `<entry>.`, one of these (`["handshake", "replay.after_cursor"]`).
   * @default {undefined}
   */
  only?: string[];
  /**
   * Called with each result as soon as its check ends (the CLI prints it).
   * @default {undefined}
   */
  onResult?: (result: CheckResult) => void;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  url: string;
  key: string;
  otherKey: string | undefined;
  llmInfo: LlmInfo;
  handshakeTimeoutMs: number;
  waitMs: number;
  checkTimeoutMs: number;
  maxHeartbeatWaitMs: number;
  maxGapTurns: number;
  only: string[] | undefined;
  onResult: (result: CheckResult) => void;
}

/** Applies defaults; throws a `TypeError` that says what to pass when an option is unusable. */
export function resolveOptions(options: ConformanceOptions): ResolvedOptions {
  return {
    url: baseUrl(options.url),
    key: apiKey(options.key, "key"),
    otherKey: options.otherKey === undefined ? undefined : apiKey(options.otherKey, "otherKey"),
    llmInfo: options.llmInfo ?? { provider: "simulator", model_id: "offline-simulator-1" },
    handshakeTimeoutMs: positive("handshakeTimeoutMs", options.handshakeTimeoutMs, 10_000),
    waitMs: positive("waitMs", options.waitMs, 10_000),
    checkTimeoutMs: positive("checkTimeoutMs", options.checkTimeoutMs, 60_000),
    maxHeartbeatWaitMs: positive("maxHeartbeatWaitMs", options.maxHeartbeatWaitMs, 35_000),
    maxGapTurns: positive("maxGapTurns", options.maxGapTurns, 20),
    only: options.only,
    onResult: options.onResult ?? (() => {}),
  };
}

function baseUrl(value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError("Give the server's base URL, such as http://127.0.0.1:8787 (--url).");
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `"${value}" is not a URL; give the server's base URL, such as http://127.0.0.1:8787.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `The base URL must start with http:// or https:// (the kit derives ws:// or wss:// itself); got ${url.protocol}//.`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new TypeError("The base URL must have no query or fragment, such as http://127.0.0.1:8787.");
  }
  return url.href.replace(/\/+$/, "");
}

function apiKey(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `Give an API key of the server (${name === "key" ? "--key" : "--other-key"}); ` +
        `for the engine, the key it printed at start or one of VECTORSHIFT_API_KEY.`,
    );
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) {
    throw new TypeError(`Option ${name} must be a positive number; got ${value}.`);
  }
  return v;
}
