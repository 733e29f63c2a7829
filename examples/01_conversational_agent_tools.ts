/**
 * Example 01: a conversational agent with tools: add one, save, remove one, save, delete.
 *
 * Port of `examples/agents/01_conversational_agent_tools.py` (the offline engine's built-in tool types
 * stand in for Exa and Google search).
 */
import { Agent, AgentType, ToolApprovalConfig } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Tools demo ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Use your tools when they help.",
    tools: [{ name: "archive_search", tool_type: "knowledge_search", description: "Searches the archive." }],
  });
  console.log(`Created agent ${agent.name}`);

  agent.addTool({
    name: "calculator",
    tool_type: "calculator",
    description: "Evaluates arithmetic.",
    approval_config: ToolApprovalConfig.LET_AGENT_DECIDE,
  });
  await agent.save();
  console.log(`Tools after add: ${agent.tools.map((t) => t.name).join(", ")}`);

  agent.removeTool("archive_search");
  await agent.save();
  const stored = await Agent.fetch({ id: agent.id });
  console.log(`Tools after remove: ${stored.tools.map((t) => t.name).join(", ")}`);

  await agent.delete();
  console.log("Deleted agent.");
}

if (import.meta.main) await runExample(main);
