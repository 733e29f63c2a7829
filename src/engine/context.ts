/**
 * What the parts of the engine share: options, store, metrics, the model and tool registries and the
 * organisations' knowledge bases. Built once by `engine.ts`.
 *
 * @module
 */
import type { components } from "../generated/rest.ts";
import type { Metrics } from "./metrics.ts";
import type { ModelProvider } from "./model.ts";
import type { ResolvedOptions } from "./options.ts";
import type { EngineStore } from "./store/store.ts";
import type { SearchHit, ToolType } from "./tools/tool.ts";

/** Which model answers, as `selectProvider` decides it. */
export interface ModelChoice {
  /** The provider. */
  provider: ModelProvider;
  /** Set when the simulator stands in for a provider without credentials. */
  notice?: string;
}

/** One organisation's searchable documents. */
export interface KnowledgeBase {
  /** Adds a document (keeping its `id` when it has one, as a stored document does) and returns its id and length. */
  add(document: { title: string; text: string; id?: string }): { id: string; title: string; chars: number };
  /** Characters of text held, over every document (for the per-organisation bound). */
  readonly chars: number;
  /** The best `limit` matches for `query`. */
  search(query: string, limit: number): SearchHit[];
}

/** Shared engine services. */
export interface EngineContext {
  /** Options with defaults applied. */
  readonly options: ResolvedOptions;
  /** Where everything is stored. */
  readonly store: EngineStore;
  /** Counters and gauges. */
  readonly metrics: Metrics;
  /** Tool types that can run, by `tool_type`. */
  readonly toolTypes: ReadonlyMap<string, ToolType>;
  /** Picks the provider for an agent's `llm_info`; throws `ProviderError` for one it cannot serve. */
  selectModel(llmInfo: components["schemas"]["LlmInfo"]): ModelChoice;
  /** The organisation's knowledge base. */
  knowledge(org: string): KnowledgeBase;
  /** Writes one log line. */
  log(line: string): void;
}
