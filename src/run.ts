/**
 * `Agent.run()`: one conversational turn through a hidden session, or one stateless run of a
 * functional agent over REST.
 *
 * @module
 */
import type { ClientOptions } from "./config.ts";
import type { ContentOptions, SendContent } from "./content.ts";
import { describeValue, SessionDisconnectedError, VectorshiftError } from "./errors.ts";
import type { components } from "./generated/rest.ts";
import { type CallOptions, request } from "./http.ts";
import { Session } from "./session.ts";
import type { EventData, SessionEvent, SessionEventOf } from "./session_event.ts";

/** Options of `Agent.run()`. */
export interface RunOptions extends CallOptions, ContentOptions {
  /** Run the turn in this existing session (it is disconnected afterwards, never terminated). */
  sessionId?: string;
  /** Keep the hidden session alive (disconnect instead of terminate) so a later run can resume it. @default {false} */
  keepAlive?: boolean;
  /** Keep `message_delta` events in `result.events`. @default {false} */
  includeDeltas?: boolean;
}

/** How a run ended, in the VectorShift run vocabulary. */
export type RunStatus = "success" | "failed" | "cancelled";

const RUN_STATUS: Record<EventData<"message_complete">["status"], RunStatus> = {
  complete: "success",
  error: "failed",
  cancelled: "cancelled",
};

/**
 * The outcome of a conversational run.
 *
 * @example
 * ```ts
 * import type { Agent, ConversationalAgentRunResult } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * // Set-up: an embedded engine (offline) and an agent to run the example against.
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
 * async function hello(agent: Agent): Promise<ConversationalAgentRunResult> {
 *   const result = await agent.run("Hello!", { keepAlive: true });
 *   console.log(result.status, result.finalMessage, result.sessionId);
 *   return result;
 * }
 * await hello(demo); // success, the reply, the session id
 * ```
 */
export interface ConversationalAgentRunResult {
  /** How the turn ended: `success`, `failed` (an `error` event says why) or `cancelled`. */
  status: RunStatus;
  /** The session the turn ran in; resume it with `run(..., { sessionId })` when `keepAlive` was set. */
  sessionId: string;
  /** The assistant's full reply. */
  finalMessage: string;
  /** The turn's events, from the post's acknowledgement to `message_complete` (deltas only with `includeDeltas`). */
  events: SessionEvent[];
}

/**
 * The turn paused for an approval or a re-authentication, which a one-shot run cannot give. The
 * session is kept (disconnected, not terminated): resume it with `agent.resumeSession(error.sessionId)`
 * and answer the event there.
 *
 * @example Finish the turn in a session
 * ```ts
 * import { type Agent, ConversationalRunActionRequiredError } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * // Set-up: an embedded engine (offline) and an agent to run the example against.
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
 * async function runWithApprovals(agent: Agent) {
 *   try {
 *     return (await agent.run("Search the docs for pricing")).finalMessage;
 *   } catch (error) {
 *     if (!(error instanceof ConversationalRunActionRequiredError)) throw error;
 *     await using session = await agent.resumeSession(error.sessionId);
 *     for await (const event of session.listen()) {
 *       if (event.type === "approval_request") await session.respond(event, { approved: true });
 *       if (event.isComplete) return event.text;
 *     }
 *     return undefined;
 *   }
 * }
 * const guarded = await vs.Agent.new({
 *   name: "Guarded",
 *   llm_info: { provider: "openai", model_id: "gpt-4o" },
 *   tools: [{ name: "docs", tool_type: "knowledge_search", approval_config: vs.ToolApprovalConfig.REQUIRES_APPROVAL }],
 * });
 * console.log(await runWithApprovals(guarded));
 * ```
 */
export class ConversationalRunActionRequiredError extends VectorshiftError {
  /** The `approval_request` or `reauth_request` event. */
  readonly event: SessionEventOf<"approval_request"> | SessionEventOf<"reauth_request">;
  /** The session that waits for the answer. */
  readonly sessionId: string;

  /** Creates the error for the event that paused the turn. */
  constructor(
    event: SessionEventOf<"approval_request"> | SessionEventOf<"reauth_request">,
    sessionId: string,
  ) {
    super(
      `The run paused on ${event.type} (tool ${event.data.tool_name}), which agent.run() cannot answer: ` +
        `resume session ${sessionId} with agent.resumeSession() and answer it there.`,
    );
    this.event = event;
    this.sessionId = sessionId;
  }
}

