/**
 * REST: knowledge documents that the `knowledge_search` tool searches, per organisation.
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import { readBody } from "./body.ts";
import { jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The knowledge routes. */
export function knowledgeRoutes(ctx: EngineContext): Route[] {
  return [{
    method: "POST",
    path: "/v1/knowledge/documents",
    handler: async ({ request, caller }) => {
      const body = await readBody(request, "KnowledgeDocumentCreate", ctx.options.maxFrameBytes);
      const stored = ctx.knowledge(caller.org).add(body);
      await ctx.store.addDocument(caller.org, { id: stored.id, title: body.title, text: body.text });
      return jsonResponse(stored, 201);
    },
  }];
}
