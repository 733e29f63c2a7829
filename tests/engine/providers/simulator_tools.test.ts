import assert from "node:assert/strict";
import type { ModelChunk, ModelMessage, ModelToolCall } from "../../../src/engine/model.ts";
import { createSimulator } from "../../../src/engine/providers/simulator.ts";
import { findExpression } from "../../../src/engine/providers/simulator_tools.ts";
import { builtinTools, collect, tool, user } from "./helpers.ts";

const sim = createSimulator({ tokensPerSecond: 0 });

function calls(chunks: ModelChunk[]): ModelToolCall[] {
  return chunks.flatMap((c) => c.type === "tool_call" ? [c.call] : []);
}

/** The messages of the next round: the call and its result appended. */
function withResult(
  messages: ModelMessage[],
  call: ModelToolCall,
  status: "success" | "error" | "denied" | "cancelled",
  result: string,
): ModelMessage[] {
  return [
    ...messages,
    { role: "assistant", text: "", toolCalls: [call] },
    { role: "tool", callId: call.callId, name: call.name, status, result },
  ];
}

Deno.test("simulator calls the calculator for arithmetic, then answers from the result", async () => {
  const messages = [user("What is 23 * 19?")];
  const first = await collect(sim, messages, { tools: builtinTools });
  assert.equal(first.chunks[0]?.type, "thinking");
  assert.equal(first.text, "", "a tool round has no text");
  const [call, ...rest] = calls(first.chunks);
  assert.ok(call);
  assert.equal(rest.length, 0);
  assert.equal(call.name, "calc");
  assert.deepEqual(call.arguments, { expression: "23 * 19" });
  const second = await collect(sim, withResult(messages, call, "success", "437"), { tools: builtinTools });
  assert.equal(calls(second.chunks).length, 0, "never a second tool round");
  assert.equal(second.text, "23 * 19 = 437.");
});

Deno.test("simulator picks current_time and knowledge_search for matching requests", async () => {
  const time = calls(
    (await collect(sim, [user("What time is it in Tokyo?")], { tools: builtinTools })).chunks,
  );
  assert.deepEqual(time.map((c) => [c.name, c.arguments]), [["clock", { timezone: "Asia/Tokyo" }]]);
  const search = calls(
    (await collect(sim, [user("Search the docs for refund policy")], { tools: builtinTools })).chunks,
  );
  assert.deepEqual(search.map((c) => [c.name, c.arguments]), [["kb", { query: "refund policy" }]]);
});

Deno.test("simulator calls a custom tool the user names, with its string parameters filled", async () => {
  const weather = tool("weather_lookup", "weather", { city: { type: "string" } });
  const [call] = calls(
    (await collect(sim, [user("What's the weather in Oslo?")], { tools: [weather] })).chunks,
  );
  assert.equal(call?.name, "weather_lookup");
  assert.equal(call?.arguments["city"], "What's the weather in Oslo");
});

Deno.test("simulator answers directly when no tool fits or tools are disabled", async () => {
  const noFit = await collect(sim, [user("Tell me about otters.")], { tools: builtinTools });
  assert.equal(calls(noFit.chunks).length, 0);
  const disabled = await collect(sim, [user("What is 2 + 2?")], { tools: [] });
  assert.equal(calls(disabled.chunks).length, 0);
  assert.match(disabled.text, /2 \+ 2/);
});

Deno.test("simulator reports a denied call with the deny reason, and a failed call with its error", async () => {
  const messages = [user("Calculate 7 / 0")];
  const [call] = calls((await collect(sim, messages, { tools: builtinTools })).chunks);
  assert.ok(call);
  const denied = await collect(sim, withResult(messages, call, "denied", "Not allowed on weekends"), {
    tools: builtinTools,
  });
  assert.match(denied.text, /calc tool was not approved/);
  assert.match(denied.text, /Not allowed on weekends/);
  const failed = await collect(sim, withResult(messages, call, "error", "Division by zero at position 3"), {
    tools: builtinTools,
  });
  assert.match(failed.text, /calc tool failed: Division by zero at position 3/);
  assert.equal(calls(failed.chunks).length, 0);
});

Deno.test("simulator calls one tool per post when several posts ask for tools, and answers each", async () => {
  const messages = [user("What is 6 * 7?"), user("What is the date today?"), user("Say hi to Bob.")];
  const first = await collect(sim, messages, { tools: builtinTools });
  const planned = calls(first.chunks);
  assert.deepEqual(planned.map((c) => c.name), ["calc", "clock"]);
  assert.equal(new Set(planned.map((c) => c.callId)).size, 2, "call ids are unique");
  const [calc, clock] = planned;
  assert.ok(calc && clock);
  const next: ModelMessage[] = [
    ...messages,
    { role: "assistant", text: "", toolCalls: planned },
    { role: "tool", callId: calc.callId, name: "calc", status: "success", result: "42" },
    { role: "tool", callId: clock.callId, name: "clock", status: "success", result: "Wednesday, 1 May 2024" },
  ];
  const second = await collect(sim, next, { tools: builtinTools });
  assert.match(second.text, /^You sent 3 messages\./);
  assert.match(second.text, /1\) 6 \* 7 = 42\./);
  assert.match(second.text, /2\) The current time is Wednesday, 1 May 2024\./);
  assert.match(second.text, /3\) .*Bob/);
});

Deno.test("findExpression() extracts arithmetic from prose and ignores text without any", () => {
  assert.equal(findExpression("What is 23 * 19?"), "23 * 19");
  assert.equal(findExpression("compute (2 + 3) ^ 2 please"), "(2 + 3) ^ 2");
  assert.equal(findExpression("what is 12 times 4"), "12 * 4");
  assert.equal(findExpression("calculate sqrt(16)"), "sqrt(16)");
  assert.equal(findExpression("What's 15% of 240?"), "15 / 100 * 240");
  assert.equal(findExpression("what is the square root of 81"), "sqrt(81)");
  assert.equal(findExpression("I have 3 cats."), undefined);
});
