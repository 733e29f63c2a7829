/**
 * Options of `Session` and its methods, each with its default.
 *
 * @module
 */
import type { ClientOptions } from "./config.ts";
import type { ContentOptions } from "./content.ts";
import type { CallOptions } from "./http.ts";
import type { ReconnectOptions } from "./reconnect.ts";
import type { SessionEventType, UNKNOWN_EVENT_TYPE } from "./session_event.ts";

/**
 * App-level liveness: the SDK pings every `intervalMs` and treats a socket that sent nothing for
 * `timeoutMs` after a ping as dead (a half-open connection), then reconnects. With the defaults a dead
 * socket is noticed within 10 s.
 */
export interface HeartbeatOptions {
  /** How often to ping (the engine's own interval is used when shorter). @default {5000} */
  intervalMs?: number;
  /** How long to wait, after a ping, for the `pong` (or any other frame) before treating the socket as dead. @default {5000} */
  timeoutMs?: number;
}

/** The documented heartbeat defaults: a half-open socket is noticed within their sum, 10 s. */
export const DEFAULT_HEARTBEAT: Readonly<Required<HeartbeatOptions>> = Object.freeze({
  intervalMs: 5000,
  timeoutMs: 5000,
});

/**
 * How to build a {@link Session}. Give exactly one of `sessionId` (attach to an existing session),
 * `agentId` or `chatbotId` (create a new session on `connect()`).
 */
export interface SessionOptions extends ClientOptions {
  /** Attach to this existing session (from any process). */
  sessionId?: string;
  /**
   * With `sessionId`: the highest logged `seq` this client already processed (for example in another
   * process); the engine replays every event after it (`0` replays the whole retained log). Left out,
   * the session is joined at its current head: only new events are delivered (read earlier messages
   * with `getMessages()`), plus any approval request still waiting for an answer.
   */
  lastSeq?: number;
  /** Create a new session for this conversational agent. */
  agentId?: string;
  /** Create a new session for this chatbot. */
  chatbotId?: string;
  /** Automatic reconnect after unexpected drops. */
  reconnect?: ReconnectOptions;
  /** App-level ping/pong that detects half-open sockets. */
  heartbeat?: HeartbeatOptions;
  /** How long one attach may take before it counts as failed. @default {10000} */
  handshakeTimeoutMs?: number;
  /** Posts and control frames that may wait while the connection is down. @default {256} */
  maxPendingSends?: number;
  /** Events kept while no listener is active, for the next `listen()` (`0`: unbounded). @default {10000} */
  backlogSize?: number;
}

/** Options of {@link Session.send}. */
export interface SendOptions extends ContentOptions, CallOptions {
  /**
   * The client-made post id (1 to 128 characters), unique within the session. Give the id of a
   * `send()` that failed with an ambiguous `SessionDisconnectedError` (its `error.postId`) to send it
   * again: the engine applies it at most once and answers `duplicate: true` if it already had it.
   * @default {a new random id}
   */
  postId?: string;
}

/** Options of {@link Session.sendMany}. */
export interface SendManyOptions extends CallOptions {
  /** The client-made batch id; like {@link SendOptions.postId}, for re-sending a batch safely. @default {a new random id} */
  batchId?: string;
}

/** What the engine answered to `send()`. */
export interface SendReceipt {
  /** The client-made post id. */
  postId: string;
  /** The stored user message id. */
  messageId: string | undefined;
  /** True when the engine had already applied this post (a retry after a drop). */
  duplicate: boolean;
}

/** What the engine answered to `sendMany()`. */
export interface BatchReceipt {
  /** The client-made batch id. */
  batchId: string;
  /** The client-made post ids, in order. */
  postIds: string[];
  /** The stored message ids, in order. */
  messageIds: string[];
  /** True when the engine had already applied this batch. */
  duplicate: boolean;
}

/** Options of {@link Session.listen}. */
export interface ListenOptions {
  /**
   * Only these event types: others never enter this listener's queue (so they cannot overflow it),
   * while other listeners still get them.
   */
  eventTypes?: readonly (SessionEventType | typeof UNKNOWN_EVENT_TYPE)[];
  /** Bound of this listener's queue; on overflow the event is dropped and an `error` event says so. `0`: unbounded. @default {1024} */
  maxSize?: number;
  /** Ends the iteration: the iterator throws `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link Session.respond}. */
export interface RespondOptions extends CallOptions {
  /** True runs the tool, false denies it. Inferred from `confirm` / `denyReason` when left out. */
  approved?: boolean;
  /** Argument overrides merged over what the model proposed (approved calls only). */
  confirm?: Record<string, unknown>;
  /** Why the call was denied; passed back to the model. */
  denyReason?: string;
}

/** Options of {@link Session.respondApproval}: like {@link RespondOptions} with `approved` required. */
export interface RespondApprovalOptions extends RespondOptions {
  /** True runs the tool, false denies it. */
  approved: boolean;
}

/** Options of {@link Session.terminate} and {@link Session.cancelTurn}. */
export interface ReasonOptions extends CallOptions {
  /** Optional reason, echoed in the resulting event. */
  reason?: string;
}
