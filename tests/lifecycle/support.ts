/** Shared set-up for the lifecycle suite: a real engine on port 0 and a configured SDK. */
import { Agent, AgentType, configure, type Session, type SessionEvent } from "../../mod.ts";
import { type Engine, startEngine } from "../../src/engine/mod.ts";

/** Instructions that make the simulator write a long essay. */
export const ESSAY = "Write a very long essay about the history of computing.";

/** Starts an engine, configures the SDK for it, and closes it after `fn`. */
export async function withEngine(
  fn: (engine: Engine) => Promise<void>,
  options: { tokensPerSecond?: number } = {},
): Promise<void> {
  const engine = await startEngine({
    port: 0,
    offlineModel: { tokensPerSecond: options.tokensPerSecond ?? 0 },
  });
  configure({ apiKey: engine.apiKey, baseUrl: engine.url });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Creates a conversational agent. */
export function newAgent(
  instructions: string,
  extra: Partial<Parameters<typeof Agent.new>[0]> = {},
): Promise<Agent> {
  return Agent.new({
    name: `lifecycle ${crypto.randomUUID()}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
    instructions,
    ...extra,
  });
}

/** Reads events until the turn's `message_complete`; returns them all. */
export async function untilComplete(session: Session): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for await (const event of session.listen({ maxSize: 0 })) {
    events.push(event);
    if (event.isComplete) return events;
  }
  throw new Error(`listen() ended before message_complete after ${events.length} events`);
}

/** The concatenated deltas and their indexes, per message. */
export function deltasOf(events: SessionEvent[]): { text: string; indexes: number[] } {
  const deltas = events.filter((e) => e.type === "message_delta");
  return {
    text: deltas.map((e) => e.delta ?? "").join(""),
    indexes: deltas.map((e) => (e.data as { index: number }).index),
  };
}
