/**
 * What `schema/openapi.json` documents for one route and status: read from the document itself, so
 * the kit never keeps a second list of routes or bodies.
 *
 * @module
 */
import openapi from "../../schema/openapi.json" with { type: "json" };

/** What a documented answer carries: a JSON body of a component, plain text, or no body. */
export type DocumentedBody =
  | { kind: "json"; component: string }
  | { kind: "text" }
  | { kind: "none" };

type Json = Record<string, unknown>;

const paths = openapi.paths as unknown as Record<string, Record<string, Json>>;
const responses = (openapi.components as unknown as { responses: Record<string, Json> }).responses;

/** Every documented operation as `METHOD /path/{param}`. */
export function documentedOperations(): string[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => m !== "parameters").map((m) => `${m.toUpperCase()} ${path}`)
  );
}

/** The statuses documented for an operation; throws if the kit names a route the document lacks. */
export function documentedStatuses(method: string, path: string): number[] {
  return Object.keys(operation(method, path).responses as Json).map(Number);
}

/** What the document says the body of `status` is for the operation, or undefined if undocumented. */
export function documentedBody(method: string, path: string, status: number): DocumentedBody | undefined {
  let answer = (operation(method, path).responses as Record<string, Json>)[String(status)];
  if (answer === undefined) return undefined;
  if (typeof answer.$ref === "string") answer = responses[answer.$ref.split("/").at(-1) ?? ""] ?? {};
  const content = answer.content as Record<string, { schema?: Json }> | undefined;
  if (content === undefined) return { kind: "none" };
  const json = content["application/json"]?.schema;
  if (json === undefined) return { kind: "text" };
  const ref = json.$ref;
  if (typeof ref !== "string") {
    throw new Error(`${method} ${path} ${status}: inline body schemas are not supported`);
  }
  return { kind: "json", component: ref.split("/").at(-1) ?? "" };
}

function operation(method: string, path: string): Json {
  const found = paths[path]?.[method.toLowerCase()];
  if (found === undefined) throw new Error(`schema/openapi.json has no operation ${method} ${path}`);
  return found;
}
