/**
 * Example 07: a multi-turn session with session memory. The second turn recalls the first.
 *
 * Port of `examples/agents/07_session_multi_turn.py`.
 */
import { Agent, AgentType, type Session } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

async function ask(session: Session, text: string): Promise<string> {
  console.log(`User: ${text}`);
  await session.send(text);
  for await (const event of session.listen()) {
    if (event.isComplete) {
      console.log(`Assistant: ${event.text}\n`);
      return event.text ?? "";
    }
  }
  throw new Error("The session ended before the turn completed.");
}

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Multi turn ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "You are a friendly assistant with a good memory.",
    memory_config: { enable_session_memory: true },
  });
  try {
    await using session = await agent.createSession();
    await ask(session, "Hi! My name is Alice and I live in Lisbon.");
    const reply = await ask(session, "What is my name?");
    if (reply.includes("Alice")) console.log("Context retained across turns!");
    else console.log("Context was NOT retained.");

    const history = await session.getMessages();
    console.log(`History has ${history.length} messages.`);
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
