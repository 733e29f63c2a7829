/**
 * Chooses the model provider for an agent's `llm_info`: the OpenAI-compatible provider (`openai`,
 * `openai_compatible`, `ollama`, `vllm`, `lmstudio`) or the Anthropic provider (`anthropic`) when
 * credentials or a server URL are given, else the offline model simulator with a notice saying so.
 * Credentials are never silently replaced by the simulator. The operator's credentials
 * (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`) only ever go to the operator's server (`OPENAI_BASE_URL` /
 * `ANTHROPIC_BASE_URL`, or the provider itself): an agent that names its own `base_url` or `endpoint`
 * brings its own key or sends none.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import { type ModelProvider, ProviderError } from "../model.ts";
import { ANTHROPIC_BASE_URL, createAnthropic } from "./anthropic.ts";
import { createOpenAICompatible } from "./openai_compatible.ts";
import { createSimulator } from "./simulator.ts";

/** An agent's model settings, as in the REST schema. */
export type LlmInfo = components["schemas"]["LlmInfo"];

/** Options of {@link selectProvider}. */
export interface SelectProviderOptions {
  /**
   * Environment to read `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY` and
   * `ANTHROPIC_BASE_URL` from (pass `Deno.env.toObject()`).
   */
  env: Record<string, string | undefined>;
  /** Settings for the simulator, when it is chosen. */
  simulator?: { tokensPerSecond?: number };
  /** Fetch used by HTTP providers (tests inject one). */
  fetch?: typeof fetch;
  /**
   * Hosts (`host` or `host:port`) an agent's own `base_url` / `endpoint` may name; undefined allows
   * any. The operator's `OPENAI_BASE_URL` is not checked.
   */
  allowedModelHosts?: readonly string[];
}

/** The chosen provider and, when the simulator stands in for a requested provider, why. */
export interface ProviderSelection {
  /** The provider to stream from. */
  provider: ModelProvider;
  /** Set when the choice differs from what `llm_info` asked for; show it to the user. */
  notice?: string;
}

/** Provider names served by the OpenAI-compatible Chat Completions client. */
const OPENAI_COMPATIBLE = new Set(["openai", "openai_compatible", "ollama", "vllm", "lmstudio"]);
const DEFAULT_BASE_URL = "https://api.openai.com/v1";

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * Picks the provider for `llmInfo`.
 *
 * @param llmInfo The agent's model settings.
 * @param options Environment, simulator speed, and an optional fetch.
 * @returns The provider, with a notice when the offline simulator answers in place of another provider.
 * @throws {ProviderError} When credentials are given for a provider this engine cannot serve.
 * @example Fall back to the simulator without credentials
 * ```ts
 * import { selectProvider } from "./select.ts";
 * const { provider, notice } = selectProvider({ provider: "openai", model_id: "gpt-4o" }, { env: {} });
 * console.log(provider.simulated, notice);
 * ```
 */
