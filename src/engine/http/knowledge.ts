/**
 * REST: knowledge documents that the `knowledge_search` tool searches, per organisation.
 *
 * @module
 */
import type { EngineContext } from "../context.ts";
import { readBody } from "./body.ts";
import { ApiError, jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The knowledge routes. */
export function knowledgeRoutes(ctx: EngineContext): Route[] {
  return [{
    method: "POST",
    path: "/v1/knowledge/documents",
    handler: async ({ request, caller }) => {
      const body = await readBody(request, "KnowledgeDocumentCreate", ctx.options.maxFrameBytes);
      const base = ctx.knowledge(caller.org);
      const limit = ctx.options.maxKnowledgeChars;
      if (base.chars + body.text.length > limit) {
        throw new ApiError(
          413,
          `The organisation's knowledge base would exceed ${limit} characters of text (it holds ${base.chars}); ` +
            "add a shorter document, or run the engine with a larger maxKnowledgeChars.",
        );
      }
      const stored = base.add(body);
      await ctx.store.addDocument(caller.org, { id: stored.id, title: body.title, text: body.text });
      return jsonResponse(stored, 201);
    },
  }];
}
