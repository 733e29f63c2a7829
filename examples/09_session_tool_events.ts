/**
 * Example 09: stream every event of a turn that thinks, searches a knowledge base and answers.
 *
 * Port of `examples/agents/09_session_tool_events.py`.
 */
import { Agent, AgentType, SessionEventType, ToolApprovalConfig } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Tool events ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Search the knowledge base before answering questions about missions.",
    tools: [{
      name: "mission_search",
      tool_type: "knowledge_search",
      description: "Searches the mission archive.",
      approval_config: ToolApprovalConfig.AUTO_RUN,
    }],
    memory_config: { enable_session_memory: true },
  });
  try {
    await using session = await agent.createSession();
    await session.send("Search the archive: when did Apollo 11 land on the Moon?");
    let answer = "";
    for await (const event of session.listen()) {
      switch (event.type) {
        case SessionEventType.THINKING:
          console.log(`[Thinking] ${event.data.summary}`);
          break;
        case SessionEventType.TOOL_CALL:
          console.log(`[Tool Call] ${event.toolName} ${JSON.stringify(event.data.arguments)}`);
          break;
        case SessionEventType.SEARCH_RESULT:
          console.log(`[Search] ${event.data.results.length} results received`);
          break;
        case SessionEventType.TOOL_RESULT:
          console.log(`[Tool Result] ${event.toolName}: ${event.data.status}`);
          break;
        case SessionEventType.PARTICIPANT_STATUS:
          console.log(`[Status] ${event.data.status}`);
          break;
        case SessionEventType.MESSAGE_DELTA:
          answer += event.delta;
          break;
        case SessionEventType.ERROR:
          console.log(`[Error] ${event.error}`);
          break;
        default:
          break; // session_connected, message_posted, pong, ...: not needed here
      }
      if (event.isComplete) {
        console.log(`\nAnswer: ${answer}`);
        break;
      }
    }
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
