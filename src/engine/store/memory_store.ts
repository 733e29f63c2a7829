/**
 * The in-memory {@link EngineStore}: everything is lost when the engine stops.
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import type { ModelMessage } from "../model.ts";
import type {
  Agent,
  Chatbot,
  EngineStore,
  EventWindow,
  OpenTurn,
  Page,
  PostReceipt,
  SessionCounts,
  SessionMessage,
  SessionRecord,
  StoredApproval,
  StoredDocument,
} from "./store.ts";
import { EventLog } from "./event_log.ts";

function bucket<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/** Appends happen per streamed token: one shared settled promise instead of a new one each. */
const RESOLVED: Promise<void> = Promise.resolve();

function closedError(): Promise<never> {
  return Promise.reject(new Error("The memory store is closed; its data is gone. Start a new engine."));
}

/**
 * Stores everything in process memory. Values are copied in and out so callers cannot alias them.
 * After `close()` every call rejects (the data is dropped with the store).
 */
export class MemoryStore implements EngineStore {
  /** Appends land in this process's memory before `appendEvents` returns. */
  readonly appendsAreImmediate: boolean = true;
  readonly #agents = new Map<string, Map<string, Agent>>();
  readonly #chatbots = new Map<string, Map<string, Chatbot>>();
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #logs = new Map<string, EventLog>();
  readonly #messages = new Map<string, Map<string, SessionMessage>>();
  readonly #receipts = new Map<string, PostReceipt[]>();
  readonly #documents = new Map<string, StoredDocument[]>();
  readonly #memory = new Map<string, ModelMessage[]>();
  readonly #openTurns = new Map<string, OpenTurn>();
  readonly #approvals = new Map<string, Map<string, StoredApproval>>();
  #closed = false;

