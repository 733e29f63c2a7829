/**
 * REST: agents (create, get, find by name, list, update, delete; functional runs are in
 * `agent_run.ts`). Reads never return `llm_info.api_key`.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import { newId } from "../ids.ts";
import { ProviderError } from "../model.ts";
import type { Sessions } from "../session/sessions.ts";
import type { Agent } from "../store/store.ts";
import { agentRunRoutes } from "./agent_run.ts";
import { readBody } from "./body.ts";
import { ApiError, jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

type Tool = components["schemas"]["Tool"];
type LlmInfo = components["schemas"]["LlmInfo"];

/** The agent as reads show it: without the provider key. */
export function redactAgent(agent: Agent): Agent {
  const { api_key: _key, ...llm_info } = agent.llm_info;
  return { ...agent, llm_info };
}

/** Gives every tool an id and checks that names are unique on the agent (422 otherwise). */
function prepareTools(tools: Tool[]): Tool[] {
  const seen = new Set<string>();
  return tools.map((tool, i) => {
    if (seen.has(tool.name)) {
      throw new ApiError(
        422,
        `Invalid tools: tools.${i}.name "${tool.name}" is used twice; tool names must be unique on an agent.`,
      );
    }
    seen.add(tool.name);
    return { ...tool, id: tool.id ?? newId("tool") };
  });
}

/** Checks that the engine can serve the model (422 otherwise). */
function checkModel(ctx: EngineContext, llmInfo: LlmInfo): void {
  try {
    ctx.selectModel(llmInfo);
  } catch (error) {
    if (error instanceof ProviderError) throw new ApiError(422, `Invalid llm_info: ${error.message}`);
    throw error;
  }
}

function parsePage(url: URL): { limit: number; offset: number } {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = url.searchParams.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new ApiError(
        400,
        `Query parameter ${name}=${raw} is invalid; use an integer from ${min} to ${max}.`,
      );
    }
    return value;
  };
  return { limit: read("limit", 50, 1, 500), offset: read("offset", 0, 0, Number.MAX_SAFE_INTEGER) };
}

/** The agent routes. */
export function agentRoutes(ctx: EngineContext, registry: Sessions): Route[] {
  const store = ctx.store;
  const limit = ctx.options.maxFrameBytes;
  const load = async (org: string, id: string): Promise<Agent> => {
    const agent = await store.getAgent(org, id);
    if (!agent) {
      throw new ApiError(404, `Agent ${id} not found in your organisation; list agents with GET /v1/agents.`);
    }
    return agent;
  };
  const checkName = async (org: string, name: string, self?: string): Promise<void> => {
    const other = await store.findAgentByName(org, name);
    if (other && other.id !== self) {
      throw new ApiError(
        409,
        `An agent named "${name}" already exists (${other.id}); pick another name or update that agent.`,
      );
    }
  };
  return [
    {
      method: "POST",
      path: "/v1/agents",
      handler: async ({ request, caller }) => {
        const body = await readBody(request, "AgentCreate", limit);
        checkModel(ctx, body.llm_info);
        const tools = prepareTools(body.tools ?? []);
        await checkName(caller.org, body.name);
        const now = new Date().toISOString();
        const agent: Agent = {
          id: newId("agent"),
          name: body.name,
          type: body.type ?? "conversational",
          llm_info: body.llm_info,
          instructions: body.instructions ?? "",
          tools,
          memory_config: { enable_session_memory: true, ...body.memory_config },
          ...(body.inputs ? { inputs: body.inputs } : {}),
          ...(body.outputs ? { outputs: body.outputs } : {}),
          created_at: now,
          updated_at: now,
        };
        await store.putAgent(caller.org, agent);
        return jsonResponse(redactAgent(agent), 201);
      },
    },
    {
      method: "GET",
      path: "/v1/agents",
      handler: async ({ url, caller }) => {
        const page = parsePage(url);
        const name = url.searchParams.get("name");
        if (name !== null) {
          const agent = await store.findAgentByName(caller.org, name);
          const agents = agent ? [redactAgent(agent)] : [];
          return jsonResponse({ agents, total: agents.length });
        }
        const { agents, total } = await store.listAgents(caller.org, page);
        return jsonResponse({ agents: agents.map(redactAgent), total });
      },
    },
    {
      method: "GET",
      path: "/v1/agents/:agent_id",
      handler: async ({ params, caller }) =>
        jsonResponse(redactAgent(await load(caller.org, params.agent_id ?? ""))),
    },
    {
      method: "PATCH",
      path: "/v1/agents/:agent_id",
      handler: async ({ request, params, caller }) => {
        const agent = await load(caller.org, params.agent_id ?? "");
        const body = await readBody(request, "AgentUpdate", limit);
        if (body.name !== undefined) await checkName(caller.org, body.name, agent.id);
        if (body.llm_info !== undefined) {
          const next = { ...body.llm_info };
          // Reads never return the key, so a fetch-modify-save of the same provider keeps it; a new
          // server (base_url or endpoint) drops it, so a key never follows the agent to another host.
          const before = agent.llm_info;
          const sameServer = next.provider === before.provider && next.base_url === before.base_url &&
            next.endpoint === before.endpoint;
          if (next.api_key === undefined && before.api_key !== undefined && sameServer) {
            next.api_key = before.api_key;
          }
          checkModel(ctx, next);
          agent.llm_info = next;
        }
        if (body.tools !== undefined) agent.tools = prepareTools(body.tools);
        if (body.name !== undefined) agent.name = body.name;
        if (body.instructions !== undefined) agent.instructions = body.instructions;
        if (body.memory_config !== undefined) {
          agent.memory_config = { ...agent.memory_config, ...body.memory_config };
        }
        agent.updated_at = new Date().toISOString();
        await store.putAgent(caller.org, agent);
        return jsonResponse(redactAgent(agent));
      },
    },
    {
      method: "DELETE",
      path: "/v1/agents/:agent_id",
      handler: async ({ params, caller }) => {
        const agent = await load(caller.org, params.agent_id ?? "");
        await registry.terminateAgentSessions(caller.org, agent.id);
        await store.deleteAgent(caller.org, agent.id);
        return jsonResponse({ status: "success", id: agent.id });
      },
    },
    ...agentRunRoutes(ctx),
  ];
}
