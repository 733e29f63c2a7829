/**
 * The `knowledge_search` tool: searches the organisation's knowledge documents, emits a
 * `search_result` event, and returns the hits as text for the model.
 *
 * @module
 */
import type { ToolType } from "./tool.ts";

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 20;

function checkedLimit(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_LIMIT;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new Error(
      `The "limit" argument must be a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/**
 * Runs `knowledge_search` calls. Arguments: `{ query, limit? }` (limit 1-20, default 5).
 *
 * @example Run it over a fixed hit list
 * ```ts
 * import { knowledgeSearch } from "./knowledge_search.ts";
 * const hit = { document_id: "doc_1", title: "Refunds", snippet: "Refunds take 14 days.", score: 1 };
 * const context = {
 *   signal: new AbortController().signal,
 *   searchKnowledge: () => [hit],
 *   emitSearchResult: () => {},
 *   now: () => new Date(),
 * };
 * console.log(await knowledgeSearch.run({ query: "refunds" }, context));
 * ```
 */
export const knowledgeSearch: ToolType = {
  type: "knowledge_search",
  description: "Searches the organisation's knowledge documents and returns the best-matching passages.",
  parameters: {
    type: "object",
    properties: {
      query: { type: "string", description: "What to look for." },
      limit: {
        type: "integer",
        description: `Most results to return (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}).`,
      },
    },
  },
  run(args, context) {
    return new Promise((resolve) => {
      context.signal.throwIfAborted();
      const query = args["query"];
      if (typeof query !== "string" || query.trim() === "") {
        throw new Error(
          'knowledge_search needs a non-empty string "query" argument, such as {"query": "refund policy"}.',
        );
      }
      const hits = context.searchKnowledge(query, checkedLimit(args["limit"]));
      context.emitSearchResult(query, hits);
      if (hits.length === 0) {
        resolve(`No documents matched "${query}".`);
        return;
      }
      const lines = hits.map((hit, i) => `${i + 1}. ${hit.title} — ${hit.snippet}`);
      resolve(
        `Found ${hits.length} document${hits.length === 1 ? "" : "s"} for "${query}":\n${lines.join("\n")}`,
      );
    });
  },
};
