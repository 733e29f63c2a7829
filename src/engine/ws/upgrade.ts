/**
 * Checks a WebSocket upgrade request before it reaches `Deno.upgradeWebSocket`, which throws on a
 * request without a usable `Sec-WebSocket-Key` or version: every such request gets a 4xx that says
 * what was wrong, never a 500.
 *
 * @module
 */
import { errorResponse } from "../http/errors.ts";

/** A `Sec-WebSocket-Key` is 16 random bytes in base64: 24 characters ending in `==`. */
const KEY = /^[A-Za-z0-9+/]{22}==$/;

/** The refusal for a request that is not a valid WebSocket upgrade, or undefined when it is one. */
export function upgradeProblem(request: Request): Response | undefined {
  const path = new URL(request.url).pathname;
  if (request.method !== "GET") {
    return errorResponse(405, `${path} accepts only GET (a WebSocket upgrade).`, { Allow: "GET" });
  }
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return errorResponse(426, `${path} is the WebSocket endpoint; open it with a WebSocket client.`);
  }
  const key = request.headers.get("sec-websocket-key") ?? "";
  if (!KEY.test(key.trim())) {
    return errorResponse(
      400,
      "Invalid WebSocket upgrade: Sec-WebSocket-Key must be 16 bytes in base64; use a WebSocket client.",
    );
  }
  if (request.headers.get("sec-websocket-version")?.trim() !== "13") {
    return errorResponse(400, "Invalid WebSocket upgrade: Sec-WebSocket-Version must be 13.", {
      "Sec-WebSocket-Version": "13",
    });
  }
  return undefined;
}
