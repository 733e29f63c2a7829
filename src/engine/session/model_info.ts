/**
 * What `session_connected.data.model` says about the model that answers a session, including the
 * notice when the offline simulator stands in for a provider without credentials.
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import type { EventData } from "../events.ts";
import { ProviderError } from "../model.ts";
import type { Agent } from "../store/store.ts";

/** The `model` of `session_connected`. */
export type ModelInfo = EventData<"session_connected">["model"];

/** Describes the provider that answers for `agent` (or why none can). */
export function describeModel(ctx: EngineContext, agent: Agent | undefined): ModelInfo {
  if (!agent) {
    return { provider: "none", model_id: "none", simulated: false, notice: "The agent was deleted." };
  }
  try {
    const { provider, notice } = ctx.selectModel(agent.llm_info);
    const info: ModelInfo = {
      provider: provider.provider,
      model_id: provider.modelId,
      simulated: provider.simulated,
    };
    if (notice !== undefined) info.notice = notice;
    return info;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    const { provider, model_id } = agent.llm_info;
    return { provider, model_id, simulated: false, notice: error.message };
  }
}
