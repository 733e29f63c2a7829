/**
 * REST fuzz cases generated from `schema/openapi.json`, read at run time so new routes are attacked
 * without touching the fuzzer: every operation, with path parameters set to real ids, other
 * organisations' ids, random, huge, non-ASCII and percent-garbage ids; bodies generated from the
 * component schemas and then mutated (wrong types, missing and extra fields, deep nesting in free-form
 * values, huge strings), or replaced by invalid JSON, wrong content types, huge bodies and bodies cut
 * off mid-way; missing or wrong credentials; wrong methods.
 *
 * @module
 */
import type { Fixtures } from "./fixtures.ts";
import { DEEP, mutate, serialize } from "./mutate.ts";
import { deepJson, type Rng } from "./random.ts";

const OPENAPI = new URL("../schema/openapi.json", import.meta.url);

type Schema = Record<string, unknown>;

/** One documented operation. */
export interface Operation {
  method: string;
  /** Path template such as `/v1/agents/{agent_id}`. */
  path: string;
  /** Component name of the request body, if any. */
  body: string | undefined;
  query: { name: string; schema: Schema }[];
  auth: boolean;
}

/** The OpenAPI document, reduced to what the generator uses. */
export interface RestSpec {
  operations: Operation[];
  schemas: Record<string, Schema>;
}

/** One request to send. */
export interface RestCase {
  input: string;
  method: string;
  /** Template of the documented operation, for grouping failures. */
  template: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer> | undefined;
  /** Send with raw TCP and disconnect after this many body bytes. */
  cutAfter: number | undefined;
}

/** Reads the operations and component schemas of `schema/openapi.json`. */
export async function loadRestSpec(): Promise<RestSpec> {
  const doc = JSON.parse(await Deno.readTextFile(OPENAPI)) as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, Schema> };
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ["get", "post", "patch", "put", "delete"]) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const ref = ((op.requestBody as Schema | undefined)?.content as
        | Record<string, { schema?: { $ref?: string } }>
        | undefined)
        ?.["application/json"]?.schema?.$ref;
      const params = [
        ...(item.parameters as Schema[] | undefined ?? []),
        ...(op.parameters as Schema[] | undefined ?? []),
      ];
      operations.push({
        method: method.toUpperCase(),
        path,
        body: ref?.split("/").pop(),
        query: params.filter((p) => p.in === "query").map((p) => ({
          name: String(p.name),
          schema: p.schema as Schema,
        })),
        auth: !(Array.isArray(op.security) && op.security.length === 0),
      });
    }
  }
  return { operations, schemas: doc.components.schemas };
}

/** A value valid for `schema` (mostly; patterns are only approximated). */
export function generate(rng: Rng, schema: Schema, spec: RestSpec, depth = 0): unknown {
  if (typeof schema.$ref === "string") {
    const target = spec.schemas[schema.$ref.split("/").pop() ?? ""];
    return target ? generate(rng, target, spec, depth + 1) : null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return rng.pick(schema.enum);
  const type = schema.type;
  if (type === "object" || schema.properties) {
    const out: Record<string, unknown> = {};
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, sub] of Object.entries(props)) {
      if (required.has(name) || (depth < 4 && rng.chance(0.5))) {
        out[name] = generate(rng, sub, spec, depth + 1);
      }
    }
    const extra = schema.additionalProperties;
    if (typeof extra === "object" && extra !== null && depth < 4) {
      for (let i = rng.int(0, 2); i > 0; i--) {
        out[rng.word(8)] = generate(rng, extra as Schema, spec, depth + 1);
      }
    } else if (extra === true && depth < 4) {
      for (let i = rng.int(0, 3); i > 0; i--) {
        out[rng.word(8)] = rng.chance(0.5) ? rng.hostileString() : rng.int(-5, 5);
      }
    }
    return out;
  }
  if (type === "array") {
    const max = Math.min(Number(schema.maxItems ?? 4), 4);
    return Array.from(
      { length: rng.int(Number(schema.minItems ?? 0), max) },
      () => generate(rng, schema.items as Schema ?? {}, spec, depth + 1),
    );
  }
  if (type === "string") {
    if (typeof schema.pattern === "string") return rng.word(Math.min(12, Number(schema.maxLength ?? 12)));
    const min = Number(schema.minLength ?? 0);
    const max = Math.min(Number(schema.maxLength ?? 40), 40);
    const s = rng.chance(0.7) ? rng.word(Math.max(1, max)) : rng.hostileString(4);
    return s.length >= min ? s.slice(0, Math.max(min, max)) : s + "x".repeat(min - s.length);
  }
  if (type === "integer") {
    return rng.int(Number(schema.minimum ?? 0), Math.min(Number(schema.maximum ?? 1000), 1000));
  }
  if (type === "number") return rng.next() * 100;
  if (type === "boolean") return rng.chance(0.5);
  return rng.chance(0.5) ? rng.hostileString() : rng.int(-10, 10);
}

