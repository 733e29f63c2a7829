/**
 * What every HTTP model provider does the same way: post the request, retry 429, 5xx and network
 * failures (honouring a bounded `Retry-After`), and turn a refusal into a {@link ProviderError} whose
 * message says what to fix and whose upstream body goes only to the operator's log.
 *
 * @module
 */
import { abortableSleep } from "../abort.ts";
import { codeForStatus, ProviderError, type ProviderErrorCode } from "../model.ts";

/** Longest pause honoured from a `Retry-After` header, so a turn never hangs for minutes. */
const MAX_RETRY_AFTER_MS = 30_000;

/** One streaming POST to a model server. */
export interface ProviderPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** Retries after 429, 5xx or a network failure. */
  maxRetries: number;
  /** Pause before the first retry; doubles each time. */
  retryIntervalMs: number;
  /** The server as messages may show it (no credentials). */
  shownUrl: string;
  /** The sentence end after "answered <status>" that says what to check. */
  hint(status: number): string;
  /** A code read from the error body, when the provider's body says more than its status. */
  codeFromBody?(body: unknown): ProviderErrorCode | undefined;
}

/** What the server said, for the log: the JSON error message, else the start of the body. */
export function errorText(body: string): string {
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

function retryDelay(response: Response | undefined, attempt: number, intervalMs: number): number {
  const header = response?.headers.get("retry-after");
  const seconds = header === null || header === undefined ? Number.NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  return intervalMs * 2 ** attempt;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Posts, retrying 429, 5xx (529 included) and network failures; returns a 2xx response. */
export async function postWithRetries(post: ProviderPost): Promise<Response> {
  const { signal } = post;
  const maxRetries = Math.max(0, post.maxRetries);
  const intervalMs = Math.max(0, post.retryIntervalMs);
  for (let attempt = 0;; attempt++) {
    signal.throwIfAborted();
    let response: Response;
    try {
      response = await post.fetch(post.url, {
        method: "POST",
        headers: post.headers,
        body: post.body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (attempt < maxRetries) {
        await abortableSleep(retryDelay(undefined, attempt, intervalMs), signal);
        continue;
      }
      throw new ProviderError(
        `Could not reach the model server at ${post.shownUrl}. Check llm_info.base_url ` +
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
    const code = post.codeFromBody?.(parsed(text)) ?? codeForStatus(response.status);
    // The body is not shown: a tenant could point base_url at an internal service and read it back.
    throw new ProviderError(
      `The model server at ${post.shownUrl} answered ${response.status}${retried}${
        post.hint(response.status)
      }`,
      { status: response.status, detail: errorText(text), code },
    );
  }
}
