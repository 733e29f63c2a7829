/**
 * REST: sessions (create without a socket, get state, list messages, terminate). A terminated
 * session answers 410.
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import type { Sessions, SessionTarget } from "../session/sessions.ts";
import { readBody } from "./body.ts";
import { ApiError, jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The session routes. */
export function sessionRoutes(ctx: EngineContext, registry: Sessions): Route[] {
  return [
    {
      method: "POST",
      path: "/v1/sessions",
      handler: async ({ request, caller }) => {
        const body = await readBody(request, "SessionCreate", ctx.options.maxFrameBytes);
        let target: SessionTarget;
        if (body.agent_id !== undefined && body.chatbot_id === undefined) {
          target = { agent_id: body.agent_id };
        } else if (body.chatbot_id !== undefined && body.agent_id === undefined) {
          target = { chatbot_id: body.chatbot_id };
        } else throw new ApiError(422, "Invalid SessionCreate: give exactly one of agent_id and chatbot_id.");
        const runtime = await registry.create(caller.org, target);
        return jsonResponse(await runtime.info(), 201);
      },
    },
    {
      method: "GET",
      path: "/v1/sessions/:session_id",
      handler: async ({ params, caller }) =>
        jsonResponse(await (await registry.open(caller.org, params.session_id ?? "")).info()),
    },
    {
      method: "GET",
      path: "/v1/sessions/:session_id/messages",
      handler: async ({ params, caller }) => {
        const runtime = await registry.open(caller.org, params.session_id ?? "");
        return jsonResponse({ messages: await ctx.store.listMessages(runtime.sessionId) });
      },
    },
    {
      method: "POST",
      path: "/v1/sessions/:session_id/terminate",
      handler: async ({ params, caller }) => {
        const runtime = await registry.terminate(caller.org, params.session_id ?? "", "terminated over REST");
        return jsonResponse(await runtime.info());
      },
    },
  ];
}
