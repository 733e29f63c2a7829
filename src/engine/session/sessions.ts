/**
 * What the WebSocket and REST layers need of sessions, whoever runs them: one engine process
 * (`registry.ts`, `session_runtime.ts`) or a node of a Redis cluster, where another node may run the
 * session (`cluster/cluster_sessions.ts`).
 *
 * @module
 */
import type { ApprovalResponseFrame, UserMessage } from "../../generated/protocol.ts";
import type { components } from "../../generated/rest.ts";
import type { EventData, EventType } from "../events.ts";
import type { AnswerOutcome } from "./approvals.ts";
import type { Subscriber } from "./fanout.ts";
import type { PostOutcome } from "./posts.ts";

/** What a new session talks to. */
export type SessionTarget = { agent_id: string } | { chatbot_id: string };

/** One session, as a socket or a REST handler uses it. */
export interface SessionHandle {
  readonly sessionId: string;
  readonly org: string;
  /** Attaches a socket and replays what it missed; false when the session closed first. */
  attach(sub: Subscriber, lastSeq: number, resumed: boolean): Promise<boolean>;
  /** Detaches a socket (it closed); the session keeps running. */
  detach(sub: Subscriber): void;
  /** Serializes a connection-scoped event (not logged) for `sub`, at the newest logged seq sent to it. */
  scoped<T extends EventType>(sub: Subscriber, type: T, data: EventData<T>, messageId?: string): string;
  /** Applies a post and schedules its turn; a duplicate changes nothing. */
  post(message: UserMessage): Promise<PostOutcome>;
  /** Applies a batch as exactly one turn; a duplicate changes nothing. */
  batch(batchId: string, messages: UserMessage[]): Promise<PostOutcome>;
  /** Resolves once what this handle's last post or batch logged has reached its sockets. */
  logged(): Promise<void>;
  /** Applies an approval answer. */
  answer(frame: ApprovalResponseFrame): AnswerOutcome | Promise<AnswerOutcome>;
  /** Cancels the running turn and the posts waiting for one; false when there was none. */
  cancel(reason: string | undefined): boolean | Promise<boolean>;
  /** The session as `GET /v1/sessions/{id}` shows it. */
  info(): components["schemas"]["SessionInfo"] | Promise<components["schemas"]["SessionInfo"]>;
}

/** The sessions an engine serves. */
export interface Sessions {
  /** Creates a session; 404 for an unknown agent or chatbot, 422 for a functional agent. */
  create(org: string, target: SessionTarget): Promise<SessionHandle>;
  /** An existing session; 404 when unknown to the organisation, 410 when terminated or expired. */
  open(org: string, id: string): Promise<SessionHandle>;
  /** Terminates a session; 404 when unknown, 410 when already terminated. */
  terminate(org: string, id: string, reason?: string): Promise<SessionHandle>;
  /** Terminates every session of an agent (the agent is being deleted). */
  terminateAgentSessions(org: string, agentId: string): Promise<void>;
  /** Operator action: closes a session's sockets in this process with 1011; returns how many. */
  dropSockets(id: string): number;
}
