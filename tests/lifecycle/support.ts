/**
 * Shared set-up for the lifecycle suite: a real engine on port 0 and a configured SDK. What the events
 * must satisfy (seq numbering, deltas, nothing after terminate) is judged by the conformance kit's
 * invariants (`conformance/invariants.ts`), so the SDK-level and wire-level suites share one definition.
 */
import assert from "node:assert/strict";
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

/**
 * Reads events until the turn's `message_complete`, calling `onDelta` with the count of deltas so far
 * after each `message_delta` (to crash, kill or cancel something mid-answer); returns them all.
 */
export async function untilCompleteWith(
  session: Session,
  onDelta: (deltas: number) => Promise<void> | void,
): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  let deltas = 0;
  for await (const event of session.listen({ maxSize: 0 })) {
    events.push(event);
    if (event.type === "message_delta") await onDelta(++deltas);
    if (event.isComplete) return events;
  }
  throw new Error(`listen() ended before message_complete after ${events.length} events`);
}

/** The first turn of the memory checks: the user says who they are and where they live. */
export async function introduceAlice(session: Session): Promise<SessionEvent[]> {
  await session.send("My name is Alice and I live in Boston.");
  return await untilComplete(session);
}

/** Asks where the user lives; fails unless the turn completes with "Boston" (session memory kept). */
export async function assertRemembersBoston(session: Session): Promise<SessionEvent[]> {
  await session.send("Where do I live?");
  const events = await untilComplete(session);
  const answer = events.at(-1)!;
  assert.equal(answer.data.status, "complete");
  assert.match(answer.text ?? "", /Boston/);
  return events;
}

/** Fails with the invariant's message when it found a problem. */
export function assertHolds(problem: string | undefined): void {
  assert.equal(problem, undefined, problem ?? "");
}

/**
 * Fails unless every event's seq is a safe resume cursor: none exceeds the seq of a logged event that
 * comes after it (a connection-scoped event carrying the session's head would).
 */
export function assertSafeCursors(events: readonly { seq: number; logged: boolean; type: string }[]): void {
  let laterLogged = Number.POSITIVE_INFINITY;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    assert.ok(
      event.seq <= laterLogged,
      `${event.type} #${event.seq} (index ${i}) is ahead of the logged event #${laterLogged} after it: ` +
        `resuming from it would skip events`,
    );
    if (event.logged) laterLogged = event.seq;
  }
}
