/**
 * Example 08 (conversational agent run): `agent.run()` runs one turn in a hidden session. With
 * `keepAlive: true` the session survives, so a second `run()` can continue it by id.
 *
 * Port of `examples/agents/08_conversational_agent_run.py`.
 */
import { Agent, AgentType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Run demo ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "You are a helpful assistant.",
    memory_config: { enable_session_memory: true },
  });
  try {
    const first = await agent.run("My name is Alice. Please remember it.", { keepAlive: true });
    console.log(`Turn 1 [${first.status}] in session ${first.sessionId}:\n${first.finalMessage}\n`);

    const second = await agent.run("What is my name?", { sessionId: first.sessionId });
    console.log(`Turn 2 [${second.status}]:\n${second.finalMessage}`);
    if (second.finalMessage.includes("Alice")) console.log("\nThe second run continued the first session.");
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
