/**
 * Session memory's bound. A session's conversation grows with every turn, and every turn hands it to
 * the model, so it is kept to the newest `maxMessages` messages and `maxBytes` of text and files:
 * older attachments, then older turns, drop out of the model's view (like a model's context window) but
 * stay in the history.
 * Trimming starts at a user message so a tool call is never separated from its result.
 *
 * @module
 */
import type { ContentPart } from "../../generated/protocol.ts";
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

/** A note that stands in for a file whose bytes no longer fit in memory. */
function fileNote(part: Extract<ContentPart, { kind: "file" }>): ContentPart {
  const bytes = Math.floor(part.data_base64.length / 4) * 3;
  const name = part.filename ?? "a file";
  return {
    kind: "text",
    text:
      `[${name} (${part.mime_type}, ${bytes} bytes) was attached here; its content is no longer in memory]`,
  };
}

/**
 * Brings `memory` within `limits`, in place: first the oldest attached files give way to short notes
 * (the conversation keeps its words), then the oldest messages are dropped.
 */
export function trimMemory(memory: ModelMessage[], limits: MemoryLimits): void {
  let bytes = 0;
  for (const message of memory) bytes += sizeOf(message);
  for (let i = 0; i < memory.length && bytes > limits.maxBytes; i++) {
    const message = memory[i]!;
    if (message.role !== "user" || !message.content.some((part) => part.kind === "file")) continue;
    const before = sizeOf(message);
    const content = message.content.map((part) => part.kind === "file" ? fileNote(part) : part);
    memory[i] = { role: "user", content };
    bytes += sizeOf(memory[i]!) - before;
  }
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
