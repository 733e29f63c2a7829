/**
 * Example 21: answer an APPROVAL_REQUEST. The agent's search tool requires approval, so the turn
 * pauses until `session.respond(event, { approved: true })`; then the stream resumes.
 *
 * Port of `examples/agents/21_session_approval_respond.py`.
 */
import { Agent, AgentType, SessionEventType, ToolApprovalConfig } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Approval respond ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Search the knowledge base before answering.",
    tools: [{
      name: "policy_search",
      tool_type: "knowledge_search",
      description: "Searches company policies.",
      approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
    }],
  });
  try {
    await using session = await agent.createSession();
    await session.send("Search the policies: how long do refunds take?");
    for await (const event of session.listen()) {
      switch (event.type) {
        case SessionEventType.APPROVAL_REQUEST:
          console.log(`[approval] tool=${event.toolName} args=${JSON.stringify(event.data.arguments)}`);
          await session.respond(event, { approved: true });
          // Or override the proposed arguments:
          // await session.respondApproval(event, { approved: true, confirm: { limit: 1 } });
          break;
        case SessionEventType.TOOL_CALL:
          console.log(`[tool call] ${event.toolName}`);
          break;
        case SessionEventType.TOOL_RESULT:
          console.log(`[tool result] ${event.data.status}`);
          break;
        case SessionEventType.MESSAGE_DELTA:
          await Deno.stdout.write(new TextEncoder().encode(event.delta ?? ""));
          break;
        default:
          break;
      }
      if (event.isComplete) {
        console.log("\n(turn complete)");
        break;
      }
    }
  } finally {
    await agent.delete();
    console.log("Deleted agent.");
  }
}

if (import.meta.main) await runExample(main);
