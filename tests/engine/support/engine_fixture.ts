/**
 * Test helpers: start an engine on port 0, call its REST API, create agents.
 *
 * @module
 */
import { type Engine, type EngineOptions, startEngine } from "../../../src/engine/mod.ts";
import type { components } from "../../../src/generated/rest.ts";

/** What the helpers need of an engine (an in-process `Engine`, or the URL and key of one elsewhere). */
export type EngineRef = Pick<Engine, "url" | "apiKey">;

/** A REST answer. */
export interface RestAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** Starts an engine with a fast simulator unless told otherwise. */
export function testEngine(options: EngineOptions = {}): Promise<Engine> {
  return startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 }, ...options });
}

/** Calls the REST API; `key` null sends no Authorization header. */
export async function rest<T = Record<string, unknown>>(
  engine: EngineRef,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = engine.apiKey,
): Promise<RestAnswer<T>> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${engine.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Metrics and other text bodies stay text.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Creates a conversational agent on the simulator and returns it. */
export async function createAgent(
  engine: EngineRef,
  fields: Partial<components["schemas"]["AgentCreate"]> = {},
  key: string = engine.apiKey,
): Promise<components["schemas"]["Agent"]> {
  const answer = await rest<components["schemas"]["Agent"]>(engine, "POST", "/v1/agents", {
    name: `agent-${crypto.randomUUID().slice(0, 8)}`,
    llm_info: { provider: "simulator", model_id: "offline" },
    ...fields,
  }, key);
  if (answer.status !== 201) throw new Error(`createAgent: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Reads one sample from the Prometheus text. */
export async function metric(engine: EngineRef, sample: string): Promise<number> {
  const { body } = await rest<string>(engine, "GET", "/metrics", undefined, null);
  const line = body.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
