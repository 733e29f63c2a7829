/**
 * Example 03: a single-turn session.
 *
 * One `send()`, then `listen()` filtered to deltas, the final message and tool events. The agent has a
 * calculator, so the tool call and its result arrive before the streamed answer.
 *
 * Port of `examples/agents/03_session_single_turn.py`.
 */
import { Agent, AgentType, SessionEventType, ToolApprovalConfig } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Single turn ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "You are a concise assistant. Use the calculator for arithmetic.",
    tools: [{
      name: "calculator",
      tool_type: "calculator",
      description: "Evaluates arithmetic expressions.",
      approval_config: ToolApprovalConfig.AUTO_RUN,
    }],
    memory_config: { enable_session_memory: true },
  });

  try {
    await using session = await agent.createSession();
    await session.send("What is 23 * 19 + 4?");
    console.log(`Session: ${session.sessionId}`);

    const stream = session.listen({
      eventTypes: [
        SessionEventType.MESSAGE_DELTA,
        SessionEventType.MESSAGE_COMPLETE,
        SessionEventType.TOOL_CALL,
        SessionEventType.TOOL_RESULT,
      ],
    });
    for await (const event of stream) {
      if (event.type === SessionEventType.TOOL_CALL) {
        console.log(`\n[tool call] ${event.toolName} ${JSON.stringify(event.data.arguments)}`);
      } else if (event.type === SessionEventType.TOOL_RESULT) {
        console.log(`[tool result] ${event.toolName} -> ${event.data.result}`);
      } else if (event.delta) {
        await write(event.delta);
      } else if (event.isComplete) {
        console.log(`\n\n[complete] ${event.text}`);
        break;
      }
    }
  } finally {
    await agent.delete();
  }
}

const encoder = new TextEncoder();
async function write(text: string): Promise<void> {
  await Deno.stdout.write(encoder.encode(text));
}

if (import.meta.main) await runExample(main);
