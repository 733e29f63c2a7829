/**
 * One turn: model rounds with tool calls in between, streamed as events, ending in exactly one
 * `message_complete` (complete, error or cancelled) and the assistant's history message.
 *
 * @module
 */
import type { ContentPart } from "../../generated/protocol.ts";
import type { components } from "../../generated/rest.ts";
import { type ModelMessage, type ModelTool, type ModelToolCall, ProviderError } from "../model.ts";
import type { Agent, SessionMessage, TurnCheckpoint } from "../store/store.ts";
import type { ApprovalAnswer } from "./approvals.ts";
import { abortable, stopOf } from "./abort.ts";
import type { TurnScope } from "./scope.ts";
import { runToolCall } from "./tool_runner.ts";
import { TurnText } from "./turn_text.ts";

/** One user post answered by a turn. */
export interface TurnPost {
  /** Client-made id. */
  post_id: string;
  /** Stored message id. */
  message_id: string;
  /** What the model sees: the main content, then attachments. */
  parts: ContentPart[];
}

/** A turn paused for an approval that continues once it is answered (after a restart, too). */
export interface TurnResumption {
  /** The paused turn as stored with its approval request. */
  checkpoint: TurnCheckpoint;
  /** The answer to the paused call. */
  answer: ApprovalAnswer;
  /** The `call_id` the approval request announced, reused by the call's events. */
  callId: string;
}

/** How a turn ended: `suspended` when the engine stopped while it waited for an approval. */
export type TurnOutcome = "ended" | "suspended";

/** What a turn needs beyond its scope. */
export interface TurnInput {
  /** The posts the turn answers, in order (empty when it resumes). */
  posts: TurnPost[];
  /** The assistant message the turn writes (recorded as the open turn before it starts). */
  messageId: string;
  /** Continue a paused turn instead of starting one. */
  resume?: TurnResumption;
  /** The session's agent as stored now (turns see the latest instructions, model and tools). */
  agent: Agent;
  /** Earlier turns, oldest first; the turn appends its own messages when it ends. */
  memory: ModelMessage[];
  /** Turns the agent's tools into what the model sees. */
  modelTools(tools: components["schemas"]["Tool"][]): ModelTool[];
}

/**
 * Runs one turn to its end. Never throws: failures are logged as events. An engine shutdown while the
 * turn waits for an approval suspends it (nothing is logged; its approval and checkpoint stay in the
 * store); any other shutdown closes it as interrupted.
 */
