/**
 * The OpenAI-compatible provider: streams Chat Completions from OpenAI or any server speaking the same
 * API (Ollama, vLLM, LM Studio, ...) over `fetch`, with retries on 429/5xx and errors that say what to
 * fix.
 *
 * @module
 */
import { type ModelChunk, type ModelProvider, type ModelRequest, ProviderError } from "../model.ts";
import { abortableSleep } from "../abort.ts";
import { toChatRequest } from "./openai_messages.ts";
import { readSseData } from "./openai_sse.ts";
import { parseChatStream } from "./openai_stream.ts";

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

/** Longest pause honoured from a `Retry-After` header, so a turn never hangs for minutes. */
const MAX_RETRY_AFTER_MS = 30_000;

/** What the server said, for the log: the JSON error message, else the start of the body. */
function errorText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === "string") return error;
      if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim().slice(0, 500) || "(empty response body)";
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

function retryDelay(response: Response | undefined, attempt: number, intervalMs: number): number {
  const header = response?.headers.get("retry-after");
  const seconds = header === null || header === undefined ? Number.NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  return intervalMs * 2 ** attempt;
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
async function send(options: Settings, request: ModelRequest): Promise<Response> {
  const { signal } = request;
  const doFetch = options.fetch ?? fetch;
  const maxRetries = Math.max(0, options.maxRetries ?? 2);
  const intervalMs = Math.max(0, options.retryIntervalMs ?? 1000);
  const url = `${options.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (options.apiKey !== undefined) headers["authorization"] = `Bearer ${options.apiKey}`;
  const body = JSON.stringify(toChatRequest(options.modelId, request));
  for (let attempt = 0;; attempt++) {
    signal.throwIfAborted();
    let response: Response;
    try {
      response = await doFetch(url, { method: "POST", headers, body, signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (attempt < maxRetries) {
        await abortableSleep(retryDelay(undefined, attempt, intervalMs), signal);
        continue;
      }
      throw new ProviderError(
        `Could not reach the model server at ${options.shownUrl}. Check llm_info.base_url ` +
          "and that the server is running.",
        { detail: String(error), cause: error },
      );
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    const retryable = response.status === 429 || response.status >= 500;
    if (retryable && attempt < maxRetries) {
      await abortableSleep(retryDelay(response, attempt, intervalMs), signal);
      continue;
    }
    const retried = retryable && attempt > 0
      ? ` (after ${attempt} ${attempt === 1 ? "retry" : "retries"})`
      : "";
    // The body is not shown: a tenant could point base_url at an internal service and read it back.
    throw new ProviderError(
      `The model server at ${options.shownUrl} answered ${response.status}${retried}` +
        hint(response.status, options),
      { status: response.status, detail: errorText(text) },
    );
  }
}