  putAgent(org: string, agent: Agent): Promise<void> {
    if (this.#closed) return closedError();
    bucket(this.#agents, org).set(agent.id, structuredClone(agent));
    return Promise.resolve();
  }

  getAgent(org: string, id: string): Promise<Agent | undefined> {
    if (this.#closed) return closedError();
    const agent = this.#agents.get(org)?.get(id);
    return Promise.resolve(agent && structuredClone(agent));
  }

  findAgentByName(org: string, name: string): Promise<Agent | undefined> {
    if (this.#closed) return closedError();
    const agent = [...(this.#agents.get(org)?.values() ?? [])].find((a) => a.name === name);
    return Promise.resolve(agent && structuredClone(agent));
  }

  listAgents(org: string, page: Page): Promise<{ agents: Agent[]; total: number }> {
    if (this.#closed) return closedError();
    const all = [...(this.#agents.get(org)?.values() ?? [])];
    const agents = all.slice(page.offset, page.offset + page.limit).map((a) => structuredClone(a));
    return Promise.resolve({ agents, total: all.length });
  }

  deleteAgent(org: string, id: string): Promise<boolean> {
    if (this.#closed) return closedError();
    return Promise.resolve(this.#agents.get(org)?.delete(id) ?? false);
  }

  putChatbot(org: string, chatbot: Chatbot): Promise<void> {
    if (this.#closed) return closedError();
    bucket(this.#chatbots, org).set(chatbot.id, structuredClone(chatbot));
    return Promise.resolve();
  }

  getChatbot(org: string, id: string): Promise<Chatbot | undefined> {
    if (this.#closed) return closedError();
    const chatbot = this.#chatbots.get(org)?.get(id);
    return Promise.resolve(chatbot && structuredClone(chatbot));
  }

  listChatbots(org: string): Promise<Chatbot[]> {
    if (this.#closed) return closedError();
    return Promise.resolve([...(this.#chatbots.get(org)?.values() ?? [])].map((c) => structuredClone(c)));
  }

  deleteChatbot(org: string, id: string): Promise<boolean> {
    if (this.#closed) return closedError();
    return Promise.resolve(this.#chatbots.get(org)?.delete(id) ?? false);
  }

  putSession(record: SessionRecord): Promise<void> {
    if (this.#closed) return closedError();
    this.#sessions.set(record.id, structuredClone(record));
    return Promise.resolve();
  }

  getSession(org: string, id: string): Promise<SessionRecord | undefined> {
    if (this.#closed) return closedError();
    const record = this.#sessions.get(id);
    return Promise.resolve(record?.org === org ? structuredClone(record) : undefined);
  }

  listSessionsOfAgent(org: string, agentId: string): Promise<SessionRecord[]> {
    if (this.#closed) return closedError();
    const found = [...this.#sessions.values()].filter((s) => s.org === org && s.agent_id === agentId);
    return Promise.resolve(found.map((s) => structuredClone(s)));
  }

  countSessions(): Promise<SessionCounts> {
    if (this.#closed) return closedError();
    const counts: SessionCounts = { active: 0, terminated: 0, expired: 0 };
    for (const s of this.#sessions.values()) counts[s.state]++;
    return Promise.resolve(counts);
  }

  appendEvents(sessionId: string, events: ServerEvent[], retain: number): Promise<void> {
    if (this.#closed) return closedError();
    if (!(retain >= 0)) return Promise.reject(new RangeError(`retain must be >= 0, got ${retain}.`));
    let log = this.#logs.get(sessionId);
    const head = log?.head ?? 0;
    for (let i = 0; i < events.length; i++) {
      const seq = events[i]?.seq;
      if (seq !== head + 1 + i) {
        return Promise.reject(
          new Error(
            `appendEvents(${sessionId}): expected seq ${head + 1 + i}, got ${seq} (appends must continue ` +
              `the log's head ${head} with consecutive seqs).`,
          ),
        );
      }
    }
    if (events.length === 0) return RESOLVED;
    if (!log) {
      log = new EventLog(sessionId);
      this.#logs.set(sessionId, log);
    }
    for (const event of events) log.append(event, retain);
    return RESOLVED;
  }

  readEvents(sessionId: string, afterSeq: number): Promise<EventWindow> {
    if (this.#closed) return closedError();
    const log = this.#logs.get(sessionId);
    if (!log) return Promise.resolve({ events: [], oldestSeq: 1, headSeq: 0 });
    return Promise.resolve({ events: log.read(afterSeq), oldestSeq: log.oldestSeq, headSeq: log.head });
  }

  putMessage(message: SessionMessage): Promise<void> {
    if (this.#closed) return closedError();
    bucket(this.#messages, message.session_id).set(message.id, structuredClone(message));
    return Promise.resolve();
  }

  listMessages(sessionId: string): Promise<SessionMessage[]> {
    if (this.#closed) return closedError();
    return Promise.resolve(
      [...(this.#messages.get(sessionId)?.values() ?? [])].map((m) => structuredClone(m)),
    );
  }

  putReceipt(sessionId: string, receipt: PostReceipt): Promise<void> {
    if (this.#closed) return closedError();
    const list = this.#receipts.get(sessionId) ?? [];
    list.push(structuredClone(receipt));
    this.#receipts.set(sessionId, list);
    return Promise.resolve();
  }

  listReceipts(sessionId: string): Promise<PostReceipt[]> {
    if (this.#closed) return closedError();
    return Promise.resolve((this.#receipts.get(sessionId) ?? []).map((r) => structuredClone(r)));
  }

  putMemory(sessionId: string, memory: ModelMessage[]): Promise<void> {
    if (this.#closed) return closedError();
    this.#memory.set(sessionId, structuredClone(memory));
    return Promise.resolve();
  }

  getMemory(sessionId: string): Promise<ModelMessage[]> {
    if (this.#closed) return closedError();
    return Promise.resolve(structuredClone(this.#memory.get(sessionId) ?? []));
  }

  putOpenTurn(sessionId: string, turn: OpenTurn | undefined): Promise<void> {
    if (this.#closed) return closedError();
    if (turn) this.#openTurns.set(sessionId, structuredClone(turn));
    else this.#openTurns.delete(sessionId);
    return Promise.resolve();
  }

  listOpenTurns(): Promise<Array<{ session: SessionRecord; turn: OpenTurn }>> {
    if (this.#closed) return closedError();
    const open: Array<{ session: SessionRecord; turn: OpenTurn }> = [];
    for (const [id, turn] of this.#openTurns) {
      const session = this.#sessions.get(id);
      if (session) open.push({ session: structuredClone(session), turn: structuredClone(turn) });
    }
    return Promise.resolve(open);
  }

  putApproval(sessionId: string, approval: StoredApproval): Promise<void> {
    if (this.#closed) return closedError();
    bucket(this.#approvals, sessionId).set(approval.event.data.request_id, structuredClone(approval));
    return Promise.resolve();
  }

  deleteApproval(sessionId: string, requestId: string): Promise<void> {
    if (this.#closed) return closedError();
    this.#approvals.get(sessionId)?.delete(requestId);
    return Promise.resolve();
  }

  listApprovals(sessionId: string): Promise<StoredApproval[]> {
    if (this.#closed) return closedError();
    return Promise.resolve(
      [...(this.#approvals.get(sessionId)?.values() ?? [])].map((a) => structuredClone(a)),
    );
  }

  touchSession(sessionId: string, at: string): Promise<void> {
    if (this.#closed) return closedError();
    const record = this.#sessions.get(sessionId);
    if (record) record.last_active_at = at;
    return Promise.resolve();
  }

  listIdleSessions(before: string, limit: number): Promise<SessionRecord[]> {
    if (this.#closed) return closedError();
    const idle: SessionRecord[] = [];
    for (const record of this.#sessions.values()) {
      if (idle.length >= limit) break;
      if (record.state === "active" && (record.last_active_at ?? record.created_at) < before) {
        idle.push(structuredClone(record));
      }
    }
    return Promise.resolve(idle);
  }

  deleteSessionData(sessionId: string): Promise<void> {
    if (this.#closed) return closedError();
    this.#logs.delete(sessionId);
    this.#messages.delete(sessionId);
    this.#receipts.delete(sessionId);
    this.#memory.delete(sessionId);
    this.#openTurns.delete(sessionId);
    this.#approvals.delete(sessionId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return RESOLVED;
  }

  addDocument(org: string, document: StoredDocument): Promise<void> {
    if (this.#closed) return closedError();
    const list = this.#documents.get(org) ?? [];
    list.push({ ...document });
    this.#documents.set(org, list);
    return Promise.resolve();
  }

  listDocuments(org: string): Promise<StoredDocument[]> {
    if (this.#closed) return closedError();
    return Promise.resolve((this.#documents.get(org) ?? []).map((d) => ({ ...d })));
  }
}
