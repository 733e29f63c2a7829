/**
 * Turns the events of a streamed Anthropic Messages response into model chunks: `text_delta`s as
 * text as they come, each thinking block as one thinking chunk, and `tool_use` blocks assembled from
 * their streamed `input_json_delta` fragments when each block stops. An `error` event mid-stream becomes a
 * {@link ProviderError} with the code its type calls for.
 *
 * @module
 */
import { type ModelChunk, ProviderError, type ProviderErrorCode } from "../model.ts";
import { parseStreamEvent } from "./stream_event.ts";

/** Characters of streamed tool input or thinking kept per block: a bound on what a server can make us hold. */
const MAX_BLOCK_CHARS = 1024 * 1024;
/** Content blocks open at once, at most (a real answer has a handful). */
const MAX_OPEN_BLOCKS = 256;

interface Block {
  type: string;
  id: string;
  name: string;
  json: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Error types of the Messages API and what a user can do about each. */
const ERROR_CODES: Readonly<Record<string, ProviderErrorCode>> = {
  authentication_error: "provider_auth_failed",
  permission_error: "provider_auth_failed",
  rate_limit_error: "provider_rate_limited",
  overloaded_error: "provider_overloaded",
  not_found_error: "model_not_found",
};

/** The code for an Anthropic error body (`{"type":"error","error":{"type":...}}`), if it names one. */
export function anthropicErrorCode(body: unknown): ProviderErrorCode | undefined {
  const error = isRecord(body) ? body["error"] : undefined;
  const type = isRecord(error) ? error["type"] : undefined;
  return typeof type === "string" ? ERROR_CODES[type] : undefined;
}

function finishToolUse(block: Block): ModelChunk {
  let input: unknown;
  try {
    input = block.json.trim() === "" ? {} : JSON.parse(block.json);
  } catch (error) {
    throw new ProviderError(
      `The model sent invalid JSON input for tool "${block.name}"; try again.`,
      { detail: block.json.slice(0, 500), cause: error },
    );
  }
  if (!isRecord(input)) {
    throw new ProviderError(`The model sent input for tool "${block.name}" that is not a JSON object.`);
  }
  if (block.name === "") throw new ProviderError("The model sent a tool_use block without a tool name.");
  return {
    type: "tool_call",
    call: { callId: block.id || `toolu_${block.name}`, name: block.name, arguments: input },
  };
}

/**
 * Parses Messages API stream events (the `data` of each SSE event).
 *
 * @throws {ProviderError} On an `error` event, an event that is not JSON, or bad tool input.
 */
export async function* parseAnthropicStream(events: AsyncIterable<string>): AsyncGenerator<ModelChunk> {
  const blocks = new Map<number, Block>();
  for await (const data of events) {
    const event = parseStreamEvent(data, "the Anthropic Messages API");
    if (!isRecord(event)) continue;
    const index = typeof event["index"] === "number" ? event["index"] : -1;
    switch (event["type"]) {
      case "error": {
        const code = anthropicErrorCode(event) ?? "provider_error";
        const error = event["error"];
        const message = isRecord(error) && typeof error["message"] === "string" ? error["message"] : data;
        throw new ProviderError(
          code === "provider_overloaded"
            ? "The model provider is overloaded and stopped mid-answer; try again in a little while."
            : "The model server reported an error mid-stream; try again (the engine log has its message).",
          { detail: message.slice(0, 500), code },
        );
      }
      case "content_block_start": {
        const block = event["content_block"];
        if (!isRecord(block) || index < 0) break;
        if (blocks.size >= MAX_OPEN_BLOCKS) {
          throw new ProviderError(
            `The model server opened more than ${MAX_OPEN_BLOCKS} content blocks at once.`,
          );
        }
        blocks.set(index, {
          type: String(block["type"] ?? ""),
          id: typeof block["id"] === "string" ? block["id"] : "",
          name: typeof block["name"] === "string" ? block["name"] : "",
          json: "",
        });
        break;
      }
      case "content_block_delta": {
        const delta = event["delta"];
        if (!isRecord(delta)) break;
        if (delta["type"] === "text_delta" && typeof delta["text"] === "string" && delta["text"] !== "") {
          yield { type: "text", delta: delta["text"] };
        } else {
          // Thinking and tool input arrive in pieces; each block is passed on whole when it stops.
          const piece = delta["type"] === "thinking_delta"
            ? delta["thinking"]
            : delta["type"] === "input_json_delta"
            ? delta["partial_json"]
            : undefined;
          const block = blocks.get(index);
          if (typeof piece !== "string" || block === undefined) break;
          block.json += piece;
          if (block.json.length > MAX_BLOCK_CHARS) {
            throw new ProviderError(
              `A ${block.type} block from the model exceeds ${MAX_BLOCK_CHARS} characters.`,
            );
          }
        }
        break;
      }
      case "content_block_stop": {
        const block = blocks.get(index);
        blocks.delete(index);
        if (block?.type === "tool_use") yield finishToolUse(block);
        if (block?.type === "thinking" && block.json.trim() !== "") {
          yield { type: "thinking", summary: block.json };
        }
        break;
      }
      default:
        break; // message_start, message_delta, message_stop, ping, and event types added later
    }
  }
}
