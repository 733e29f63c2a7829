/**
 * Example 16: `approval_config` on tools. Every way of adding a tool (in `Agent.new`, with `addTool`)
 * keeps its approval setting through save and fetch.
 *
 * Port of `examples/agents/16_tool_approval_config.py`.
 */
import { Agent, AgentType, ToolApprovalConfig, ToolInputType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Approval config ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    tools: [
      { name: "calculator", tool_type: "calculator", approval_config: ToolApprovalConfig.AUTO_RUN },
      { name: "clock", tool_type: "current_time", approval_config: ToolApprovalConfig.LET_AGENT_DECIDE },
    ],
  });
  try {
    agent.addTool({
      name: "docs_search",
      tool_type: "knowledge_search",
      description: "Searches internal documents.",
      inputs: { limit: { type: ToolInputType.STATIC, value: 3 } },
      approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
    });
    await agent.save();

    const stored = await Agent.fetch({ id: agent.id });
    for (const tool of stored.tools) {
      console.log(`[OK] ${tool.tool_type} approval_config = ${tool.approval_config}`);
    }
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
