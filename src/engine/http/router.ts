/**
 * The REST router: matches routes, authenticates (`Authorization: Bearer`, an API key or a scoped token),
 * applies the per-key rate limit, keeps tokens within their scope, and turns every thrown error into the
 * `{status: "failed", error}` body.
 *
 * @module
 */
import type { Auth, Caller } from "../auth.ts";
import { type Logger, loggerBehind } from "../log.ts";
import { MAX_ID_LENGTH } from "../ids.ts";
import type { Metrics } from "../metrics.ts";
import type { RateLimiter } from "../rate_limit.ts";
import { quote } from "../quote.ts";
import { StoreUnavailableError } from "../store/store_unavailable.ts";
import { ApiError, errorResponse } from "./errors.ts";

/** What a handler gets. */
export interface RouteRequest {
  /** The raw request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
  /** Path parameters by name. */
  params: Record<string, string>;
  /** The authenticated caller (routes with `auth: false` get an empty one). */
  caller: Caller;
}

/** One route. */
export interface Route {
  /** HTTP method. */
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path pattern such as `/v1/agents/:agent_id`. */
  path: string;
  /** False for public routes (health, metrics). */
  auth?: boolean;
  /** Produces the response; throws `ApiError` for failures. */
  handler(req: RouteRequest): Promise<Response> | Response;
}

interface Compiled extends Route {
  pattern: URLPattern;
}

/** Longest part of a request path an access line quotes. */
const MAX_LOGGED_PATH = 300;

/** What {@link Router} needs. */
export interface RouterDeps {
  /** Authenticates callers. */
  auth: Auth;
  /** The per-key rate limit. */
  limiter: RateLimiter;
  /** Counts responses and errors. */
  metrics: Metrics;
  /** Plain log lines (internal errors). */
  log: (line: string) => void;
  /**
   * Receives one access entry per request; defaults to the logger behind `log` when `log` was made by
   * `lineSink`, else none (and then no access work is done at all).
   */
  logger?: Logger | undefined;
}

/** Routes requests to handlers. */
export class Router {
  readonly #routes: Compiled[];
  readonly #auth: Auth;
  readonly #limiter: RateLimiter;
  readonly #metrics: Metrics;
  readonly #log: (line: string) => void;
  readonly #logger: Logger | undefined;

  constructor(routes: Route[], deps: RouterDeps) {
    this.#routes = routes.map((r) => ({ ...r, pattern: new URLPattern({ pathname: r.path }) }));
    this.#auth = deps.auth;
    this.#limiter = deps.limiter;
    this.#metrics = deps.metrics;
    this.#log = deps.log;
    this.#logger = deps.logger ?? loggerBehind(deps.log);
  }

  /**
   * Answers one request; never throws. With a logger, writes one access entry once the response is
   * ready: `ms` is the time to the response headers (a streamed body may run longer), and `req_bytes`
   * and `bytes` are the request's and response's `Content-Length` where they carry one (reading a body
   * to measure it would change how it is sent).
   */
  async handle(request: Request): Promise<Response> {
    const logger = this.#logger;
    if (!logger?.enabled("info")) return await this.#answer(request, undefined);
    const start = performance.now();
    const seen: { org?: string } = {};
    const response = await this.#answer(request, seen);
    const received = request.headers.get("content-length");
    const sent = response.headers.get("content-length");
    logger.access({
      type: "http",
      method: request.method,
      path: cutPath(request.url),
      status: response.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
      org: seen.org || "-",
      req_bytes: received === null ? undefined : Number(received),
      bytes: sent === null ? undefined : Number(sent),
    });
    return response;
  }

  /** Answers one request, noting the caller's organisation in `seen` once authenticated. */
  async #answer(request: Request, seen: { org?: string } | undefined): Promise<Response> {
    let response: Response;
    try {
      response = await this.#dispatch(request, seen);
    } catch (error) {
      if (error instanceof ApiError) {
        response = errorResponse(error.status, error.message, error.headers, error.code);
      } else if (error instanceof StoreUnavailableError) {
        this.#log(`http: ${request.method} ${new URL(request.url).pathname}: ${error.message}`);
        response = errorResponse(
          503,
          "The engine cannot reach its shared store (Redis) now; nothing was applied. Retry after a pause.",
          { "Retry-After": "1" },
          "store_unavailable",
        );
      } else {
        this.#log(
          `http: internal error on ${request.method} ${new URL(request.url).pathname}: ${
            error instanceof Error ? error.stack : error
          }`,
        );
        response = errorResponse(
          500,
          "Internal error in the engine; the engine log has details. Retry the request.",
        );
      }
      this.#metrics.error(`http_${response.status}`);
    }
    this.#metrics.httpResponse(response.status);
    return response;
  }

  async #dispatch(request: Request, seen: { org?: string } | undefined): Promise<Response> {
    const url = new URL(request.url);
    const matching = this.#routes
      .map((route) => ({ route, match: route.pattern.exec({ pathname: url.pathname }) }))
      .filter((m) => m.match !== null);
    if (matching.length === 0) {
      const known = [...new Set(this.#routes.map((r) => `${r.method} ${r.path}`))].join(", ");
      throw new ApiError(
        404,
        `No route for ${request.method} ${quote(url.pathname)}. Known routes: ${known}.`,
      );
    }
    const found = matching.find((m) => m.route.method === request.method);
    if (!found) {
      const allow = matching.map((m) => m.route.method).join(", ");
      throw new ApiError(
        405,
        `${quote(request.method)} is not allowed on ${quote(url.pathname)}; use ${allow}.`,
        {
          Allow: allow,
        },
      );
    }
    let caller: Caller = { key: "", org: "" };
    if (found.route.auth !== false) {
      caller = await this.#auth.authenticate(request);
      if (seen) seen.org = caller.org;
      if (!this.#limiter.take(caller.key)) {
        const retry = this.#limiter.retryAfterSeconds(caller.key);
        throw new ApiError(429, `Too many requests for this API key; retry after ${retry} s.`, {
          "Retry-After": String(retry),
        });
      }
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.match?.pathname.groups ?? {})) {
      if (value === undefined) continue;
      const decoded = decodePathPart(value, url.pathname);
      if (decoded.length > MAX_ID_LENGTH) {
        throw new ApiError(
          400,
          `Path parameter ${name} is ${decoded.length} characters; ids are at most ${MAX_ID_LENGTH}. Check the id you passed.`,
        );
      }
      params[name] = decoded;
    }
    // A token reaches only its scope; checked after the rate limit, since it may read the store.
    await this.#auth.authorizeRoute(caller, found.route.method, found.route.path, params);
    return await found.route.handler({ request, url, params, caller });
  }
}

/**
 * The path of a request URL (without the query, which may carry values nobody wants in a log), cut to
 * {@link MAX_LOGGED_PATH}; the logger escapes it.
 */
function cutPath(url: string): string {
  // The URL is absolute (`http://host/...`); the path starts at the first "/" after the authority.
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  const path = start < 0 ? "/" : url.slice(start, query < 0 ? undefined : query);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH - 3)}...` : path;
}

/** Decodes one path parameter; bad percent-encoding (`%ZZ`) is the client's mistake, so a 400. */
function decodePathPart(value: string, pathname: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ApiError(
      400,
      `The path ${quote(pathname)} has invalid percent-encoding; encode ids with encodeURIComponent().`,
    );
  }
}
