/**
 * Example 08: resume a session by id. The first session object goes away; a new `Session` attaches to
 * the same server-side session (from any process) and reads its history, then terminates it.
 *
 * Port of `examples/agents/08_session_resume.py` (newer snapshot).
 */
import { Agent, AgentType, Session } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Resume demo ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "You are a helpful assistant.",
    memory_config: { enable_session_memory: true },
  });
  try {
    let sessionId: string;
    {
      await using session = await agent.createSession();
      await session.send("Remember this: my favourite colour is teal.");
      for await (const event of session.listen()) {
        if (event.isComplete) break;
      }
      sessionId = session.sessionId!;
      console.log(`First session ${sessionId} disconnects (the server keeps it).`);
    }

    const resumed = new Session({ sessionId });
    await resumed.connect();
    const messages = await resumed.getMessages();
    console.log(`resumed ${resumed.sessionId}: ${messages.length} messages`);

    await resumed.send("What is my favourite colour?");
    for await (const event of resumed.listen()) {
      if (event.isComplete) {
        console.log(`Assistant: ${event.text}`);
        break;
      }
    }
    await resumed.terminate();
    console.log("Session terminated.");
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
