/**
 * Example 04: `sendMany()` posts several messages that the agent answers in one turn.
 *
 * Port of `examples/agents/04_session_send_many.py`.
 */
import { Agent, AgentType, SessionEventType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Send many ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Answer every question you are given, in order.",
    memory_config: { enable_session_memory: true },
  });
  try {
    await using session = await agent.createSession();
    await session.sendMany([
      "I'm planning a trip to Lisbon.",
      "What should I pack for October?",
      "And which neighbourhood should I stay in?",
    ]);
    let completes = 0;
    for await (
      const event of session.listen({
        eventTypes: [SessionEventType.MESSAGE_DELTA, SessionEventType.MESSAGE_COMPLETE],
      })
    ) {
      if (event.isComplete) {
        completes++;
        console.log(`Assistant (one turn for all three posts):\n${event.text}`);
        break;
      }
    }
    console.log(`\nTurns completed: ${completes}`);
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
