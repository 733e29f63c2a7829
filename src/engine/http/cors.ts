/**
 * CORS for the REST API, so browser apps on another origin can call it. Open to any origin by default:
 * REST authenticates with a bearer key and never with cookies, so another site's page gains nothing
 * a key does not already give. Preflights (`OPTIONS`) are answered here, before authentication,
 * because browsers never send credentials with them.
 *
 * @module
 */
import { errorResponse } from "./errors.ts";

/** CORS settings with defaults applied; undefined turns CORS off. */
export interface CorsSettings {
  /** Origins whose pages may call the API, or `"*"` for any. */
  origins: "*" | ReadonlySet<string>;
  /** How long browsers may cache a preflight answer. */
  maxAgeSeconds: number;
}

const METHODS = "GET, POST, PATCH, DELETE";
const DEFAULT_HEADERS = "authorization, content-type";
/** Response headers a browser app may read besides the simple ones. */
const EXPOSED = "Retry-After, Allow";

/** Wraps a REST handler with CORS. */
export class Cors {
  readonly #settings: CorsSettings | undefined;

  constructor(settings: CorsSettings | undefined) {
    this.#settings = settings;
  }

  /** Answers a preflight, or runs `next` and adds the CORS headers its response needs. */
  async handle(request: Request, next: (request: Request) => Promise<Response>): Promise<Response> {
    const settings = this.#settings;
    if (!settings) return await next(request);
    const origin = request.headers.get("origin");
    const allowed = origin !== null && (settings.origins === "*" || settings.origins.has(origin));
    if (request.method === "OPTIONS") {
      if (origin !== null && !allowed) {
        return errorResponse(
          403,
          `Origin ${origin} may not call this engine from a browser; add it to the engine's cors.allowedOrigins.`,
          { Vary: "Origin" },
        );
      }
      const headers = new Headers({ Allow: `${METHODS}, OPTIONS` });
      if (allowed) {
        this.#allow(headers, origin);
        headers.set("Access-Control-Allow-Methods", METHODS);
        headers.set(
          "Access-Control-Allow-Headers",
          request.headers.get("access-control-request-headers") ?? DEFAULT_HEADERS,
        );
        headers.set("Access-Control-Max-Age", String(settings.maxAgeSeconds));
      }
      return new Response(null, { status: 204, headers });
    }
    const response = await next(request);
    if (!allowed) return response;
    const headers = new Headers(response.headers);
    this.#allow(headers, origin);
    headers.set("Access-Control-Expose-Headers", EXPOSED);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  #allow(headers: Headers, origin: string): void {
    if (this.#settings?.origins === "*") {
      headers.set("Access-Control-Allow-Origin", "*");
    } else {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.append("Vary", "Origin");
    }
  }
}
