/**
 * The OpenAI-compatible provider: streams Chat Completions from OpenAI or any server speaking the same
 * API (Ollama, vLLM, LM Studio, ...) over `fetch`, with retries on 429/5xx and errors that say what to
 * fix.
 *
 * @module
 */
import { type ModelChunk, type ModelProvider, type ModelRequest, ProviderError } from "../model.ts";
import { toChatRequest } from "./openai_messages.ts";
import { readSseData } from "./openai_sse.ts";
import { parseChatStream } from "./openai_stream.ts";
import { postWithRetries } from "./provider_http.ts";

/** Options of {@link createOpenAICompatible}. */
export interface OpenAICompatibleOptions {
  /** Sent as `Authorization: Bearer <key>`; local servers usually need none. */
  apiKey?: string;
  /** Base URL including the version path, such as `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Model id sent as `model`. */
  modelId: string;
  /**
   * The fetch to use (tests inject one).
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Retries after 429, 5xx or a network failure before the stream starts.
   * @default {2}
   */
  maxRetries?: number;
  /**
   * Pause before the first retry; doubles on each further retry. A `Retry-After` header overrides it.
   * @default {1000}
   */
  retryIntervalMs?: number;
}

/**
 * A base URL as messages may show it: no `user:pass@`, query or fragment (they can hold credentials).
 *
 * @example
 * ```ts
 * import { displayUrl } from "./openai_compatible.ts";
 * console.log(displayUrl("https://me:secret@models.example/v1?key=k")); // "https://models.example/v1"
 * ```
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
  }
}

function hint(status: number, options: OpenAICompatibleOptions): string {
  if (status === 401 || status === 403) return "; check llm_info.api_key.";
  if (status === 404) {
    return `; check llm_info.model_id ("${options.modelId}") and the base URL.`;
  }
  if (status === 429) {
    return "; the provider is rate limiting: wait and try again, or raise llm_info.max_retries.";
  }
  if (status === 503 || status === 529) return "; the provider is overloaded: try again in a little while.";
  return "; the engine log has the server's answer.";
}

/**
 * Creates a provider for an OpenAI-compatible Chat Completions server.
 *
 * @param options Server, model, key, retries and an optional fetch.
 * @returns A {@link ModelProvider} with `provider: "openai"`.
 * @example Stream from a local Ollama server
 * ```ts ignore
 * import { createOpenAICompatible } from "./openai_compatible.ts";
 * const model = createOpenAICompatible({ baseUrl: "http://127.0.0.1:11434/v1", modelId: "llama3.2" });
 * ```
 */
export function createOpenAICompatible(options: OpenAICompatibleOptions): ModelProvider {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(baseUrl)) {
    throw new ProviderError(
      `The model base URL "${options.baseUrl}" is not an http(s) URL; set llm_info.base_url to something like ` +
        `"http://127.0.0.1:11434/v1".`,
    );
  }
  const settings = { ...options, baseUrl, shownUrl: displayUrl(baseUrl) };
  return {
    provider: "openai",
    modelId: options.modelId,
    simulated: false,
    stream: (request) => streamChat(settings, request),
  };
}

/** Options with the normalised base URL and the form of it that messages may show. */
type Settings = OpenAICompatibleOptions & { shownUrl: string };

async function* streamChat(
  options: Settings,
  request: ModelRequest,
): AsyncGenerator<ModelChunk> {
  const { signal } = request;
  const response = await send(options, request);
  if (response.body === null) {
    throw new ProviderError(`The model server at ${options.shownUrl} sent an empty response.`);
  }
  try {
    yield* parseChatStream(readSseData(response.body));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`The stream from the model server at ${options.shownUrl} broke off; try again.`, {
      detail: String(error),
      cause: error,
    });
  }
  signal.throwIfAborted();
}

/** Posts the request, retrying 429, 5xx and network failures; returns a 2xx response. */
function send(options: Settings, request: ModelRequest): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (options.apiKey !== undefined) headers["authorization"] = `Bearer ${options.apiKey}`;
  return postWithRetries({
    url: `${options.baseUrl}/chat/completions`,
    headers,
    body: JSON.stringify(toChatRequest(options.modelId, request)),
    signal: request.signal,
    fetch: options.fetch ?? fetch,
    maxRetries: options.maxRetries ?? 2,
    retryIntervalMs: options.retryIntervalMs ?? 1000,
    shownUrl: options.shownUrl,
    hint: (status) => hint(status, options),
  });
}
