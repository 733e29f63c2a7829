/**
 * Example 12: `sendMany()` with mixed content: text, raw bytes with a MIME type, and text again. All
 * three items are answered in one turn, and the answer uses the file's contents.
 *
 * Port of `examples/agents/12_send_many_multimodal.py`.
 */
import { Agent, AgentType, UserSessionMessage } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Multimodal ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Read attached files carefully and quote figures exactly.",
  });
  try {
    const notes = new TextEncoder().encode(
      "Meeting notes: the launch moves to 14 March. Budget approved: $120,000. Owner: Priya.",
    );
    await using session = await agent.createSession();
    await session.sendMany([
      "Here are my meeting notes.",
      new UserSessionMessage({ content: notes, mimeType: "text/plain", filename: "notes.txt" }),
      "What budget was approved, and when is the launch?",
    ]);
    for await (const event of session.listen()) {
      if (event.type === "thinking") console.log(`[Thinking] ${event.data.summary}`);
      if (event.isComplete) {
        console.log(`Assistant (one turn for all three items):\n${event.text}`);
        break;
      }
    }
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
