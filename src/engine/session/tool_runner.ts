/**
 * Runs one tool call of a turn: resolves the agent's tool, merges static inputs, asks for approval
 * when the tool requires it, runs the tool type, and logs `tool_call` / `search_result` /
 * `tool_result`. Whatever happens, the model gets a tool message back.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import { newId } from "../ids.ts";
import type { ModelMessage, ModelToolCall } from "../model.ts";
import { staticArguments } from "../tools/registry.ts";
import type { ToolContext } from "../tools/tool.ts";
import { raceAbort, stopOf } from "./abort.ts";
import type { TurnScope } from "./scope.ts";

type Tool = components["schemas"]["Tool"];
type ToolMessage = Extract<ModelMessage, { role: "tool" }>;
type ToolStatus = ToolMessage["status"];

/**
 * Runs `call` for the agent's `tools`. Throws only the turn's stop reason (cancel, terminate,
 * shutdown); every other failure becomes a `tool_result` with status `error`.
 */
export async function runToolCall(
  scope: TurnScope,
  tools: readonly Tool[],
  call: ModelToolCall,
  messageId: string,
  signal: AbortSignal,
): Promise<ToolMessage> {
  const callId = newId("call");
  const finish = (status: ToolStatus, result: string): ToolMessage => {
    scope.emit("tool_result", { call_id: callId, tool_name: call.name, status, result }, messageId);
    return { role: "tool", callId: call.callId, name: call.name, status, result };
  };
  const tool = tools.find((t) => t.name === call.name);
  let args: Record<string, unknown> = { ...call.arguments, ...(tool ? staticArguments(tool) : {}) };
  if (tool?.approval_config === "requires_approval") {
    scope.status("awaiting_approval", messageId);
    const request = scope.emit("approval_request", {
      request_id: newId("approval"),
      call_id: callId,
      tool_name: tool.name,
      tool_id: tool.id ?? "",
      tool_type: tool.tool_type,
      arguments: args,
    }, messageId);
    if (!request) throw signal.reason ?? new Error("The session stopped logging while asking for approval.");
    let answer;
    try {
      answer = await scope.approvals.wait(request, signal);
    } catch (error) {
      if (stopOf(signal)?.kind === "cancel") finish("cancelled", "The turn was cancelled before approval.");
      throw error;
    }
    if (!answer.approved) {
      return finish("denied", answer.denyReason ?? "The user denied this tool call.");
    }
    args = { ...args, ...answer.confirm };
  }
  scope.status("running_tool", messageId);
  scope.emit("tool_call", {
    call_id: callId,
    tool_name: call.name,
    tool_type: tool?.tool_type ?? "unknown",
    arguments: args,
    status: "running",
  }, messageId);
  if (!tool) {
    const names = tools.map((t) => t.name).join(", ") || "none";
    return finish(
      "error",
      `The model called tool "${call.name}", which this agent does not have (tools: ${names}).`,
    );
  }
  const runner = scope.ctx.toolTypes.get(tool.tool_type);
  if (!runner) {
    const types = [...scope.ctx.toolTypes.keys()].join(", ");
    return finish(
      "error",
      `Tool type "${tool.tool_type}" has no runner in this engine; use a built-in type (${types}) or remove the tool.`,
    );
  }
  const knowledge = scope.ctx.knowledge(scope.org);
  const context: ToolContext = {
    signal,
    searchKnowledge: (query, limit) => knowledge.search(query, limit),
    emitSearchResult: (query, results) => {
      scope.emit("search_result", { call_id: callId, query, results }, messageId);
    },
    now: () => new Date(),
  };
  try {
    return finish("success", await raceAbort(runner.run(args, context), signal));
  } catch (error) {
    if (stopOf(signal)) {
      if (stopOf(signal)?.kind === "cancel") {
        finish("cancelled", "The turn was cancelled while the tool ran.");
      }
      throw signal.reason;
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish("error", `Tool "${tool.name}" (${tool.tool_type}) failed: ${message}`);
  }
}
