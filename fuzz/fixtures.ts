/**
 * The real objects the attack aims at, created over REST on each engine start: agents (one with
 * tools that require approval, so approval frames reach a waiting turn), a chatbot, a functional
 * agent, and sessions, in both organisations. Frames and requests that name real ids reach deeper
 * code than random ids, which stop at "not found".
 *
 * @module
 */

/** Ids in one organisation. */
export interface OrgFixtures {
  key: string;
  agentId: string;
  functionalAgentId: string;
  chatbotId: string;
  sessionId: string;
}

/**
 * Both organisations' fixtures: `a` is attacked over WebSocket, `rest` (same organisation) over REST,
 * which may delete or terminate what it names, so the WebSocket attackers keep their own agent; `b`
 * is the other organisation (the well-behaved tenant's, whose ids the attacker must never reach).
 */
export interface Fixtures {
  url: string;
  wsUrl: string;
  a: OrgFixtures;
  rest: OrgFixtures;
  b: OrgFixtures;
}

async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = await response.json() as Record<string, unknown>;
  if (!response.ok) throw new Error(`fixture ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A conversational agent body whose tools pause turns for approval. */
export function approvalAgent(name: string): Record<string, unknown> {
  return {
    name,
    type: "conversational",
    llm_info: { provider: "simulator", model_id: "offline" },
    instructions: "Use your tools before answering.",
    tools: [
      {
        name: "calc",
        tool_type: "calculator",
        description: "Arithmetic.",
        approval_config: "requires_approval",
      },
      {
        name: "docs",
        tool_type: "knowledge_search",
        description: "Search docs.",
        approval_config: "requires_approval",
      },
      { name: "clock", tool_type: "current_time", description: "Time.", approval_config: "auto_run" },
    ],
    memory_config: { enable_session_memory: true },
  };
}

/** Creates one organisation's fixtures. */
export async function orgFixtures(url: string, key: string, tag: string): Promise<OrgFixtures> {
  const suffix = `${tag}-${crypto.randomUUID().slice(0, 8)}`;
  const agent = await call(url, key, "POST", "/v1/agents", approvalAgent(`fuzz-agent-${suffix}`));
  const functional = await call(url, key, "POST", "/v1/agents", {
    name: `fuzz-functional-${suffix}`,
    type: "functional",
    llm_info: { provider: "simulator", model_id: "offline" },
    instructions: "Answer about {{inputs.topic}}.",
    inputs: { topic: { io_type: "string" } },
    outputs: { answer: { io_type: "string" } },
  });
  const chatbot = await call(url, key, "POST", "/v1/chatbots", {
    name: `fuzz-bot-${suffix}`,
    agent_id: agent.id,
  });
  const session = await call(url, key, "POST", "/v1/sessions", { agent_id: agent.id });
  return {
    key,
    agentId: String(agent.id),
    functionalAgentId: String(functional.id),
    chatbotId: String(chatbot.id),
    sessionId: String(session.id),
  };
}

/** Creates both organisations' fixtures on an engine. */
export async function createFixtures(url: string, keys: readonly string[]): Promise<Fixtures> {
  const [keyA = "", keyB = ""] = keys;
  return {
    url,
    wsUrl: `${url.replace(/^http/, "ws")}/v1/sessions/ws`,
    a: await orgFixtures(url, keyA, "a"),
    rest: await orgFixtures(url, keyA, "rest"),
    b: await orgFixtures(url, keyB, "b"),
  };
}