export function selectProvider(llmInfo: LlmInfo, options: SelectProviderOptions): ProviderSelection {
  const simulator = () => createSimulator(options.simulator ?? {});
  const name = llmInfo.provider.trim().toLowerCase();
  if (name === "simulator") return { provider: simulator() };
  const tenantBase = nonEmpty(llmInfo.base_url) ?? nonEmpty(llmInfo.endpoint);
  if (name === "anthropic") return selectAnthropic(llmInfo, options, tenantBase, simulator);
  // The operator's key never travels to a URL the tenant chose (it would leak it to any server).
  const apiKey = nonEmpty(llmInfo.api_key) ??
    (tenantBase === undefined ? nonEmpty(options.env["OPENAI_API_KEY"]) : undefined);
  const explicitBase = tenantBase ?? nonEmpty(options.env["OPENAI_BASE_URL"]);
  const baseUrl = explicitBase ?? DEFAULT_BASE_URL;
  const hasServer = explicitBase !== undefined && explicitBase.replace(/\/+$/, "") !== DEFAULT_BASE_URL;
  if (OPENAI_COMPATIBLE.has(name)) {
    if (apiKey === undefined && !hasServer) {
      return {
        provider: simulator(),
        notice:
          `No credentials for provider "${llmInfo.provider}" (set llm_info.api_key or OPENAI_API_KEY): ` +
          "the offline model simulator answers instead.",
      };
    }
    if (tenantBase !== undefined) checkHost(tenantBase, options.allowedModelHosts);
    const modelId = nonEmpty(llmInfo.fine_tuned_model_id) ?? llmInfo.model_id;
    return {
      provider: createOpenAICompatible({
        baseUrl,
        modelId,
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(llmInfo.max_retries === undefined ? {} : { maxRetries: llmInfo.max_retries }),
        ...(llmInfo.retry_interval_ms === undefined ? {} : { retryIntervalMs: llmInfo.retry_interval_ms }),
      }),
    };
  }
  // The provider's own environment key (ANTHROPIC_API_KEY, ...) counts as credentials too.
  const envKey = nonEmpty(options.env[`${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_KEY`]);
  if (
    nonEmpty(llmInfo.api_key) !== undefined || nonEmpty(llmInfo.base_url) !== undefined ||
    nonEmpty(llmInfo.endpoint) !== undefined || envKey !== undefined
  ) {
    throw new ProviderError(
      `Provider ${llmInfo.provider} is not supported by this engine; use "openai" (with base_url for ` +
        `OpenAI-compatible servers), "anthropic", or "simulator".`,
    );
  }
  return {
    provider: simulator(),
    notice: `Provider "${llmInfo.provider}" is not supported by this engine and no credentials were given: ` +
      "the offline model simulator answers instead.",
  };
}

/** The Anthropic provider for `llmInfo`, or the simulator with a notice when there are no credentials. */
function selectAnthropic(
  llmInfo: LlmInfo,
  options: SelectProviderOptions,
  tenantBase: string | undefined,
  simulator: () => ModelProvider,
): ProviderSelection {
  // As for OpenAI: the operator's key goes only to the operator's (or Anthropic's) server.
  const apiKey = nonEmpty(llmInfo.api_key) ??
    (tenantBase === undefined ? nonEmpty(options.env["ANTHROPIC_API_KEY"]) : undefined);
  const explicitBase = tenantBase ?? nonEmpty(options.env["ANTHROPIC_BASE_URL"]);
  const hasServer = explicitBase !== undefined && explicitBase.replace(/\/+$/, "") !== ANTHROPIC_BASE_URL;
  if (apiKey === undefined && !hasServer) {
    return {
      provider: simulator(),
      notice:
        `No credentials for provider "${llmInfo.provider}" (set llm_info.api_key or ANTHROPIC_API_KEY): ` +
        "the offline model simulator answers instead.",
    };
  }
  if (tenantBase !== undefined) checkHost(tenantBase, options.allowedModelHosts);
  return {
    provider: createAnthropic({
      modelId: nonEmpty(llmInfo.fine_tuned_model_id) ?? llmInfo.model_id,
      ...(explicitBase === undefined ? {} : { baseUrl: explicitBase }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(llmInfo.max_retries === undefined ? {} : { maxRetries: llmInfo.max_retries }),
      ...(llmInfo.retry_interval_ms === undefined ? {} : { retryIntervalMs: llmInfo.retry_interval_ms }),
    }),
  };
}

/** Throws when an agent's own model URL names a host outside the operator's allow-list. */
function checkHost(baseUrl: string, allowed: readonly string[] | undefined): void {
  if (allowed === undefined) return;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return; // createOpenAICompatible refuses it with a clearer message.
  }
  const hosts = allowed.map((h) => h.toLowerCase());
  if (hosts.includes(url.hostname.toLowerCase()) || hosts.includes(url.host.toLowerCase())) return;
  throw new ProviderError(
    `llm_info.base_url names host ${url.host}, which this engine does not allow; use one of: ` +
      `${allowed.join(", ") || "(none: agents cannot choose their model server here)"}.`,
  );
}