export async function runTurn(scope: TurnScope, input: TurnInput, signal: AbortSignal): Promise<TurnOutcome> {
  const { agent, posts, resume } = input;
  const checkpoint = resume?.checkpoint;
  const messageId = checkpoint?.message_id ?? input.messageId;
  const postIds = checkpoint?.post_ids ?? posts.map((p) => p.post_id);
  const turnMessages: ModelMessage[] = checkpoint
    ? structuredClone(checkpoint.turn_messages)
    : posts.map((p) => ({ role: "user", content: p.parts }));
  const paused = { awaitingApproval: false };
  let suspended = false;
  const assistant: SessionMessage = {
    id: messageId,
    session_id: scope.sessionId,
    sender: { role: "assistant", object_id: agent.id, object_type: "agent" },
    content_type: "text/plain",
    text: "",
    status: "streaming",
    created_at: new Date().toISOString(),
  };
  // The current round's text is not yet in `turnMessages`; earlier rounds' text is.
  const text = new TurnText(checkpoint?.text ?? "");
  const fullText = () => text.full;
  const pendingText = () => text.round;
  let announced = checkpoint !== undefined;
  const started = performance.now();
  let firstDelta = checkpoint !== undefined;
  const announce = () => {
    if (announced) return;
    announced = true;
    scope.emit("message_streaming", { role: "assistant", post_ids: postIds }, messageId);
  };
  const save = (status: SessionMessage["status"]) =>
    scope.ctx.store.putMessage({ ...assistant, text: fullText(), status }).catch((e) =>
      scope.ctx.log(`store: ${e}`)
    );

  scope.status("thinking", messageId);
  await save("streaming");
  try {
    const choice = scope.ctx.selectModel(agent.llm_info);
    const tools = agent.llm_info.enable_tools === false ? [] : input.modelTools(agent.tools);
    const memoryOn = agent.memory_config.enable_session_memory !== false;
    let index = checkpoint?.next_index ?? 0;
    let round = checkpoint ? checkpoint.round : 0;
    const snapshot = (calls: ModelToolCall[]): TurnCheckpoint => ({
      message_id: messageId,
      post_ids: postIds,
      turn_messages: structuredClone(turnMessages),
      text: fullText(),
      next_index: index,
      round,
      calls,
    });
    const callTools = async (calls: ModelToolCall[], from: number, answered?: TurnResumption) => {
      for (let i = from; i < calls.length; i++) {
        const call = calls[i]!;
        const given = i === from && answered
          ? { answer: answered.answer, callId: answered.callId }
          : undefined;
        turnMessages.push(
          await runToolCall(scope, agent.tools, call, messageId, signal, {
            checkpoint: () => snapshot(calls),
            paused,
            ...(given ? { answered: given } : {}),
          }),
        );
      }
    };
    if (checkpoint && resume) {
      // Finish the paused round: the answered call, then the calls after it.
      const lastAssistant = turnMessages.findLastIndex((m) => m.role === "assistant");
      const done = turnMessages.slice(lastAssistant + 1).filter((m) => m.role === "tool").length;
      await callTools(checkpoint.calls, done, resume);
      round++;
    }
    for (; round < scope.ctx.options.maxModelRounds; round++) {
      if (round > 0) scope.status("thinking", messageId);
      const calls: ModelToolCall[] = [];
      text.endRound();
      const request = {
        instructions: agent.instructions,
        messages: [...(memoryOn ? input.memory : []), ...turnMessages],
        tools,
        signal,
      };
      for await (const chunk of abortable(choice.provider.stream(request), signal)) {
        if (chunk.type === "thinking") {
          scope.emit("thinking", { summary: chunk.summary }, messageId);
        } else if (chunk.type === "text") {
          if (chunk.delta === "") continue;
          announce();
          scope.status("typing", messageId);
          scope.emit("message_delta", { delta: chunk.delta, index: index++ }, messageId);
          if (!firstDelta) {
            firstDelta = true;
            scope.ctx.metrics.timeToFirstDelta.observe(performance.now() - started);
          }
          text.push(chunk.delta);
        } else {
          announce();
          calls.push(chunk.call);
        }
      }
      if (calls.length === 0) break;
      turnMessages.push({ role: "assistant", text: pendingText(), toolCalls: calls });
      text.endRound();
      await callTools(calls, 0);
    }
    announce();
    // History first: a client that sees message_complete and reads the history finds the answer there.
    await save("complete");
    scope.emit("message_complete", { text: fullText(), status: "complete", post_ids: postIds }, messageId);
  } catch (error) {
    const stop = stopOf(signal);
    if (stop?.kind === "shutdown" && paused.awaitingApproval) {
      // The approval and this turn's checkpoint stay in the store: it continues after the restart.
      suspended = true;
      return "suspended";
    }
    if (stop?.kind === "shutdown") {
      scope.emit("error", {
        code: "turn_interrupted",
        error: "The engine shut down while this turn ran; its answer is incomplete. Send the message again.",
      }, messageId);
    } else if (stop?.kind === "cancel") {
      scope.emit("turn_cancelled", stop.reason === undefined ? {} : { reason: stop.reason }, messageId);
    } else if (!stop) {
      const provider = error instanceof ProviderError;
      const message = error instanceof Error ? error.message : String(error);
      const code = provider ? error.code : "turn_failed";
      scope.ctx.metrics.error(code);
      scope.emit("error", {
        code,
        error: provider ? `The model provider failed: ${message}` : `The turn failed: ${message}`,
      }, messageId);
      if (!provider) scope.ctx.log(`session ${scope.sessionId}: turn failed: ${error}`);
      else if (error.detail !== undefined) {
        // What the provider's server said stays in the operator's log; the tenant sees the message.
        scope.ctx.log(`session ${scope.sessionId}: provider error: ${message} Server said: ${error.detail}`);
      }
    }
    announce();
    const status = stop && stop.kind !== "shutdown" ? "cancelled" : "error";
    await save("error");
    scope.emit("message_complete", { text: fullText(), status, post_ids: postIds }, messageId);
  } finally {
    if (!suspended) {
      // The model keeps the user's posts and what it said, even when the turn did not complete.
      const unsaid = pendingText();
      if (unsaid !== "") turnMessages.push({ role: "assistant", text: unsaid });
      input.memory.push(...turnMessages);
      scope.status("idle", messageId);
    }
  }
  return "ended";
}
