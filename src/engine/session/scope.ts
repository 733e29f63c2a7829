/**
 * What a running turn may touch in its session: emitting logged events, the participant status, the
 * approvals, and the shared engine services.
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import type { EventData, EventOf, EventType } from "../events.ts";
import type { Approvals } from "./approvals.ts";

/** The assistant's activity, as `participant_status` reports it. */
export type ParticipantActivity = EventData<"participant_status">["status"];

/** The session as a turn sees it. */
export interface TurnScope {
  /** Session id. */
  readonly sessionId: string;
  /** Owning organisation. */
  readonly org: string;
  /** Shared engine services. */
  readonly ctx: EngineContext;
  /** The session's pending approvals. */
  readonly approvals: Approvals;
  /** Logs an event; returns it, or undefined when the session no longer logs (terminated, shut down). */
  emit<T extends EventType>(type: T, data: EventData<T>, messageId?: string): EventOf<T> | undefined;
  /** Reports the assistant's activity (logged only when it changes). */
  status(activity: ParticipantActivity, messageId?: string): void;
}
