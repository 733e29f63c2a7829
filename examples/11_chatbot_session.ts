/**
 * Example 11: a chatbot session. Fetch the chatbot by name, or create it (bound to a conversational
 * agent) when it does not exist; then use exactly the same Session API as agents.
 *
 * Port of `examples/agents/11_chatbot_session.py`.
 */
import { Agent, AgentType, Chatbot, NotFoundError } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const name = "Support chatbot (example 11)";
  let chatbot: Chatbot;
  let agent: Agent | undefined;
  try {
    chatbot = await Chatbot.fetch({ name });
    console.log(`Fetched chatbot ${chatbot.name}`);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    agent = await Agent.new({
      name: `Chatbot agent ${crypto.randomUUID().slice(0, 8)}`,
      type: AgentType.CONVERSATIONAL,
      llm_info: { provider: "openai", model_id: "gpt-4o" },
      instructions: "You are a friendly support assistant.",
    });
    chatbot = await Chatbot.new({ name, description: "Answers support questions.", agent_id: agent.id });
    console.log(`Created chatbot ${chatbot.name}`);
  }

  try {
    await using session = await chatbot.createSession();
    await session.connect();
    console.log(`Session connected: ${session.sessionId}`);
    await session.send("Hello! How do refunds work?");
    let reply = "";
    for await (const event of session.listen()) {
      if (event.delta) reply += event.delta;
      if (event.isComplete) break;
    }
    console.log(`Assistant: ${reply}`);
  } finally {
    if (agent) {
      await chatbot.delete();
      await agent.delete();
    }
  }
  console.log("Done.");
}

if (import.meta.main) await runExample(main);
