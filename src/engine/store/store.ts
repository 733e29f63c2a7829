/**
 * The storage interface of the engine, implemented in memory (`memory_store.ts`) and on SQLite
 * (`sqlite_store.ts`); it is async and keyed so that a distributed (Redis) store can implement it too:
 * every object is scoped by organisation, event logs and histories by session.
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import type { components } from "../../generated/rest.ts";
import type { ModelMessage, ModelToolCall } from "../model.ts";

/** A stored agent (with `llm_info.api_key`, which REST reads strip). */
export type Agent = components["schemas"]["Agent"];
/** A stored chatbot. */
export type Chatbot = components["schemas"]["Chatbot"];
/** One history message. */
export type SessionMessage = components["schemas"]["SessionMessage"];
/** A session's lifecycle state. */
export type SessionState = components["schemas"]["SessionState"];

/** A stored session. */
export interface SessionRecord {
  /** Session id. */
  id: string;
  /** Owning organisation. */
  org: string;
  /** The agent that answers. */
  agent_id: string;
  /** The chatbot it was opened through, if any. */
  chatbot_id?: string;
  /** Lifecycle state; `terminated` and `expired` are final. */
  state: SessionState;
  /** Creation time (RFC 3339). */
  created_at: string;
  /** Last time a client attached, posted or a turn ended (RFC 3339); for idle expiry. */
  last_active_at?: string;
}

/** A turn that has started and not ended. One found when the engine starts was cut off by a crash. */
export interface OpenTurn {
  /** The assistant message the turn writes. */
  message_id: string;
  /** The posts it answers. */
  post_ids: string[];
  /** When it started (RFC 3339). */
  started_at: string;
}

/** What a turn paused for an approval needs to continue, in this process or after a restart. */
export interface TurnCheckpoint {
  /** The assistant message the turn writes. */
  message_id: string;
  /** The posts it answers. */
  post_ids: string[];
  /** The turn's conversation so far: its posts, the model's messages and the tool results so far. */
  turn_messages: ModelMessage[];
  /** Text the assistant streamed so far in this turn. */
  text: string;
  /** The next `message_delta` index. */
  next_index: number;
  /** Model rounds used so far (the current one included). */
  round: number;
  /** The current round's tool calls, in order; the paused one is the first without a result. */
  calls: ModelToolCall[];
}

/** An unanswered approval request and how its turn continues once it is answered. */
export interface StoredApproval {
  /** The logged `approval_request` event. */
  event: Extract<ServerEvent, { type: "approval_request" }>;
  /** The paused turn. */
  checkpoint: TurnCheckpoint;
}

/**
 * What an applied post or batch returned, kept so a retry is answered the same way. `digest` /
 * `digests` (one per message) identify the content, so a reused id with other content is refused;
 * receipts stored before they existed have none and match any content.
 */
export type PostReceipt =
  | { kind: "post"; post_id: string; message_id: string; digest?: string }
  | { kind: "batch"; batch_id: string; post_ids: string[]; message_ids: string[]; digests?: string[] };

/** A stored knowledge document. */
export interface StoredDocument {
  /** Document id. */
  id: string;
  /** Title. */
  title: string;
  /** Body text. */
  text: string;
}

/** A window of a session's event log. */
export interface EventWindow {
  /** Retained events with seq greater than the cursor, oldest first. */
  events: ServerEvent[];
  /** The oldest retained seq (head + 1 when nothing is retained). */
  oldestSeq: number;
  /** The newest stored seq (0 when empty). */
  headSeq: number;
}

/** A page request. */
export interface Page {
  /** Page size. */
  limit: number;
  /** Items to skip. */
  offset: number;
}

/** Session counts by state. */
export type SessionCounts = Record<SessionState, number>;

/**
 * Everything the engine persists. Implementations must keep per-session appends in call order, and an
 * append resolves only once the events are durable (the engine sends an event to clients only then).
 * Write the contract tests in `tests/engine/store/` once and run them against every implementation.
 */
export interface EngineStore {
  /**
   * True when `appendEvents` makes events durable before it returns (an in-process store): the
   * engine then sends them at once instead of waiting a microtask per batch.
   */
  readonly appendsAreImmediate?: boolean;