function idFor(rng: Rng, param: string, fx: Fixtures): { id: string; encoded: boolean } {
  const real: Record<string, string[]> = {
    agent_id: [fx.rest.agentId, fx.rest.functionalAgentId, fx.b.functionalAgentId],
    chatbot_id: [fx.rest.chatbotId, fx.b.chatbotId],
    session_id: [fx.rest.sessionId, fx.b.sessionId],
  };
  switch (rng.weighted({ real: 5, random: 2, huge: 1, hostile: 2, percent: 2 })) {
    case "real":
      return { id: rng.pick(real[param] ?? [fx.rest.agentId]), encoded: false };
    case "random":
      return { id: `${param.slice(0, 3)}_${rng.word(24)}`, encoded: false };
    case "huge":
      return { id: rng.hugeString(rng.pick([300, 5000, 60_000])), encoded: false };
    case "hostile":
      return { id: rng.hostileString(5) || "\u{1F600}", encoded: false };
    case "percent":
      return {
        id: rng.pick(["%ZZ", "%", "%C0%80", "%00", "%2F..%2F", "%FF%FE", "%E2%82", "%%%", "a%2", "%u0041"]),
        encoded: true,
      };
  }
}

/** `encodeURIComponent`, except that lone surrogates become the bytes a broken encoder would send. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "")) + "%ED%A0%80";
  }
}

function fillPath(rng: Rng, template: string, fx: Fixtures): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const { id, encoded } = idFor(rng, name, fx);
    return encoded ? id : encode(id);
  });
}

function query(rng: Rng, op: Operation): string {
  if (op.query.length === 0 || rng.chance(0.5)) return "";
  const parts = op.query.filter(() => rng.chance(0.6)).map((q) => {
    const value = rng.pick([
      String(rng.int(-5, 600)),
      "1e309",
      "-0",
      "0x10",
      "99999999999999999999999",
      rng.hostileString(3),
      "",
      rng.hugeString(2000),
    ]);
    return `${q.name}=${rng.chance(0.8) ? encode(value) : value.replace(/[#\s]/g, "")}`;
  });
  return parts.length ? `?${parts.join("&")}` : "";
}

function authHeader(rng: Rng, op: Operation, fx: Fixtures): Record<string, string> {
  switch (rng.weighted({ good: 14, none: 2, wrong: 1, basic: 1, odd: 1, other: 1 })) {
    case "good":
      return { authorization: `Bearer ${fx.rest.key}` };
    case "none":
      return {};
    case "wrong":
      return { authorization: `Bearer vs-${rng.word(20)}` };
    case "basic":
      return { authorization: `Basic ${btoa("user:pass")}` };
    case "odd":
      return {
        authorization: rng.pick([
          "Bearer",
          "Bearer  ",
          `bearer ${fx.rest.key} extra`,
          "\u00e9\u00e9",
          "x".repeat(20_000),
        ]),
      };
    case "other":
      // The well-behaved tenant's key, on this tenant's ids: must be 404, never someone else's data.
      return op.auth ? { authorization: `Bearer ${fx.b.key}` } : {};
  }
}

function body(
  rng: Rng,
  op: Operation,
  spec: RestSpec,
  maxFrameBytes: number,
): { body: string | Uint8Array<ArrayBuffer> | undefined; what: string; contentType: string } {
  const schema = op.body ? spec.schemas[op.body] : undefined;
  const kind = rng.weighted({
    valid: schema ? 3 : 0.5,
    mutated: schema ? 8 : 1,
    deep: 1.5,
    invalidJson: 1.5,
    empty: 1,
    huge: 0.15,
    bytes: 0.5,
  });
  const contentType = rng.chance(0.85) ? "application/json" : rng.pick([
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "",
    "\u00e9/\u00e9",
  ]);
  const base = (schema ? generate(rng, schema, spec) : {}) as Record<string, unknown>;
  // Random provider names stop every agent body at 422; most bodies name the simulator to get further.
  if ((op.body === "AgentCreate" || op.body === "AgentUpdate") && rng.chance(0.8)) {
    base.llm_info = { provider: "simulator", model_id: "offline" };
  }
  switch (kind) {
    case "valid":
      return { body: JSON.stringify(base), what: `valid ${op.body ?? "body"}`, contentType };
    case "mutated": {
      const changes: string[] = [];
      let deep: { depth: number; arrays: boolean } | undefined;
      const value = typeof base === "object" && base !== null ? base : { value: base };
      for (let i = rng.int(1, 3); i > 0; i--) {
        const m = mutate(rng, value, rng.chance(0.2));
        changes.push(m.what);
        if (m.deep !== undefined) deep = { depth: m.deep, arrays: rng.chance(0.5) };
      }
      return {
        body: serialize(value, deep),
        what: `${op.body ?? "body"} [${changes.join("; ")}]`,
        contentType,
      };
    }
    case "deep": {
      const depth = rng.pick([3000, 5000, 10_000, 20_000]);
      const arrays = rng.chance(0.5);
      const value = typeof base === "object" && base !== null ? base : {};
      if (op.body === "AgentRunRequest") (value as Record<string, unknown>).inputs = { topic: DEEP };
      else if (op.body === "AgentCreate" || op.body === "AgentUpdate") {
        value.tools = [{
          name: "t",
          tool_type: "calculator",
          inputs: { x: { type: "static", value: DEEP } },
        }];
      } else (value as Record<string, unknown>)[rng.word(6)] = DEEP;
      return {
        body: serialize(value, { depth, arrays }),
        what: `${op.body ?? "body"} with a value nested ${depth} deep`,
        contentType,
      };
    }
    case "invalidJson": {
      const text = JSON.stringify(base);
      const bad = rng.pick([
        text.slice(0, -1),
        `${text},`,
        "{",
        "",
        "null",
        "[]",
        "\u0000",
        deepJson(100_000, true),
        "{'a':1}",
        "1e999",
      ]);
      return { body: bad, what: `invalid JSON (${bad.length} chars)`, contentType };
    }
    case "empty":
      return { body: undefined, what: "no body", contentType };
    case "huge": {
      const size = maxFrameBytes + rng.int(1, 1_000_000);
      return { body: `{"name":"${"x".repeat(size)}"}`, what: `huge body of ${size} bytes`, contentType };
    }
    case "bytes":
      return {
        body: crypto.getRandomValues(new Uint8Array(rng.int(1, 4096))),
        what: "random bytes",
        contentType,
      };
  }
}

const WRONG_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "FUZZ"];
const ODD_PATHS = [
  "/",
  "//",
  "/v1",
  "/v1/",
  "/v2/agents",
  "/v1/agents/",
  "/v1/agents/x/y/z",
  "/v1/sessions/ws/x",
  "/%",
  "/v1/%ZZ",
];

/**
 * A body that passes validation and carries a deeply nested value in a free-form field (a static tool
 * input's `value`, a functional run's input) to the code behind validation: storage, prompts, JSON
 * answers.
 */
