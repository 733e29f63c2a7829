/**
 * Example 13: send a file as a turn, then ask a follow-up question about it.
 *
 * Port of `examples/agents/13_send_file.py`.
 */
import { Agent, AgentType, type Session } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

async function reply(session: Session): Promise<string> {
  for await (const event of session.listen()) {
    if (event.isComplete) return event.text ?? "";
  }
  throw new Error("The session ended before the turn completed.");
}

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Send file ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "You analyse business reports.",
    memory_config: { enable_session_memory: true },
  });
  try {
    const path = new URL("./data/q3_report.txt", import.meta.url);
    const file = new File([await Deno.readFile(path)], "q3_report.txt", { type: "text/plain" });

    await using session = await agent.createSession();
    await session.send(file);
    console.log(`Sent ${file.name} (${file.size} bytes).`);
    console.log(`Assistant: ${await reply(session)}\n`);

    await session.send("What were the revenue and churn figures in that report?");
    console.log(`Assistant: ${await reply(session)}`);
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
