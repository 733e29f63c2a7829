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
import type { TurnCheckpoint } from "../store/store.ts";
import { raceAbort, stopOf } from "./abort.ts";
import type { ApprovalAnswer } from "./approvals.ts";
import type { TurnScope } from "./scope.ts";

type Tool = components["schemas"]["Tool"];
type ToolMessage = Extract<ModelMessage, { role: "tool" }>;
type ToolStatus = ToolMessage["status"];

/** How a call fits in its turn. */
export interface ToolCallOptions {
  /** The turn's state, stored with an approval request so the turn can continue after a restart. */
  checkpoint?: () => TurnCheckpoint;
  /** Set while the call waits for an approval (a shutdown then suspends the turn). */
  paused?: { awaitingApproval: boolean };
  /** The call was already asked about (before a restart) and answered: no new request. */
  answered?: { answer: ApprovalAnswer; callId: string };
}

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
  options: ToolCallOptions = {},
): Promise<ToolMessage> {
  const callId = options.answered?.callId ?? newId("call");
  const finish = (status: ToolStatus, result: string): ToolMessage => {
    scope.emit("tool_result", { call_id: callId, tool_name: call.name, status, result }, messageId);
    const message: ToolMessage = { role: "tool", callId: call.callId, name: call.name, status, result };
    // The model hears what ran, not only what it asked for (an approval may have changed the arguments).
    if (status === "success" && JSON.stringify(args) !== JSON.stringify(call.arguments)) {
      message.arguments = args;
    }
    return message;
  };
  const tool = tools.find((t) => t.name === call.name);
  let args: Record<string, unknown> = { ...call.arguments, ...(tool ? staticArguments(tool) : {}) };
  if (tool?.approval_config === "requires_approval" || options.answered) {
    const answer = options.answered?.answer ??
      await askApproval(scope, tool!, callId, args, messageId, signal, options);
    if (!answer) {
      if (stopOf(signal)?.kind === "cancel") finish("cancelled", "The turn was cancelled before approval.");
      throw signal.reason;
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

/**
 * Logs an `approval_request`, stores it with the turn's checkpoint, and waits for the answer; undefined
 * when the turn stopped first. The stored request outlives an engine shutdown (the turn is suspended
 * and continues after the restart); any other stop, or the answer, removes it.
 */
async function askApproval(
  scope: TurnScope,
  tool: Tool,
  callId: string,
  args: Record<string, unknown>,
  messageId: string,
  signal: AbortSignal,
  options: ToolCallOptions,
): Promise<ApprovalAnswer | undefined> {
  scope.status("awaiting_approval", messageId);
  const request = scope.emit("approval_request", {
    request_id: newId("approval"),
    call_id: callId,
    tool_name: tool.name,
    tool_id: tool.id ?? "",
    tool_type: tool.tool_type,
    arguments: args,
  }, messageId);
  if (!request) return undefined;
  const store = scope.ctx.store;
  const requestId = request.data.request_id;
  if (options.checkpoint) {
    await store.putApproval(scope.sessionId, { event: request, checkpoint: options.checkpoint() }).catch((
      e,
    ) => scope.ctx.log(`store: cannot keep approval ${requestId} of session ${scope.sessionId}: ${e}`));
  }
  if (options.paused) options.paused.awaitingApproval = true;
  try {
    return await scope.approvals.wait(request, signal);
  } catch {
    return undefined;
  } finally {
    if (options.paused) options.paused.awaitingApproval = false;
    if (stopOf(signal)?.kind !== "shutdown") {
      await store.deleteApproval(scope.sessionId, requestId).catch((e) =>
        scope.ctx.log(`store: cannot forget approval ${requestId} of session ${scope.sessionId}: ${e}`)
      );
    }
  }
}
