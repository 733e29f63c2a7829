/**
 * Client configuration: `configure()` or the environment variables `VECTORSHIFT_API_KEY` and
 * `VECTORSHIFT_API_URL`, read lazily when a call first needs them (never at import time).
 *
 * @module
 */
import { definedOnly } from "./internal/defined.ts";
import { describeValue, errorText, VectorshiftError } from "./errors.ts";

/**
 * A function that returns the API key (or a short-lived token the engine accepts in its place). The SDK
 * calls it again before every REST call and every (re)connect, so a token that expires is replaced by
 * a fresh one without reopening the session.
 */
export type ApiKeyProvider = () => string | Promise<string>;

/** Credentials and address of the engine. */
export interface ClientOptions {
  /**
   * The API key, or a function returning it (or a short-lived token), called before each (re)connect
   * and REST call. It selects the organisation. Falls back to `VECTORSHIFT_API_KEY`.
   */
  apiKey?: string | ApiKeyProvider;
  /** The engine's base URL, such as `http://127.0.0.1:8787`. Falls back to `VECTORSHIFT_API_URL`. */
  baseUrl?: string;
}

/** A complete configuration, as used for one call (the key still a function when one was given). */
export interface ResolvedConfig {
  /** The API key, or the function that returns it. */
  apiKey: string | ApiKeyProvider;
  /** The base URL without a trailing slash. */
  baseUrl: string;
}

/** Longest key or token the protocol accepts (`hello.api_key`). */
const MAX_KEY_CHARS = 512;

/**
 * The API key to use now: the string, or what the provider returns (awaited). A provider that throws,
 * or returns something that is not a non-empty string, fails the call with a message saying so.
 */
export async function currentApiKey(apiKey: string | ApiKeyProvider): Promise<string> {
  if (typeof apiKey === "string") return apiKey;
  let key: unknown;
  try {
    key = await apiKey();
  } catch (error) {
    throw new VectorshiftError(
      `The apiKey function threw (${errorText(error)}); it must return the API key or a token.`,
      { cause: error },
    );
  }
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new VectorshiftError(
      `The apiKey function returned ${
        typeof key === "string" ? `a string of ${key.length} characters` : typeof key
      }; it must return a non-empty string of at most ${MAX_KEY_CHARS} characters.`,
    );
  }
  return key;
}

let configured: ClientOptions = {};

/**
 * Sets the API key and base URL for every later call. Values left out keep their previous setting
 * (or fall back to the environment). Objects can still override them per call.
 *
 * @example Point the SDK at a local engine
 * ```ts
 * import { configure } from "@vectorshift/sdk";
 * configure({ apiKey: "vs-example", baseUrl: "http://127.0.0.1:8787" });
 * ```
 */
export function configure(options: ClientOptions): void {
  configured = { ...configured, ...pickClient(options) };
}

type EnvHost = {
  Deno?: { env?: { get(name: string): string | undefined } };
  process?: { env?: Record<string, string | undefined> };
};

/** Reads one environment variable on Deno, Bun or Node; `undefined` in browsers. */
function readEnv(name: string): string | undefined {
  const host = globalThis as unknown as EnvHost;
  try {
    // Feature detection, not an import: the SDK itself stays free of runtime namespaces.
    const denoEnv = host.Deno?.env;
    if (denoEnv) return denoEnv.get(name);
    return host.process?.env?.[name];
  } catch (error) {
    throw new VectorshiftError(
      `Reading ${name} was not allowed (${String(error)}): run with ` +
        "--allow-env=VECTORSHIFT_API_KEY,VECTORSHIFT_API_URL or call configure({ apiKey, baseUrl }).",
      { cause: error },
    );
  }
}

/**
 * Resolves the configuration for one call: per-call overrides, then `configure()`, then the
 * environment. Throws when the key or base URL is missing.
 */
export function resolveConfig(overrides: ClientOptions = {}): ResolvedConfig {
  const apiKey = overrides.apiKey ?? configured.apiKey ?? readEnv("VECTORSHIFT_API_KEY");
  if (typeof apiKey !== "function" && !apiKey) {
    throw new VectorshiftError("No API key: call configure({ apiKey }) or set VECTORSHIFT_API_KEY.");
  }
  const baseUrl = overrides.baseUrl ?? configured.baseUrl ?? readEnv("VECTORSHIFT_API_URL");
  if (!baseUrl) {
    throw new VectorshiftError(
      "No engine address: call configure({ baseUrl }) or set VECTORSHIFT_API_URL (such as http://127.0.0.1:8787).",
    );
  }
  return { apiKey, baseUrl: baseUrl.replace(/\/+$/, "") };
}

/** The session WebSocket URL for a base URL: http→ws, https→wss, plus `/v1/sessions/ws`. */
export function webSocketUrl(baseUrl: string): string {
  const url = new URL(`${baseUrl}/v1/sessions/ws`);
  const scheme = url.protocol.replace(/^http/, "ws"); // ws: and wss: stay as they are
  if (scheme !== "ws:" && scheme !== "wss:") {
    throw new VectorshiftError(
      `Unsupported base URL scheme "${url.protocol}" in ${baseUrl}; use http:// or https://.`,
    );
  }
  url.protocol = scheme;
  return url.href;
}

/** Just the `apiKey` / `baseUrl` of a larger options object; a bad `apiKey` type fails here, at once. */
export function pickClient(options: ClientOptions): ClientOptions {
  const apiKey = options.apiKey;
  if (apiKey !== undefined && typeof apiKey !== "string" && typeof apiKey !== "function") {
    throw new VectorshiftError(
      `apiKey must be a string or a function returning one (got ${describeValue(apiKey)}).`,
    );
  }
  return definedOnly({ apiKey, baseUrl: options.baseUrl });
}
