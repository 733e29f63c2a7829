/**
 * Example 10: agent CRUD: create, fetch by id and by name, list, update and delete.
 *
 * Port of `examples/agents/10_agent_crud.py`.
 */
import { Agent, AgentType, NotFoundError } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const name = `CRUD demo ${crypto.randomUUID().slice(0, 8)}`;
  const agent = await Agent.new({
    name,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    instructions: "Version one.",
  });
  console.log(`1. created ${agent.name} (${agent.id})`);

  const byId = await Agent.fetch({ id: agent.id });
  console.log(`2. fetched by id: ${byId.name}`);

  const byName = await Agent.fetch({ name });
  console.log(`3. fetched by name: ${byName.id === agent.id}`);

  const page = await Agent.list({ limit: 10 });
  console.log(`4. listed ${page.length} agents, found ours: ${page.some((a) => a.id === agent.id)}`);

  agent.updateInstructions("Version two.");
  await agent.save();
  const refetched = await Agent.fetch({ id: agent.id });
  console.log(`5. instructions now: ${refetched.instructions}`);

  agent.updateLlmInfo({ provider: "openai", model_id: "gpt-4o-mini" });
  await agent.save();
  console.log(`6. model now: ${(await Agent.fetch({ id: agent.id })).llmInfo.model_id}`);

  await agent.delete();
  console.log("7. deleted");

  try {
    await Agent.fetch({ id: agent.id });
    console.log("8. still found (unexpected)");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    console.log(`8. fetch after delete: NotFoundError (${error.statusCode})`);
  }
}

if (import.meta.main) await runExample(main);
