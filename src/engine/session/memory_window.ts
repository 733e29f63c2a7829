/**
 * Session memory's bound. A session's conversation grows with every turn, and every turn hands it to
 * the model, so it is kept to the newest `maxMessages` messages and `maxBytes` of text and files:
 * older turns drop out of the model's view (like a model's context window) but stay in the history.
 * Trimming starts at a user message so a tool call is never separated from its result.
 *
 * @module
 */
import type { ModelMessage } from "../model.ts";

/** Approximate size of a message: its text, file bytes (as base64) and tool arguments. */
function sizeOf(message: ModelMessage): number {
  switch (message.role) {
    case "user": {
      let size = 0;
      for (const part of message.content) {
        size += part.kind === "text" ? part.text.length : part.data_base64.length;
      }
      return size;
    }
    case "assistant": {
      let size = message.text.length;
      for (const call of message.toolCalls ?? []) size += JSON.stringify(call.arguments).length;
      return size;
    }
    case "tool":
      return message.result.length;
  }
}

/** Memory limits. */
export interface MemoryLimits {
  /** Most messages kept. */
  maxMessages: number;
  /** Most bytes (approximately) kept. */
  maxBytes: number;
}

/** Drops the oldest messages of `memory`, in place, until it is within `limits`. */
export function trimMemory(memory: ModelMessage[], limits: MemoryLimits): void {
  let bytes = 0;
  for (const message of memory) bytes += sizeOf(message);
  let drop = 0;
  while (drop < memory.length && (memory.length - drop > limits.maxMessages || bytes > limits.maxBytes)) {
    bytes -= sizeOf(memory[drop]!);
    drop++;
  }
  // Keep whole exchanges: never start the window on an assistant reply or a tool result.
  while (drop < memory.length && memory[drop]!.role !== "user") {
    bytes -= sizeOf(memory[drop]!);
    drop++;
  }
  if (drop > 0) memory.splice(0, drop);
}
