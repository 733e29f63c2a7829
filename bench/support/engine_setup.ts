/**
 * Engine-side helpers shared by the benchmarks that use the real engine: the essay agent, the
 * `/metrics` gauge, and a session's head seq over REST.
 *
 * @module
 */
import { Agent, AgentType, type Session } from "../../mod.ts";

/** The instructions that make the offline simulator write a long (~1,600 token) essay every turn. */
export const ESSAY_INSTRUCTIONS = "Write a very long essay about the history of computing.";

/** A loaded engine may answer slowly, but never this slowly. */
const REQUEST_LIMIT_MS = 15_000;

/** Where an engine is and how to call it. */
export interface EngineAccess {
  /** Base URL. */
  url: string;
  /** API key. */
  apiKey: string;
}

/** Creates a conversational agent answered by the offline simulator with essay instructions. */
export function essayAgent(engine: EngineAccess, name: string): Promise<Agent> {
  return Agent.new({
    apiKey: engine.apiKey,
    baseUrl: engine.url,
    name,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
    instructions: ESSAY_INSTRUCTIONS,
  });
}

/** Reads one unlabelled gauge or counter from the engine's `/metrics`. */
export async function readMetric(url: string, name: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(REQUEST_LIMIT_MS) });
  const text = await response.text();
  const match = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  if (!match?.[1]) {
    throw new Error(`Metric ${name} is missing from ${url}/metrics; check src/engine/metrics.ts.`);
  }
  return Number(match[1]);
}

/** A session's state over REST (`head_seq`, `generating`). */
export async function sessionInfo(
  engine: EngineAccess,
  sessionId: string,
): Promise<{ head_seq: number; generating: boolean }> {
  const response = await fetch(`${engine.url}/v1/sessions/${encodeURIComponent(sessionId)}`, {
    headers: { authorization: `Bearer ${engine.apiKey}` },
    signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
  });
  if (!response.ok) {
    throw new Error(`GET session ${sessionId} answered ${response.status}: ${await response.text()}`);
  }
  return await response.json();
}

/** Times `count` lone posts from `send()` to their first `message_delta`, in ms each. */
export async function timeFirstDeltas(
  session: Session,
  count: number,
  signal: AbortSignal,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    await session.send("Hello!", { signal });
    let first = 0;
    for await (const event of session.listen({ signal, maxSize: 0 })) {
      if (first === 0 && event.type === "message_delta") first = performance.now() - sent;
      if (event.isComplete) break;
    }
    times.push(first);
  }
  return times;
}
