/**
 * Values for the store tests: agents, chatbots, sessions, events, messages, approvals.
 *
 * @module
 */
import type { ServerEvent } from "../../../src/generated/protocol.ts";
import { makeEvent } from "../../../src/engine/events.ts";
import type { ModelMessage } from "../../../src/engine/model.ts";
import type {
  Agent,
  Chatbot,
  OpenTurn,
  SessionMessage,
  SessionRecord,
  StoredApproval,
} from "../../../src/engine/store/store.ts";

export function agent(id: string, name = `Agent ${id}`): Agent {
  return {
    id,
    name,
    type: "conversational",
    llm_info: { provider: "simulator", model_id: "sim-1", api_key: `key-${id}` },
    instructions: "Be brief.",
    tools: [{ id: "tool_1", name: "calc", tool_type: "calculator", approval_config: "requires_approval" }],
    memory_config: { enable_session_memory: true },
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  };
}

export function chatbot(id: string, agentId = "agt_1"): Chatbot {
  return {
    id,
    name: `Bot ${id}`,
    description: "A bot.",
    agent_id: agentId,
    created_at: "2026-01-01T00:00:00.000Z",
  };
}

export function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    org: "org_a",
    agent_id: "agt_1",
    state: "active",
    created_at: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** A fixed time per seq, so that the same event made twice is equal. */
function at(seq: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seq).toISOString();
}

/**
 * Event `seq` of a session (always equal for equal arguments): mostly `message_delta`, every fifth a
 * `participant_status`.
 */
export function event(sessionId: string, seq: number): ServerEvent {
  const ts = at(seq);
  if (seq % 5 === 0) {
    return {
      ...makeEvent("participant_status", { seq, logged: true, session_id: sessionId, message_id: "msg_1" }, {
        participant: "assistant",
        status: "typing",
      }),
      ts,
    };
  }
  return {
    ...makeEvent("message_delta", { seq, logged: true, session_id: sessionId, message_id: "msg_1" }, {
      delta: ` w${seq}`,
      index: seq,
    }),
    ts,
  };
}

/** Events `from..to` of a session. */
export function events(sessionId: string, from: number, to: number): ServerEvent[] {
  const list: ServerEvent[] = [];
  for (let seq = from; seq <= to; seq++) list.push(event(sessionId, seq));
  return list;
}

export function message(sessionId: string, id: string, text = `text of ${id}`): SessionMessage {
  return {
    id,
    session_id: sessionId,
    sender: { role: "user", user_id: "usr_1" },
    content_type: "text/plain",
    text,
    status: "complete",
    post_id: `post_${id}`,
    created_at: "2026-01-01T00:00:01.000Z",
  };
}

export function memory(text: string): ModelMessage[] {
  return [
    { role: "user", content: [{ kind: "text", text }] },
    {
      role: "assistant",
      text: "Let me compute.",
      toolCalls: [{ callId: "call_1", name: "calc", arguments: { expression: "1+1" } }],
    },
    { role: "tool", callId: "call_1", name: "calc", status: "success", result: "2" },
  ];
}

export function openTurn(messageId: string): OpenTurn {
  return { message_id: messageId, post_ids: ["post_1", "post_2"], started_at: "2026-01-01T00:00:02.000Z" };
}

export function approval(sessionId: string, requestId: string, seq = 7, text = "so far"): StoredApproval {
  return {
    event: {
      ...makeEvent("approval_request", { seq, logged: true, session_id: sessionId, message_id: "msg_2" }, {
        request_id: requestId,
        call_id: "call_1",
        tool_name: "calc",
        tool_id: "tool_1",
        tool_type: "calculator",
        arguments: { expression: "6*7" },
      }),
      ts: at(seq),
    },
    checkpoint: {
      message_id: "msg_2",
      post_ids: ["post_1"],
      turn_messages: memory("What is 6*7?"),
      text,
      next_index: 3,
      round: 1,
      calls: [{ callId: "call_1", name: "calc", arguments: { expression: "6*7" } }],
    },
  };
}

/** The seqs of a list of events. */
export function seqs(list: readonly ServerEvent[]): number[] {
  return list.map((e) => e.seq);
}
