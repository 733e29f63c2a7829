/**
 * Example 02: a functional agent with typed inputs and outputs.
 *
 * Port of `examples/agents/02_functional_agent_with_io.py`. Example 05 runs such an agent.
 */
import { Agent, AgentType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Functional IO ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.FUNCTIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Write a one-paragraph research brief about {{inputs.topic}}.",
    inputs: { topic: { io_type: "string", description: "What to research." } },
    outputs: { brief: { io_type: "string", description: "The research brief." } },
    tools: [{ name: "calculator", tool_type: "calculator" }],
  });
  try {
    const stored = await Agent.fetch({ id: agent.id });
    console.log(`Input keys: ${Object.keys(stored.inputs ?? {}).join(", ")}`);
    console.log(`Output keys: ${Object.keys(stored.outputs ?? {}).join(", ")}`);
    console.log(`Tools: ${stored.tools.map((t) => t.name).join(", ")}`);
    console.log(`Agent type: ${stored.type}`);
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