function deepValid(rng: Rng, fx: Fixtures): RestCase {
  const depth = rng.pick([3000, 5000, 10_000, 20_000]);
  const arrays = rng.chance(0.5);
  const tools = [{ name: "t", tool_type: "calculator", inputs: { x: { type: "static", value: DEEP } } }];
  const llm = { provider: "simulator", model_id: "offline" };
  const [method, path, value]: [string, string, Record<string, unknown>] = rng.pick([
    ["POST", "/v1/agents", { name: `deep-${rng.word(16)}`, llm_info: llm, tools }],
    ["PATCH", `/v1/agents/${fx.rest.agentId}`, { tools }],
    ["POST", `/v1/agents/${fx.rest.functionalAgentId}/run`, { inputs: { topic: DEEP } }],
  ]);
  return {
    input: `${method} ${path} body: valid, with a value nested ${depth} deep (${
      arrays ? "arrays" : "objects"
    })`,
    method,
    template: `${method} ${path.replace(/agt_\w+|agent_\w+/, "{agent_id}")}`,
    path,
    headers: { authorization: `Bearer ${fx.rest.key}`, "content-type": "application/json" },
    body: serialize(value, { depth, arrays }),
    cutAfter: undefined,
  };
}

/** Generates one request. */
export function restCase(rng: Rng, spec: RestSpec, fx: Fixtures, maxFrameBytes: number): RestCase {
  if (rng.chance(0.05)) return deepValid(rng, fx);
  const op = rng.pick(spec.operations);
  const method = rng.chance(0.85) ? op.method : rng.pick(WRONG_METHODS);
  const path = rng.chance(0.03) ? rng.pick(ODD_PATHS) : fillPath(rng, op.path, fx) + query(rng, op);
  const sendsBody = method !== "GET" && method !== "HEAD";
  const b = sendsBody && (op.body || rng.chance(0.3)) ? body(rng, op, spec, maxFrameBytes) : undefined;
  const headers: Record<string, string> = { ...authHeader(rng, op, fx) };
  if (b && b.contentType) headers["content-type"] = b.contentType;
  const cut = b?.body !== undefined && rng.chance(0.04);
  const size = typeof b?.body === "string" ? b.body.length : b?.body?.byteLength ?? 0;
  return {
    input: `${method} ${path.slice(0, 100)}${b ? ` body: ${b.what}` : ""}${
      cut ? " (disconnect mid-body)" : ""
    }`,
    method,
    template: `${op.method} ${op.path}`,
    path,
    headers,
    body: b?.body,
    cutAfter: cut ? Math.max(0, Math.floor(size * rng.next())) : undefined,
  };
}
