/**
 * REST: health and Prometheus metrics (both public).
 *
 * @module
 */
import { PROTOCOL_VERSION } from "../../generated/protocol_schema.ts";
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import { ENGINE_VERSION } from "../version.ts";
import { jsonResponse } from "./errors.ts";
import type { Route } from "./router.ts";

/** The health and metrics routes. */
export function healthRoutes(ctx: EngineContext, startedAt: number): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/health",
      auth: false,
      handler: () => {
        const health: components["schemas"]["Health"] = {
          status: "ok",
          version: ENGINE_VERSION,
          protocol_version: PROTOCOL_VERSION,
          uptime_s: (performance.now() - startedAt) / 1000,
        };
        return jsonResponse(health);
      },
    },
    {
      method: "GET",
      path: "/metrics",
      auth: false,
      handler: async () => {
        Object.assign(ctx.metrics.sessions, await ctx.store.countSessions());
        return new Response(ctx.metrics.render(), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        });
      },
    },
  ];
}
