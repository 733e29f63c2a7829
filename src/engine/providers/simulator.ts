/**
 * The offline model simulator: a deterministic stand-in for a language model, used when no real
 * provider is configured (and in tests). It is always named as a simulator (`provider: "simulator"`,
 * `simulated: true`) so nobody mistakes its output for a real model's.
 *
 * What it does, deterministically (same request, same output):
 * - streams one `thinking` chunk, then the reply word by word (`"The"`, `" history"`, ...) at
 *   `tokensPerSecond`, stopping at once when the request's signal aborts;
 * - writes a 1,500+ word essay starting with "The" when the instructions or the latest message ask for
 *   an essay or a long answer;
 * - recalls facts stated in earlier user messages ("my name is Alice" → "Your name is Alice."), and says
 *   it does not know when those messages are absent (session memory off);
 * - answers every post of a multi-post turn ("You sent 3 messages. 1) ... 2) ... 3) ...");
 * - reads text files (quotes matching lines, summarises) and acknowledges binary ones;
 * - calls `calculator`, `current_time`, `knowledge_search` (and other tools named in the request) when
 *   they fit, then answers from the results in the next round, including denied and failed calls.
 *
 * @module
 */
import type { ModelChunk, ModelProvider, ModelRequest } from "../model.ts";
import { Pacer } from "./simulator_pacer.ts";
import { planReply } from "./simulator_reply.ts";
import { tokens } from "./simulator_text.ts";

/** Options of {@link createSimulator}. */
export interface SimulatorOptions {
  /**
   * Streaming speed. 0 streams as fast as possible, still yielding to the event loop every 64 tokens
   * so aborts and other sessions are served.
   * @default {200}
   */
  tokensPerSecond?: number;
  /**
   * Model id shown to clients.
   * @default {"offline-simulator-1"}
   */
  modelId?: string;
}

/** With no rate limit, yield to the event loop after this many tokens. */
const UNTHROTTLED_BATCH = 64;

/**
 * Creates the offline model simulator.
 *
 * @param options Streaming speed and model id.
 * @returns A {@link ModelProvider} with `provider: "simulator"` and `simulated: true`.
 * @example Stream a reply
 * ```ts
 * import { createSimulator } from "./simulator.ts";
 * const model = createSimulator({ tokensPerSecond: 0 });
 * let text = "";
 * for await (const chunk of model.stream({
 *   instructions: "",
 *   messages: [{ role: "user", content: [{ kind: "text", text: "Hello!" }] }],
 *   tools: [],
 *   signal: new AbortController().signal,
 * })) {
 *   if (chunk.type === "text") text += chunk.delta;
 * }
 * console.log(text); // "Hello! How can I help you today?"
 * ```
 */
export function createSimulator(options: SimulatorOptions = {}): ModelProvider {
  const tokensPerSecond = options.tokensPerSecond ?? 200;
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0) {
    throw new RangeError(
      `tokensPerSecond must be 0 (unthrottled) or a positive number, got ${tokensPerSecond}.`,
    );
  }
  const modelId = options.modelId ?? "offline-simulator-1";
  return {
    provider: "simulator",
    modelId,
    simulated: true,
    stream: (request) => streamReply(request, modelId, tokensPerSecond),
  };
}

async function* streamReply(
  request: ModelRequest,
  modelId: string,
  tokensPerSecond: number,
): AsyncGenerator<ModelChunk> {
  const { signal } = request;
  signal.throwIfAborted();
  const reply = planReply(request, modelId);
  yield { type: "thinking", summary: reply.thinking };
  if ("calls" in reply) {
    for (const call of reply.calls) {
      // Token 0 of a fresh schedule is always due: pacing it would only check the signal.
      signal.throwIfAborted();
      yield { type: "tool_call", call };
    }
    return;
  }
  const start = performance.now();
  const pacer = new Pacer(signal);
  try {
    let i = 0;
    for (const token of tokens(reply.text)) {
      signal.throwIfAborted();
      // Most tokens at a modest rate need a wait, but not every one does; no promise when none is due.
      const wait = delayBefore(i++, tokensPerSecond, start);
      if (wait !== undefined) await pacer.sleep(wait);
      yield { type: "text", delta: token };
    }
  } finally {
    pacer.close();
  }
  signal.throwIfAborted();
}

/**
 * How long to wait before token `index` (0 = just yield to the event loop), or undefined to send it
 * at once. Schedules against the start time rather than sleeping a fixed interval per token, so timer
 * overhead does not slow the average rate.
 */
function delayBefore(index: number, tokensPerSecond: number, start: number): number | undefined {
  if (tokensPerSecond === 0) return index > 0 && index % UNTHROTTLED_BATCH === 0 ? 0 : undefined;
  const wait = start + (index * 1000) / tokensPerSecond - performance.now();
  if (wait > 0.5) return wait;
  return index % UNTHROTTLED_BATCH === UNTHROTTLED_BATCH - 1 ? 0 : undefined;
}
