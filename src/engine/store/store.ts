/**
 * The storage interface of the engine. The engine ships an in-memory implementation; the interface is
 * async and keyed so that a persistent (SQLite) or distributed (Redis) store can implement it without
 * changes elsewhere: every object is scoped by organisation, event logs and histories by session.
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import type { components } from "../../generated/rest.ts";

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
  /** Lifecycle state; `terminated` is final. */
  state: SessionState;
  /** Creation time (RFC 3339). */
  created_at: string;
}

/** What an applied post or batch returned, kept so a retry is answered the same way. */
export type PostReceipt =
  | { kind: "post"; post_id: string; message_id: string }
  | { kind: "batch"; batch_id: string; post_ids: string[]; message_ids: string[] };

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

/** Everything the engine persists. Implementations must keep per-session appends in call order. */
export interface EngineStore {
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

  /** Appends a logged event; keeps at most `retain` events of the session. */
  appendEvent(sessionId: string, event: ServerEvent, retain: number): Promise<void>;
  /** The retained events after `afterSeq`. */
  readEvents(sessionId: string, afterSeq: number): Promise<EventWindow>;

  /** Inserts or replaces a history message (by id). */
  putMessage(message: SessionMessage): Promise<void>;
  /** The session's history, oldest first. */
  listMessages(sessionId: string): Promise<SessionMessage[]>;

  /** Records what a post or batch returned. */
  putReceipt(sessionId: string, receipt: PostReceipt): Promise<void>;
  /** Every receipt of the session. */
  listReceipts(sessionId: string): Promise<PostReceipt[]>;

  /**
   * Frees what a terminated session kept: its event log, history and receipts. The session record
   * stays (state `terminated`) as the tombstone that answers later reads and attaches.
   */
  deleteSessionData(sessionId: string): Promise<void>;

  /** Adds a knowledge document to the organisation. */
  addDocument(org: string, document: StoredDocument): Promise<void>;
  /** The organisation's knowledge documents. */
  listDocuments(org: string): Promise<StoredDocument[]>;
}