/** Runs one conversational turn for `agentId`. */
export async function runConversational(
  agentId: string,
  input: SendContent,
  options: RunOptions,
  client: ClientOptions,
): Promise<ConversationalAgentRunResult> {
  const { signal } = options;
  const session = new Session({
    ...client,
    ...(options.sessionId === undefined ? { agentId } : { sessionId: options.sessionId }),
    // Replays of a resumed session are skipped below; never drop our own events because of them.
    backlogSize: 0,
  });
  let keep = options.keepAlive === true || options.sessionId !== undefined;
  try {
    await session.connect({ signal });
    const content: ContentOptions = {};
    if (options.files) content.files = options.files;
    if (options.mimeType) content.mimeType = options.mimeType;
    if (options.filename) content.filename = options.filename;
    const receipt = await session.send(input, { ...content, signal });
    const events: SessionEvent[] = [];
    let ours = false;
    for await (const event of session.listen({ signal, maxSize: 0 })) {
      if (!ours) {
        ours = event.type === "message_posted" && event.data.post_id === receipt.postId;
        if (!ours) continue;
      }
      if (event.type === "approval_request" || event.type === "reauth_request") {
        keep = true;
        throw new ConversationalRunActionRequiredError(event, session.sessionId ?? "");
      }
      if (options.includeDeltas || event.type !== "message_delta") events.push(event);
      if (event.type === "message_complete" && event.data.post_ids.includes(receipt.postId)) {
        return {
          status: RUN_STATUS[event.data.status],
          sessionId: session.sessionId ?? "",
          finalMessage: event.data.text,
          events,
        };
      }
    }
    throw new SessionDisconnectedError(`Session ${session.sessionId} ended before the turn completed.`, {
      sessionId: session.sessionId,
    });
  } finally {
    if (keep) await session.disconnect();
    else await session.terminate().catch(() => session.disconnect());
  }
}

/** Options of `Agent.run()` on a functional agent. */
export interface FunctionalRunOptions extends CallOptions {
  /** Appended to the agent's instructions for this run only (`{{inputs.<name>}}` placeholders work here too). */
  additionalInstructions?: string;
}

type WireRunResult = components["schemas"]["AgentRunResult"];

/**
 * The outcome of a functional run.
 *
 * @example
 * ```ts
 * import type { Agent, AgentRunResult } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * // Set-up: an embedded engine (offline) and an agent to run the example against.
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * async function brief(agent: Agent): Promise<AgentRunResult> {
 *   const result = await agent.run({ topic: "tidal power" });
 *   if (result.status === "success") console.log(result.outputs.brief, result.runId);
 *   else console.error(result.error);
 *   return result;
 * }
 * const writer = await vs.Agent.new({
 *   name: "Brief writer",
 *   type: vs.AgentType.FUNCTIONAL,
 *   llm_info: { provider: "openai", model_id: "gpt-4o" },
 *   instructions: "Write a one-paragraph research brief about {{inputs.topic}}.",
 *   inputs: { topic: { io_type: "string", description: "What to research." } },
 *   outputs: { brief: { io_type: "string", description: "The research brief." } },
 * });
 * await brief(writer); // the brief and the run id
 * ```
 */
export interface AgentRunResult {
  /** `success` (every declared output is in `outputs`) or `failed` (`error` says why). */
  status: components["schemas"]["AgentRunStatus"];
  /** Id of the run (`run_...`), for logs and support. */
  runId: string;
  /** The declared outputs by name (an agent without declared outputs gets `output`); empty when the run failed. */
  outputs: Record<string, unknown>;
  /** Why the run failed: the provider failed, or its answer did not hold the declared outputs. */
  error?: string;
}

/** Runs wait this long for the engine (a run is one or more full model answers, not one REST read). */
const RUN_TIMEOUT_MS = 600_000;

/** Whether `value` is a plain object (the inputs of a functional run), not an array, bytes or a `Blob`. */
export function isInputsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Runs a functional agent once with `inputs`. */
export async function runFunctional(
  agent: { id: string; name: string; inputs?: Record<string, unknown> | undefined },
  inputs: unknown,
  options: FunctionalRunOptions,
  client: ClientOptions,
): Promise<AgentRunResult> {
  if (!isInputsObject(inputs)) {
    const names = Object.keys(agent.inputs ?? {});
    const sample = names.length > 0
      ? `{ ${names.map((n) => `${JSON.stringify(n)}: ...`).join(", ")} }`
      : "{}";
    throw new VectorshiftError(
      `agent.run() on functional agent "${agent.name}" needs an object of inputs keyed by name, such as ` +
        `agent.run(${sample}); got ${describeValue(inputs)}.`,
    );
  }
  const body: components["schemas"]["AgentRunRequest"] = { inputs };
  if (options.additionalInstructions !== undefined) {
    body.additional_instructions = options.additionalInstructions;
  }
  const wire = await request<WireRunResult>("POST", `/v1/agents/${encodeURIComponent(agent.id)}/run`, {
    client,
    signal: options.signal,
    body,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  const result: AgentRunResult = { status: wire.status, runId: wire.run_id, outputs: wire.outputs };
  if (wire.error !== undefined) result.error = wire.error;
  return result;
}
