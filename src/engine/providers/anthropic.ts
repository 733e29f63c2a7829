/**
 * The Anthropic provider: streams the Messages API (`POST {baseUrl}/messages`) over `fetch`, with
 * text deltas, thinking blocks and streamed tool use, retries on 429, 5xx and 529 (overloaded), and
 * errors that say what to fix.
 *
 * @module
 */
import { type ModelChunk, type ModelProvider, type ModelRequest, ProviderError } from "../model.ts";
import { toAnthropicRequest } from "./anthropic_messages.ts";
import { anthropicErrorCode, parseAnthropicStream } from "./anthropic_stream.ts";
import { displayUrl } from "./openai_compatible.ts";
import { readSseData } from "./openai_sse.ts";
import { postWithRetries } from "./provider_http.ts";

/** The Messages API version this provider speaks (sent as `anthropic-version`). */
export const ANTHROPIC_VERSION = "2023-06-01";
/** Anthropic's own API, including its version path. */
export const ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1";

/** Options of {@link createAnthropic}. */
export interface AnthropicOptions {
  /** Sent as `x-api-key`. */
  apiKey?: string;
  /**
   * Base URL including the version path.
   * @default {"https://api.anthropic.com/v1"}
   */
  baseUrl?: string;
  /** Model id sent as `model`, such as `claude-sonnet-4-5`. */
  modelId: string;
  /**
   * Longest answer in tokens (the API requires a bound).
   * @default {4096}
   */
  maxTokens?: number;
  /**
   * The fetch to use (tests inject one).
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Retries after 429, 5xx, 529 or a network failure before the stream starts.
   * @default {2}
   */
  maxRetries?: number;
  /**
   * Pause before the first retry; doubles on each further retry. A `Retry-After` header overrides it.
   * @default {1000}
   */
  retryIntervalMs?: number;
}

function hint(status: number, modelId: string): string {
  if (status === 401 || status === 403) return "; check llm_info.api_key or ANTHROPIC_API_KEY.";
  if (status === 404) return `; check llm_info.model_id ("${modelId}") and the base URL.`;
  if (status === 429) {
    return "; the provider is rate limiting: wait and try again, or raise llm_info.max_retries.";
  }
  if (status === 503 || status === 529) return "; the provider is overloaded: try again in a little while.";
  if (status === 400) return "; the provider refused the request (the engine log has its reason).";
  return "; the engine log has the server's answer.";
}

/**
 * Creates a provider for the Anthropic Messages API (or a server speaking it).
 *
 * @param options Key, model, base URL, token bound, retries and an optional fetch.
 * @returns A {@link ModelProvider} with `provider: "anthropic"`.
 * @throws {ProviderError} When the base URL is not http(s) or `maxTokens` is not a positive integer.
 * @example Stream from Anthropic
 * ```ts ignore
 * import { createAnthropic } from "./anthropic.ts";
 * const model = createAnthropic({ modelId: "claude-sonnet-4-5", apiKey: Deno.env.get("ANTHROPIC_API_KEY") });
 * ```
 */
export function createAnthropic(options: AnthropicOptions): ModelProvider {
  const baseUrl = (options.baseUrl ?? ANTHROPIC_BASE_URL).replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(baseUrl)) {
    throw new ProviderError(
      `The model base URL "${options.baseUrl}" is not an http(s) URL; set llm_info.base_url to something like ` +
        `"${ANTHROPIC_BASE_URL}".`,
    );
  }
  const maxTokens = options.maxTokens ?? 4096;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new ProviderError(`maxTokens must be a positive whole number, got ${maxTokens}.`);
  }
  const shownUrl = displayUrl(baseUrl);
  return {
    provider: "anthropic",
    modelId: options.modelId,
    simulated: false,
    stream: (request) => streamMessages({ ...options, baseUrl, maxTokens }, shownUrl, request),
  };
}

async function* streamMessages(
  options: AnthropicOptions & { baseUrl: string; maxTokens: number },
  shownUrl: string,
  request: ModelRequest,
): AsyncGenerator<ModelChunk> {
  const { signal } = request;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "text/event-stream",
    "anthropic-version": ANTHROPIC_VERSION,
  };
  if (options.apiKey !== undefined) headers["x-api-key"] = options.apiKey;
  const response = await postWithRetries({
    url: `${options.baseUrl}/messages`,
    headers,
    body: JSON.stringify(toAnthropicRequest(options.modelId, request, options.maxTokens)),
    signal,
    fetch: options.fetch ?? fetch,
    maxRetries: options.maxRetries ?? 2,
    retryIntervalMs: options.retryIntervalMs ?? 1000,
    shownUrl,
    hint: (status) => hint(status, options.modelId),
    codeFromBody: anthropicErrorCode,
  });
  if (response.body === null) {
    throw new ProviderError(`The model server at ${shownUrl} sent an empty response.`);
  }
  try {
    yield* parseAnthropicStream(readSseData(response.body));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`The stream from the model server at ${shownUrl} broke off; try again.`, {
      detail: String(error),
      cause: error,
    });
  }
  signal.throwIfAborted();
}
