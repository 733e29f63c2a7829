/**
 * Turns the data events of a streamed Chat Completions response into model chunks: text deltas as they
 * come, and tool calls assembled from their index-based fragments once the stream ends.
 *
 * @module
 */
import { type ModelChunk, ProviderError } from "../model.ts";
import { parseStreamEvent } from "./stream_event.ts";

/** A tool call being assembled from streamed fragments. */
interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorMessage(value: unknown): string {
  if (isRecord(value) && typeof value["message"] === "string") return value["message"];
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Adds one `delta.tool_calls` entry to the calls being assembled. */
function addFragment(calls: Map<number, PartialCall>, fragment: unknown, position: number): void {
  if (!isRecord(fragment)) return;
  const index = typeof fragment["index"] === "number" ? fragment["index"] : position;
  const call = calls.get(index) ?? { id: "", name: "", arguments: "" };
  if (typeof fragment["id"] === "string" && fragment["id"] !== "") call.id = fragment["id"];
  const fn = fragment["function"];
  if (isRecord(fn)) {
    if (typeof fn["name"] === "string") call.name += fn["name"];
    if (typeof fn["arguments"] === "string") call.arguments += fn["arguments"];
  }
  calls.set(index, call);
}

function finishCall(call: PartialCall, index: number): ModelChunk {
  let parsed: unknown;
  try {
    parsed = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch (error) {
    throw new ProviderError(
      `The model sent invalid JSON arguments for tool "${call.name}": ${JSON.stringify(call.arguments)}. ` +
        "Try again, or use a model with reliable tool calling.",
      { cause: error },
    );
  }
  if (!isRecord(parsed)) {
    throw new ProviderError(
      `The model sent arguments for tool "${call.name}" that are not a JSON object: ${call.arguments}.`,
    );
  }
  if (call.name === "") throw new ProviderError("The model sent a tool call without a function name.");
  return {
    type: "tool_call",
    call: { callId: call.id || `call_${index}`, name: call.name, arguments: parsed },
  };
}

/**
 * Parses Chat Completions stream events.
 *
 * @param events The `data` strings of the SSE stream, without `[DONE]`.
 * @returns Text chunks as they arrive, then the assembled tool calls in index order.
 * @throws {ProviderError} On an `error` event, JSON that does not parse, or bad tool-call arguments.
 */
export async function* parseChatStream(events: AsyncIterable<string>): AsyncGenerator<ModelChunk> {
  const calls = new Map<number, PartialCall>();
  for await (const data of events) {
    const event = parseStreamEvent(data, "an OpenAI-compatible Chat Completions server");
    if (!isRecord(event)) continue;
    if (event["error"] !== undefined) {
      throw new ProviderError(
        "The model server reported an error mid-stream; try again (the engine log has its message).",
        { detail: errorMessage(event["error"]) },
      );
    }
    const choices = Array.isArray(event["choices"]) ? event["choices"] : [];
    const choice: unknown = choices[0];
    if (!isRecord(choice) || !isRecord(choice["delta"])) continue;
    const delta = choice["delta"];
    if (typeof delta["content"] === "string" && delta["content"] !== "") {
      yield { type: "text", delta: delta["content"] };
    }
    if (Array.isArray(delta["tool_calls"])) {
      delta["tool_calls"].forEach((fragment: unknown, i: number) => addFragment(calls, fragment, i));
    }
  }
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b);
  for (const [index, call] of ordered) yield finishCall(call, index);
}
