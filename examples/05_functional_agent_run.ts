/**
 * Example 05: run a functional agent.
 *
 * A functional agent declares typed inputs and outputs; its instructions name the inputs as
 * `{{inputs.<name>}}`. `agent.run({ topic })` runs it once (no session) and returns an
 * `AgentRunResult` whose `outputs` are keyed by the declared output names.
 *
 * Port of `examples/agents/05_functional_agent_run.py`.
 */
import { Agent, AgentType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Research brief ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.FUNCTIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Write a one-paragraph research brief about {{inputs.topic}}.",
    inputs: { topic: { io_type: "string", description: "What to research." } },
    outputs: { brief: { io_type: "string", description: "The research brief." } },
  });
  try {
    const result = await agent.run({ topic: "offshore wind power" });
    console.log(`status: ${result.status}`);
    if (result.status !== "success") {
      console.log(`error: ${result.error}`);
      return;
    }
    console.log(`brief: ${result.outputs.brief}`);
    console.log(`run id: ${result.runId}`);
  } finally {
    await agent.delete();
  }
}

if (import.meta.main) await runExample(main);
