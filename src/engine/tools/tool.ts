/**
 * The interface of a runnable tool type (calculator, current_time, knowledge_search, ...).
 *
 * @module
 */
import type { ModelTool } from "../model.ts";

/** One knowledge-search match. */
export interface SearchHit {
  /** Document id. */
  document_id: string;
  /** Document title. */
  title: string;
  /** The matching passage. */
  snippet: string;
  /** Relevance, higher is better. */
  score: number;
}

/** What a running tool may use. */
export interface ToolContext {
  /** Aborts on cancel, terminate or shutdown; long-running tools must stop. */
  signal: AbortSignal;
  /** Searches the organisation's knowledge documents. */
  searchKnowledge(query: string, limit: number): SearchHit[];
  /** Emits a `search_result` event for this call (search tools only). */
  emitSearchResult(query: string, results: SearchHit[]): void;
  /** The current time; injectable for deterministic tests. */
  now(): Date;
}

/** A tool type the engine can run. */
export interface ToolType {
  /** The `tool_type` it implements, such as `calculator`. */
  readonly type: string;
  /** Default description shown to the model when the agent's tool has none. */
  readonly description: string;
  /** Arguments the model fills in. */
  readonly parameters: ModelTool["parameters"];
  /**
   * Runs the tool and returns its result as text. Throws an `Error` whose message says what was
   * wrong with the arguments (it becomes a `tool_result` with status `error`).
   */
  run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}
