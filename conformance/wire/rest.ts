/**
 * REST calls for the kit: plain `fetch`, and every answer checked against what `schema/openapi.json`
 * documents for that route and status (the status must be listed; the body must match its schema).
 *
 * @module
 */
import { restSchema } from "../../src/generated/rest_schema.ts";
import { SchemaValidators } from "../../src/protocol/schema_validators.ts";
import { ConformanceFailure } from "../check.ts";
import { documentedBody, documentedStatuses } from "./openapi.ts";

/** A REST answer whose status and body the document allows. */
export interface RestAnswer<T = Record<string, unknown>> {
  /** HTTP status. */
  status: number;
  /** The parsed JSON body (or the text, for text answers). */
  body: T;
  /** Response headers. */
  headers: Headers;
}

/** One REST call: the documented route template, its parameters, and what to send. */
export interface RestCall {
  /** HTTP method. */
  method: string;
  /** The route as `schema/openapi.json` names it, such as `/v1/agents/{agent_id}`. */
  route: string;
  /** Values for the route's `{parameters}`. */
  params?: Record<string, string>;
  /** Query parameters. */
  query?: Record<string, string>;
  /** A JSON body (objects are encoded; strings are sent as they are, for malformed JSON). */
  body?: unknown;
  /** The API key; `null` sends no `Authorization` header. */
  key: string | null;
}

const validators = new SchemaValidators(restSchema as { $defs: Record<string, unknown> });

/** Calls the API and checks the answer against the document; fails on anything undocumented. */
export async function restCall<T = Record<string, unknown>>(
  baseUrl: string,
  call: RestCall,
  waitMs: number,
  signal?: AbortSignal,
): Promise<RestAnswer<T>> {
  const path = call.route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${call.route}`);
    return encodeURIComponent(value);
  });
  const search = call.query === undefined ? "" : `?${new URLSearchParams(call.query)}`;
  const headers: Record<string, string> = {};
  if (call.key !== null) headers.authorization = `Bearer ${call.key}`;
  if (call.body !== undefined) headers["content-type"] = "application/json";
  const what = `${call.method} ${path}${search}`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}${search}`, {
      method: call.method,
      headers,
      signal: signal === undefined
        ? AbortSignal.timeout(waitMs)
        : AbortSignal.any([signal, AbortSignal.timeout(waitMs)]),
      ...(call.body === undefined
        ? {}
        : { body: typeof call.body === "string" ? call.body : JSON.stringify(call.body) }),
    });
  } catch (error) {
    throw new ConformanceFailure(`${what} got no answer within ${waitMs} ms: ${(error as Error).message}`);
  }
  const text = await response.text();
  const status = response.status;
  const documented = documentedBody(call.method, call.route, status);
  if (documented === undefined) {
    throw new ConformanceFailure(
      `${what} answered ${status}, which schema/openapi.json does not document for ${call.route} ` +
        `(documented: ${documentedStatuses(call.method, call.route).join(", ")}); body: ${
          text.slice(0, 200)
        }`,
    );
  }
  if (documented.kind !== "json") return { status, body: text as T, headers: response.headers };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConformanceFailure(
      `${what} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  const checked = validators.check<T>(documented.component, body);
  if (!checked.ok) {
    throw new ConformanceFailure(
      `${what} answered ${status} with a body that is not a valid ${documented.component}: ${checked.error}`,
    );
  }
  return { status, body: checked.value, headers: response.headers };
}
