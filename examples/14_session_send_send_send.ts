/**
 * Example 14: three `send()` calls back to back before a single `listen()`. The engine coalesces posts
 * that arrive before a turn starts, so exactly one MESSAGE_COMPLETE answers all three.
 *
 * Port of `examples/agents/14_session_send_send_send.py`.
 */
import { Agent, AgentType, SessionEventType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Send send send ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Answer every question you are given.",
  });
  try {
    await using session = await agent.createSession();
    await session.send("What is the capital of France?");
    await session.send("And of Portugal?");
    await session.send("And of Japan?");

    let completes = 0;
    for await (const event of session.listen({ eventTypes: [SessionEventType.MESSAGE_COMPLETE] })) {
      completes++;
      console.log(event.text);
      console.log("[batched turn complete]");
      break;
    }
    // The history proves it: three user posts, one assistant reply.
    const history = await session.getMessages();
    const users = history.filter((m) => m.sender.role === "user").length;
    const assistants = history.filter((m) => m.sender.role === "assistant").length;
    console.log(
      `MESSAGE_COMPLETE events: ${completes}; history: ${users} user posts, ${assistants} assistant reply`,
    );
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
