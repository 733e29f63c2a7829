/**
 * Small builders shared by the provider tests: messages, tools, a tool context and a collector.
 */
import type { ModelChunk, ModelMessage, ModelProvider, ModelTool } from "../../../src/engine/model.ts";
import type { SearchHit, ToolContext } from "../../../src/engine/tools/tool.ts";

/** A user message of the model conversation. */
export type UserMessage = Extract<ModelMessage, { role: "user" }>;

/** A user message with one text part. */
export function user(text: string): UserMessage {
  return { role: "user", content: [{ kind: "text", text }] };
}

/** A user message with one file part. */
export function userFile(filename: string, mimeType: string, text: string): UserMessage {
  const data = btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  return { role: "user", content: [{ kind: "file", mime_type: mimeType, filename, data_base64: data }] };
}

/** A final assistant reply. */
export function assistant(text: string): ModelMessage {
  return { role: "assistant", text };
}

/** A model tool of a given type. */
export function tool(
  name: string,
  toolType: string,
  properties: ModelTool["parameters"]["properties"] = {},
): ModelTool {
  return { name, toolType, description: `${toolType} tool`, parameters: { type: "object", properties } };
}

/** The three built-in tools as the simulator would see them. */
export const builtinTools: ModelTool[] = [
  tool("calc", "calculator", { expression: { type: "string" } }),
  tool("clock", "current_time", { timezone: { type: "string" } }),
  tool("kb", "knowledge_search", { query: { type: "string" } }),
];

/** Streams one round and collects every chunk. */
export async function collect(
  provider: ModelProvider,
  messages: ModelMessage[],
  options: { instructions?: string; tools?: ModelTool[]; signal?: AbortSignal } = {},
): Promise<{ chunks: ModelChunk[]; text: string }> {
  const chunks: ModelChunk[] = [];
  for await (
    const chunk of provider.stream({
      instructions: options.instructions ?? "",
      messages,
      tools: options.tools ?? [],
      signal: options.signal ?? new AbortController().signal,
    })
  ) chunks.push(chunk);
  const text = chunks.map((c) => c.type === "text" ? c.delta : "").join("");
  return { chunks, text };
}

/** A tool context with a fixed clock and recorded search events. */
export function toolContext(
  options: { hits?: SearchHit[]; now?: Date; signal?: AbortSignal } = {},
): ToolContext & { emitted: Array<{ query: string; results: SearchHit[] }> } {
  const emitted: Array<{ query: string; results: SearchHit[] }> = [];
  return {
    emitted,
    signal: options.signal ?? new AbortController().signal,
    searchKnowledge: (_query, limit) => (options.hits ?? []).slice(0, limit),
    emitSearchResult: (query, results) => emitted.push({ query, results }),
    now: () => options.now ?? new Date("2024-05-01T12:00:00Z"),
  };
}
