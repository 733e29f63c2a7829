/**
 * The one streaming interface every model provider implements (offline simulator, OpenAI-compatible).
 * The engine owns turns, memory, tools and approvals; a provider only turns a conversation into a
 * stream of chunks and must stop promptly when `signal` aborts.
 *
 * @module
 */
import type { ContentPart } from "../generated/protocol.ts";

/** A tool as the model sees it. */
export interface ModelTool {
  /** Name on the agent; what the model calls. */
  name: string;
  /** Built-in behaviour, such as `calculator`; lets the simulator decide when the tool fits. */
  toolType: string;
  /** Shown to the model. */
  description: string;
  /** JSON Schema of the arguments the model fills in (the tool's dynamic inputs). */
  parameters: { type: "object"; properties: Record<string, { type: string; description?: string }> };
}

/** A tool call the model asked for. */
export interface ModelToolCall {
  /** Unique within the turn. */
  callId: string;
  /** Tool name. */
  name: string;
  /** Arguments, already parsed. */
  arguments: Record<string, unknown>;
}

/** One message of the conversation handed to the model, oldest first. */
export type ModelMessage =
  | { role: "user"; content: ContentPart[] }
  | { role: "assistant"; text: string; toolCalls?: ModelToolCall[] }
  | {
    role: "tool";
    callId: string;
    name: string;
    status: "success" | "error" | "denied" | "cancelled";
    result: string;
    /**
     * The arguments the tool actually ran with, when they differ from the call's (an approval's
     * `confirm` overrides, or static inputs), so the answer describes what ran.
     */
    arguments?: Record<string, unknown>;
  };

/** What a provider is asked to continue. */
export interface ModelRequest {
  /** The agent's system instructions. */
  instructions: string;
  /**
   * The conversation: with session memory on, every earlier turn; with it off, only the current turn.
   * The current turn's user posts (and any tool calls and results made so far in it) come last.
   */
  messages: ModelMessage[];
  /** Tools the model may call now (empty when tools are disabled). */
  tools: ModelTool[];
  /** Aborts on cancel, terminate or shutdown; the provider must stop reading and return or throw. */
  signal: AbortSignal;
}

/** A piece of model output. */
export type ModelChunk =
  | { type: "thinking"; summary: string }
  | { type: "text"; delta: string }
  | { type: "tool_call"; call: ModelToolCall };

/**
 * A model provider. One `stream()` call is one model round: when it yields tool calls, the engine
 * runs them and calls `stream()` again with the results appended; a round with no tool call ends the
 * turn.
 */
export interface ModelProvider {
  /** Provider name shown to clients, such as `simulator` or `openai`. */
  readonly provider: string;
  /** Model id shown to clients. */
  readonly modelId: string;
  /** True for the offline model simulator. */
  readonly simulated: boolean;
  /** Streams one round. Throws {@link ProviderError} on provider failures. */
  stream(request: ModelRequest): AsyncIterable<ModelChunk>;
}

/**
 * The `error` event code of a provider failure: what the user can do about it (fix the key, wait,
 * try again later, fix the model id), or `provider_error` for anything else.
 */
export type ProviderErrorCode =
  | "provider_auth_failed"
  | "provider_rate_limited"
  | "provider_overloaded"
  | "model_not_found"
  | "provider_error";

/**
 * A provider failure with a message a user can act on (bad key, unreachable server, bad stream). The
 * message is shown to the tenant, so it never carries what the provider's server sent back; that goes
 * to {@link ProviderError.detail}, which only the operator's log sees.
 */
export class ProviderError extends Error {
  /** HTTP status from the provider, when there was one. */
  readonly status: number | undefined;
  /** The `error` event code sessions show for it. */
  readonly code: ProviderErrorCode;
  /** What the provider's server said (a response body, a network error), for the engine log only. */
  readonly detail: string | undefined;
  /**
   * @param message What failed and what to do about it; safe to show to the tenant.
   * @param options The provider's HTTP status, the upstream detail for the log, the underlying error,
   *   and the event code (by default derived from the status).
   */
  constructor(
    message: string,
    options?: { status?: number; detail?: string; cause?: unknown; code?: ProviderErrorCode },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.status = options?.status;
    this.code = options?.code ?? codeForStatus(options?.status);
    this.detail = options?.detail;
  }
}

/**
 * The code for a provider's HTTP status: 401/403 bad key, 429 rate limited, 503/529 overloaded, 404
 * model not found, anything else `provider_error`.
 */
export function codeForStatus(status: number | undefined): ProviderErrorCode {
  if (status === 401 || status === 403) return "provider_auth_failed";
  if (status === 429) return "provider_rate_limited";
  if (status === 503 || status === 529) return "provider_overloaded";
  if (status === 404) return "model_not_found";
  return "provider_error";
}
