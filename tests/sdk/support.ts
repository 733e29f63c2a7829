/** Shared set-up for the SDK suite: a real engine on port 0 and helpers that read sessions. */
import {
  Agent,
  type AgentNewOptions,
  type ClientOptions,
  type Session,
  type SessionEvent,
} from "../../mod.ts";
import { type Engine, type EngineOptions, startEngine } from "../../src/engine/mod.ts";

/** Instructions that make the offline simulator write a long essay. */
export const ESSAY = "Write a very long essay about the history of computing.";

/** An engine plus the client options that reach it. */
export interface TestEngine {
  engine: Engine;
  client: { apiKey: string; baseUrl: string };
}

/** Runs `fn` against a fresh engine (tokens as fast as possible unless set), closing it afterwards. */
export async function withEngine(
  fn: (t: TestEngine) => Promise<void>,
  options: EngineOptions = {},
): Promise<void> {
  const engine = await startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 }, ...options });
  try {
    await fn({ engine, client: { apiKey: engine.apiKey, baseUrl: engine.url } });
  } finally {
    await engine.close();
  }
}

/** A conversational agent on the simulator, reachable through `client`. */
export function newAgent(
  client: ClientOptions,
  instructions = "You are helpful.",
  extra: Partial<AgentNewOptions> = {},
): Promise<Agent> {
  return Agent.new({
    name: `sdk test ${crypto.randomUUID()}`,
    type: "conversational",
    llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
    instructions,
    ...client,
    ...extra,
  });
}

/** Reads events until a `message_complete`; returns them all (unbounded queue). */
export async function untilComplete(session: Session, signal?: AbortSignal): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for await (const event of session.listen({ maxSize: 0, signal })) {
    events.push(event);
    if (event.isComplete) return events;
  }
  throw new Error(`listen() ended before message_complete after ${events.length} events`);
}

/** The deltas' text and indexes, in arrival order. */
export function deltasOf(events: SessionEvent[]): { text: string; indexes: number[] } {
  const deltas = events.filter((e) => e.type === "message_delta");
  return { text: deltas.map((e) => e.delta).join(""), indexes: deltas.map((e) => Number(e.data.index)) };
}

/** Polls `check` every few milliseconds until it holds (at most `ms`). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the engine has stored a complete assistant reply `count` times. */
export function waitForReplies(session: Session, count = 1): Promise<void> {
  return waitFor(
    async () => {
      const messages = await session.getMessages();
      return messages.filter((m) => m.sender.role === "assistant" && m.status === "complete").length >= count;
    },
    5000,
    `${count} complete assistant replies`,
  );
}
