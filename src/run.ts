/**
 * `Agent.run()` for conversational agents: one turn through a hidden session.
 *
 * @module
 */
import type { ClientOptions } from "./config.ts";
import type { ContentOptions, SendContent } from "./content.ts";
import { SessionDisconnectedError, VectorshiftError } from "./errors.ts";
import type { CallOptions } from "./http.ts";
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
 * async function hello(agent: Agent): Promise<ConversationalAgentRunResult> {
 *   const result = await agent.run("Hello!", { keepAlive: true });
 *   console.log(result.status, result.finalMessage, result.sessionId);
 *   return result;
 * }
 * console.log(typeof hello);
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
 * console.log(typeof runWithApprovals);
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
      `The run paused on ${event.type} (tool ${event.data.tool_name}); agent.run() cannot answer it. ` +
        `Resume session ${sessionId} with agent.resumeSession() and answer the event there.`,
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
    const receipt = await session.send(input, { ...content, ...(signal ? { signal } : {}) });
    const events: SessionEvent[] = [];
    let ours = false;
    for await (const event of session.listen(signal ? { signal, maxSize: 0 } : { maxSize: 0 })) {
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