  /** Inserts or replaces an agent. */
  putAgent(org: string, agent: Agent): Promise<void>;
  /** One agent of the organisation. */
  getAgent(org: string, id: string): Promise<Agent | undefined>;
  /** The organisation's agent with exactly this name. */
  findAgentByName(org: string, name: string): Promise<Agent | undefined>;
  /** A page of the organisation's agents, oldest first, and how many there are. */
  listAgents(org: string, page: Page): Promise<{ agents: Agent[]; total: number }>;
  /** Deletes an agent; false when there was none. */
  deleteAgent(org: string, id: string): Promise<boolean>;

  /** Inserts or replaces a chatbot. */
  putChatbot(org: string, chatbot: Chatbot): Promise<void>;
  /** One chatbot of the organisation. */
  getChatbot(org: string, id: string): Promise<Chatbot | undefined>;
  /** The organisation's chatbots, oldest first. */
  listChatbots(org: string): Promise<Chatbot[]>;
  /** Deletes a chatbot; false when there was none. */
  deleteChatbot(org: string, id: string): Promise<boolean>;

  /** Inserts or replaces a session record. */
  putSession(record: SessionRecord): Promise<void>;
  /** One session of the organisation. */
  getSession(org: string, id: string): Promise<SessionRecord | undefined>;
  /** The organisation's sessions of one agent. */
  listSessionsOfAgent(org: string, agentId: string): Promise<SessionRecord[]>;
  /** How many sessions there are in each state. */
  countSessions(): Promise<SessionCounts>;

  /**
   * Appends logged events (consecutive seqs, after the stored head); keeps at most `retain` events of
   * the session. Resolves once they are durable; a store may commit several calls together. Rejects,
   * changing nothing, when `events[0].seq` is not head + 1, the seqs are not consecutive, or `retain` < 0.
   * `frames`, when given, are the events serialized (`JSON.stringify`): a store that keeps text may
   * keep them as they are instead of serializing again.
   */
  appendEvents(sessionId: string, events: ServerEvent[], retain: number, frames?: string[]): Promise<void>;
  /** The retained events after `afterSeq`; an unknown or deleted log reads as `{ events: [], oldestSeq: 1, headSeq: 0 }`. */
  readEvents(sessionId: string, afterSeq: number): Promise<EventWindow>;

  /** Inserts or replaces a history message (by id). */
  putMessage(message: SessionMessage): Promise<void>;
  /** The session's history, oldest first. */
  listMessages(sessionId: string): Promise<SessionMessage[]>;

  /** Records what a post or batch returned. */
  putReceipt(sessionId: string, receipt: PostReceipt): Promise<void>;
  /** Every receipt of the session. */
  listReceipts(sessionId: string): Promise<PostReceipt[]>;

  /** Replaces the session's memory (the conversation the model sees). */
  putMemory(sessionId: string, memory: ModelMessage[]): Promise<void>;
  /** The session's memory; empty when none was stored. */
  getMemory(sessionId: string): Promise<ModelMessage[]>;

  /** Records the session's running turn, or clears it (`undefined`) when the turn has ended. */
  putOpenTurn(sessionId: string, turn: OpenTurn | undefined): Promise<void>;
  /** Every session with a turn still recorded as running (after a crash: the interrupted ones). */
  listOpenTurns(): Promise<Array<{ session: SessionRecord; turn: OpenTurn }>>;

  /** Stores an unanswered approval request with its paused turn (replacing one with the same id). */
  putApproval(sessionId: string, approval: StoredApproval): Promise<void>;
  /** Forgets an approval request (answered, or its turn ended). */
  deleteApproval(sessionId: string, requestId: string): Promise<void>;
  /** The session's unanswered approval requests, oldest first. */
  listApprovals(sessionId: string): Promise<StoredApproval[]>;

  /** Records activity on a session (its `last_active_at`). */
  touchSession(sessionId: string, at: string): Promise<void>;
  /** Up to `limit` active sessions whose last activity (or creation) is before `before`, in no particular order. */
  listIdleSessions(before: string, limit: number): Promise<SessionRecord[]>;

  /**
   * Frees what a terminated or expired session kept: its event log, history, receipts, memory,
   * approvals and open turn. The session record stays (state `terminated` or `expired`) as the
   * tombstone that answers later reads and attaches.
   */
  deleteSessionData(sessionId: string): Promise<void>;

  /** Adds a knowledge document to the organisation. */
  addDocument(org: string, document: StoredDocument): Promise<void>;
  /** The organisation's knowledge documents. */
  listDocuments(org: string): Promise<StoredDocument[]>;

  /** Commits what is pending and releases the store; later calls fail. Idempotent. */
  close(): Promise<void>;
}
