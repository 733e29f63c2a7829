/**
 * Converts the engine's model conversation into an Anthropic Messages API request body: text, text
 * files, images and PDFs as content blocks, assistant tool calls as `tool_use` blocks, tool results as
 * `tool_result` blocks in the next user message, and tools with their input schemas.
 *
 * @module
 */
import type { ContentPart } from "../../generated/protocol.ts";
import type { ModelMessage, ModelRequest } from "../model.ts";
import { decodeBase64, isTextMime } from "./file_content.ts";
import { toolResultText } from "./tool_result_text.ts";

/** One content block of a Messages API message. */
export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } }
  | { type: "document"; source: { type: "base64"; media_type: "application/pdf"; data: string } }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

/** One message of the request. */
export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

/** The streamed Messages API request body. */
export interface AnthropicRequestBody {
  model: string;
  /** Required by the API: the longest answer, in tokens. */
  max_tokens: number;
  /** The agent's instructions, omitted when empty. */
  system?: string;
  messages: AnthropicMessage[];
  /** Always true: the engine streams. */
  stream: true;
  /** Tools, omitted when there are none. */
  tools?: Array<
    { name: string; description: string; input_schema: ModelRequest["tools"][number]["parameters"] }
  >;
}

/** Image types the Messages API accepts as image blocks. */
const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

function userBlock(part: ContentPart): AnthropicBlock {
  if (part.kind === "text") return { type: "text", text: part.text };
  const name = part.filename ?? "attachment";
  const mime = part.mime_type.toLowerCase();
  if (isTextMime(mime)) {
    return {
      type: "text",
      text: `File ${name} (${part.mime_type}):\n${new TextDecoder().decode(decodeBase64(part.data_base64))}`,
    };
  }
  if (IMAGE_TYPES.has(mime)) {
    return { type: "image", source: { type: "base64", media_type: mime, data: part.data_base64 } };
  }
  if (mime === "application/pdf") {
    return {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: part.data_base64 },
    };
  }
  const size = decodeBase64(part.data_base64).length;
  return {
    type: "text",
    text: `[Attached file ${name} (${part.mime_type}, ${size} bytes); its contents are not shown.]`,
  };
}

function toMessage(message: ModelMessage): AnthropicMessage {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.content.map(userBlock) };
    case "assistant": {
      const blocks: AnthropicBlock[] = message.text === "" ? [] : [{ type: "text", text: message.text }];
      for (const call of message.toolCalls ?? []) {
        blocks.push({ type: "tool_use", id: call.callId, name: call.name, input: call.arguments });
      }
      // The API refuses an empty assistant message; one without text or calls is a turn that said nothing.
      return {
        role: "assistant",
        content: blocks.length > 0 ? blocks : [{ type: "text", text: "(no answer)" }],
      };
    }
    case "tool":
      return {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: message.callId,
          content: toolResultText(message),
          ...(message.status === "success" ? {} : { is_error: true }),
        }],
      };
  }
}

/**
 * Builds the streamed Messages API body. Consecutive messages of one role are merged into one (the
 * API wants the roles to alternate, and all results of one round's tool calls in one user message).
 */
export function toAnthropicRequest(
  modelId: string,
  request: Omit<ModelRequest, "signal">,
  maxTokens: number,
): AnthropicRequestBody {
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages.map(toMessage)) {
    const last = messages.at(-1);
    if (last !== undefined && last.role === message.role) last.content.push(...message.content);
    else messages.push({ role: message.role, content: [...message.content] });
  }
  const body: AnthropicRequestBody = { model: modelId, max_tokens: maxTokens, messages, stream: true };
  if (request.instructions.trim() !== "") body.system = request.instructions;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters,
    }));
  }
  return body;
}
