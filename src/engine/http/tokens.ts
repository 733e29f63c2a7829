/**
 * REST: `POST /v1/tokens` mints a short-lived scoped token, for a server that hands a browser (or any
 * client it does not trust with the organisation's key) a credential of its own.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import type { Auth } from "../auth.ts";
import type { EngineContext } from "../context.ts";
import { DEFAULT_TTL_SECONDS } from "../tokens.ts";
import { readBody } from "./body.ts";
import { ApiError, jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The token route. */
export function tokenRoutes(ctx: EngineContext, auth: Auth): Route[] {
  return [{
    method: "POST",
    path: "/v1/tokens",
    handler: async ({ request, caller }) => {
      // The router already refuses tokens here (403); bounds on ttl_seconds come from the schema (422).
      const body = await readBody(request, "TokenCreate", ctx.options.maxFrameBytes);
      const scope = body.scope;
      if ("agent_id" in scope && !await ctx.store.getAgent(caller.org, scope.agent_id)) {
        throw new ApiError(
          404,
          `Agent ${scope.agent_id} not found in your organisation; list them with GET /v1/agents.`,
        );
      }
      if ("session_id" in scope) {
        const session = await ctx.store.getSession(caller.org, scope.session_id);
        if (!session) {
          throw new ApiError(404, `Session ${scope.session_id} not found in your organisation.`);
        }
        if (session.state !== "active") {
          throw new ApiError(
            410,
            `Session ${scope.session_id} is ${session.state} and cannot be resumed; a token for it would be useless.`,
            {},
            session.state === "expired" ? "session_expired" : "session_terminated",
          );
        }
      }
      const { token, claims } = await auth.mint(
        caller.org,
        scope,
        body.ttl_seconds ?? DEFAULT_TTL_SECONDS,
        body.rate_limit,
      );
      ctx.metrics.tokensMinted++;
      const minted: components["schemas"]["Token"] = {
        token,
        token_id: claims.id,
        scope: claims.scope,
        ...(claims.rateLimit ? { rate_limit: claims.rateLimit } : {}),
        issued_at: new Date(claims.issuedAtMs).toISOString(),
        expires_at: new Date(claims.expiresAtMs).toISOString(),
      };
      return jsonResponse(minted, 201);
    },
  }];
}
