/**
 * Maps the engine's model conversation to the Chat Completions request shapes: system instructions,
 * user content parts (text, text files, images, other files), assistant tool calls, tool results and
 * function tools.
 *
 * @module
 */
import type { ContentPart } from "../../generated/protocol.ts";
import type { ModelMessage, ModelRequest, ModelTool } from "../model.ts";
import { decodeBase64, isTextMime } from "./file_content.ts";
import { toolResultText } from "./tool_result_text.ts";

/** A Chat Completions user content part. */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } };

/** A Chat Completions tool call on an assistant message. */
export interface ChatToolCall {
  /** Call id. */
  id: string;
  /** Always `function`. */
  type: "function";
  /** Function name and JSON-encoded arguments. */
  function: { name: string; arguments: string };
}

/** A Chat Completions message. */
export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | ChatContentPart[] }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** A Chat Completions function tool. */
export interface ChatTool {
  /** Always `function`. */
  type: "function";
  /** The function the model may call. */
  function: { name: string; description: string; parameters: ModelTool["parameters"] };
}

/** The streamed Chat Completions request body. */
export interface ChatRequestBody {
  /** Model id. */
  model: string;
  /** The conversation. */
  messages: ChatMessage[];
  /** Always true: the engine streams. */
  stream: true;
  /** Function tools, omitted when there are none. */
  tools?: ChatTool[];
}

function userPart(part: ContentPart): ChatContentPart {
  if (part.kind === "text") return { type: "text", text: part.text };
  const name = part.filename ?? "attachment";
  if (isTextMime(part.mime_type)) {
    const text = new TextDecoder().decode(decodeBase64(part.data_base64));
    return { type: "text", text: `File ${name} (${part.mime_type}):\n${text}` };
  }
  if (part.mime_type.toLowerCase().startsWith("image/")) {
    return { type: "image_url", image_url: { url: `data:${part.mime_type};base64,${part.data_base64}` } };
  }
  const size = decodeBase64(part.data_base64).length;
  return {
    type: "text",
    text: `[Attached file ${name} (${part.mime_type}, ${size} bytes); its contents are not shown.]`,
  };
}

function toChatMessage(message: ModelMessage): ChatMessage {
  switch (message.role) {
    case "user": {
      const parts = message.content.map(userPart);
      // Plain strings are accepted by every OpenAI-compatible server; part arrays only where needed.
      const textOnly = parts.every((part) => part.type === "text");
      return {
        role: "user",
        content: textOnly ? parts.map((part) => part.type === "text" ? part.text : "").join("\n\n") : parts,
      };
    }
    case "assistant": {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.text };
      return {
        role: "assistant",
        content: message.text === "" ? null : message.text,
        tool_calls: calls.map((call) => ({
          id: call.callId,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
    case "tool":
      return {
        role: "tool",
        tool_call_id: message.callId,
        content: toolResultText(message),
      };
  }
}

/** Builds the streamed Chat Completions body for a request. */
export function toChatRequest(modelId: string, request: Omit<ModelRequest, "signal">): ChatRequestBody {
  const messages: ChatMessage[] = [];
  if (request.instructions.trim() !== "") messages.push({ role: "system", content: request.instructions });
  messages.push(...request.messages.map(toChatMessage));
  const body: ChatRequestBody = { model: modelId, messages, stream: true };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  return body;
}
