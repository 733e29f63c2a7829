/**
 * Runs conversations with the offline model simulator the way the engine does: turn by turn, each
 * round's tool calls run by the real built-in tools (calculator, current_time on a fixed clock,
 * knowledge_search over the sample documents), with or without session memory.
 */
import type { ModelMessage, ModelTool } from "../../../src/engine/model.ts";
import { createSimulator } from "../../../src/engine/providers/simulator.ts";
import { KnowledgeIndex } from "../../../src/engine/tools/knowledge_index.ts";
import { builtinToolTypes } from "../../../src/engine/tools/registry.ts";
import { SAMPLE_KNOWLEDGE_DOCUMENTS } from "../../../src/engine/tools/sample_knowledge.ts";
import { collect, tool, user, userFile, type UserMessage } from "./helpers.ts";

/** A user post: text, or a file. */
export type Post = string | { file: string; mime: string; text: string };

/** One conversation: turns of posts (several posts in one turn are answered together). */
export interface Conversation {
  turns: Post[][];
  tools?: ModelTool[];
  instructions?: string;
  /** Session memory off: each turn sees only its own posts. */
  memoryOff?: boolean;
  /** Arguments an approval overrides, by tool name (merged into what the call asked for). */
  confirm?: Record<string, Record<string, unknown>>;
}

/** The built-in tools under the names the examples give them. */
export const TOOLS: ModelTool[] = [
  tool("calculator", "calculator", { expression: { type: "string" } }),
  tool("current_time", "current_time", { timezone: { type: "string" } }),
  tool("knowledge_search", "knowledge_search", { query: { type: "string" } }),
];

const index = new KnowledgeIndex();
for (const doc of SAMPLE_KNOWLEDGE_DOCUMENTS) index.add(doc);

function toMessage(post: Post): UserMessage {
  return typeof post === "string" ? user(post) : userFile(post.file, post.mime, post.text);
}

/** What one conversation produced: each turn's answer, and the tool calls made, in order. */
export interface Transcript {
  answers: string[];
  calls: Array<{ name: string; arguments: Record<string, unknown> }>;
}

/** Plays the conversation and returns every turn's answer. */
export async function play(conversation: Conversation): Promise<Transcript> {
  const simulator = createSimulator({ tokensPerSecond: 0 });
  const memory: ModelMessage[] = [];
  const answers: string[] = [];
  const calls: Transcript["calls"] = [];
  for (const posts of conversation.turns) {
    const turn: ModelMessage[] = posts.map(toMessage);
    for (let round = 0; round < 3; round++) {
      const messages = [...(conversation.memoryOff ? [] : memory), ...turn];
      const { chunks, text } = await collect(simulator, messages, {
        instructions: conversation.instructions ?? "",
        tools: conversation.tools ?? [],
      });
      const asked = chunks.flatMap((chunk) => chunk.type === "tool_call" ? [chunk.call] : []);
      if (asked.length === 0) {
        turn.push({ role: "assistant", text });
        answers.push(text);
        break;
      }
      turn.push({ role: "assistant", text: "", toolCalls: asked });
      for (const call of asked) {
        const type = conversation.tools?.find((t) => t.name === call.name)?.toolType ?? "";
        const args = { ...call.arguments, ...(conversation.confirm?.[call.name] ?? {}) };
        calls.push({ name: call.name, arguments: args });
        const result = await builtinToolTypes.get(type)!.run(args, {
          signal: new AbortController().signal,
          searchKnowledge: (query, limit) => index.search(query, limit),
          emitSearchResult: () => {},
          now: () => new Date("2024-05-01T12:00:00Z"),
        });
        const overridden = JSON.stringify(args) !== JSON.stringify(call.arguments);
        turn.push({
          role: "tool",
          callId: call.callId,
          name: call.name,
          status: "success",
          result,
          ...(overridden ? { arguments: args } : {}),
        });
      }
    }
    memory.push(...turn);
  }
  return { answers, calls };
}
