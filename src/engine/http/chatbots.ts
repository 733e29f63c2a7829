/**
 * REST: chatbots (create bound to a conversational agent, get, find by name, list, delete).
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import { newId } from "../ids.ts";
import type { Chatbot } from "../store/store.ts";
import { readBody } from "./body.ts";
import { ApiError, jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The chatbot routes. */
export function chatbotRoutes(ctx: EngineContext): Route[] {
  const store = ctx.store;
  const load = async (org: string, id: string): Promise<Chatbot> => {
    const chatbot = await store.getChatbot(org, id);
    if (!chatbot) {
      throw new ApiError(
        404,
        `Chatbot ${id} not found in your organisation; list chatbots with GET /v1/chatbots.`,
      );
    }
    return chatbot;
  };
  return [
    {
      method: "POST",
      path: "/v1/chatbots",
      handler: async ({ request, caller }) => {
        const body = await readBody(request, "ChatbotCreate", ctx.options.maxFrameBytes);
        const agent = await store.getAgent(caller.org, body.agent_id);
        if (!agent) {
          throw new ApiError(
            404,
            `Agent ${body.agent_id} not found in your organisation; create the agent first.`,
          );
        }
        if (agent.type !== "conversational") {
          throw new ApiError(
            422,
            `Invalid ChatbotCreate: agent_id ${agent.id} is a ${agent.type} agent; chatbots need a conversational agent.`,
          );
        }
        const taken = (await store.listChatbots(caller.org)).find((c) => c.name === body.name);
        if (taken) {
          throw new ApiError(
            409,
            `A chatbot named "${body.name}" already exists (${taken.id}); pick another name.`,
          );
        }
        const chatbot: Chatbot = {
          id: newId("chatbot"),
          name: body.name,
          description: body.description ?? "",
          agent_id: agent.id,
          created_at: new Date().toISOString(),
        };
        await store.putChatbot(caller.org, chatbot);
        return jsonResponse(chatbot, 201);
      },
    },
    {
      method: "GET",
      path: "/v1/chatbots",
      handler: async ({ url, caller }) => {
        const name = url.searchParams.get("name");
        const all = await store.listChatbots(caller.org);
        return jsonResponse({ chatbots: name === null ? all : all.filter((c) => c.name === name) });
      },
    },
    {
      method: "GET",
      path: "/v1/chatbots/:chatbot_id",
      handler: async ({ params, caller }) => jsonResponse(await load(caller.org, params.chatbot_id ?? "")),
    },
    {
      method: "DELETE",
      path: "/v1/chatbots/:chatbot_id",
      handler: async ({ params, caller }) => {
        const chatbot = await load(caller.org, params.chatbot_id ?? "");
        await store.deleteChatbot(caller.org, chatbot.id);
        return jsonResponse({ status: "success", id: chatbot.id });
      },
    },
  ];
}
