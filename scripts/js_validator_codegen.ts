/**
 * Emits the protocol validators from the flattened protocol schema: the schema itself as a compact table
 * (only the keywords that validate) read by a small checker that walks a decoded frame and pushes an
 * issue (dotted path, short English message, zod-style code) for every problem; plus, for the events
 * streamed once per token, exact yes/no predicates as plain generated code, tried first. A table keeps
 * the client bundle small (generated per-field code for every frame was over half of it); the hot
 * predicates keep the SDK's per-frame cost low (it validates every inbound frame).
 *
 * Supports the JSON Schema subset the protocol uses: `$ref` to `#/$defs`, `oneOf`/`anyOf`, `const`,
 * `enum`, `type` string/integer/number/boolean/array/object with their length, range, pattern,
 * `date-time` and base64 keywords, and `additionalProperties`. Anything else fails the generator.
 *
 * @module
 */
import type { JsonSchema } from "./flatten_schema.ts";

const IGNORED = new Set(["description", "title", "$comment", "examples", "default"]);
const KNOWN = new Set([
  "$ref",
  "oneOf",
  "anyOf",
  "const",
  "enum",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "contentEncoding",
  "minimum",
  "maximum",
  "items",
  "minItems",
  "maxItems",
]);

function fail(path: string, message: string): never {
  throw new Error(`validator codegen: ${path}: ${message}`);
}

/** Collects the emitted functions and regular expressions of one module. */
class Emitter {
  readonly patterns = new Map<string, string>();
  #counter = 0;

  pattern(source: string): string {
    let name = this.patterns.get(source);
    if (!name) {
      name = `PATTERN_${this.patterns.size}`;
      this.patterns.set(source, name);
    }
    return name;
  }

  /**
   * A boolean expression that is true exactly when {@link check} would report no issue for `v`: the
   * same walk, stopped at the first problem and without building paths or messages. Objects get their
   * own predicate function (`is_<hint>`), named in {@link predicates}.
   */
  test(node: JsonSchema, v: string, path: string): string {
    if (typeof node.$ref === "string") return `${this.isFn(node.$ref.slice("#/$defs/".length))}(${v})`;
    const union = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
    if (union) return `(${union.map((branch) => this.test(branch, v, path)).join(" || ")})`;
    if ("const" in node) return `${v} === ${JSON.stringify(node.const)}`;
    if (Array.isArray(node.enum)) {
      return `(${(node.enum as unknown[]).map((value) => `${v} === ${JSON.stringify(value)}`).join(" || ")})`;
    }
    const all: string[] = [];
    switch (node.type) {
      case "string":
        all.push(`typeof ${v} === "string"`);
        if (node.format === "date-time") all.push(`isDateTime(${v})`);
        if (node.contentEncoding === "base64") all.push(`isBase64(${v})`);
        if (typeof node.minLength === "number") all.push(`${v}.length >= ${node.minLength}`);
        if (typeof node.maxLength === "number") all.push(`${v}.length <= ${node.maxLength}`);
        if (typeof node.pattern === "string") all.push(`${this.pattern(node.pattern)}.test(${v})`);
        break;
      case "integer":
      case "number":
        all.push(
          node.type === "integer"
            ? `Number.isInteger(${v})`
            : `typeof ${v} === "number" && Number.isFinite(${v})`,
        );
        if (typeof node.minimum === "number") all.push(`${v} >= ${node.minimum}`);
        if (typeof node.maximum === "number") all.push(`${v} <= ${node.maximum}`);
        break;
      case "boolean":
        all.push(`typeof ${v} === "boolean"`);
        break;
      case "array":
        all.push(`Array.isArray(${v})`);
        if (typeof node.minItems === "number") all.push(`${v}.length >= ${node.minItems}`);
        if (typeof node.maxItems === "number") all.push(`${v}.length <= ${node.maxItems}`);
        if (node.items !== undefined) {
          all.push(`${v}.every((i: unknown) => ${this.test(node.items as JsonSchema, "i", `${path}_item`)})`);
        }
        break;
      case "object":
        return `${this.isObjectFn(node, path)}(${v})`;
      default:
        return "true";
    }
    return all.length === 1 ? all[0]! : `(${all.join(" && ")})`;
  }

  /** Names of the `$defs` entries with a predicate, and the predicate functions emitted so far. */
  readonly predicates = new Map<string, string>();
  readonly predicateFunctions: string[] = [];
  #defs: Record<string, JsonSchema> = {};

  /** Makes the `$defs` entries known to {@link isFn}. */
  useDefs(defs: Record<string, JsonSchema>): void {
    this.#defs = defs;
  }

  /** The predicate function of `$defs[name]` (emitted on first use). */
  isFn(name: string): string {
    let fn = this.predicates.get(name);
    if (fn) return fn;
    fn = `is${name}`;
    this.predicates.set(name, fn);
    const node = this.#defs[name] ?? fail(name, "unknown $ref");
    const body = node.type === "object" && !("$ref" in node)
      ? this.#objectTest(node, name)
      : `return ${this.test(node, "x", name)};`;
    this.predicateFunctions.push(`function ${fn}(x: any): boolean {\n${body}\n}`);
    return fn;
  }

  isObjectFn(node: JsonSchema, hint: string): string {
    const fn = `is_${hint.replace(/[^A-Za-z0-9_]/g, "_")}_${this.#counter++}`;
    this.predicateFunctions.push(`function ${fn}(x: any): boolean {\n${this.#objectTest(node, hint)}\n}`);
    return fn;
  }

  #objectTest(node: JsonSchema, path: string): string {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node.required ?? []) as string[]);
    const lines = ["if (!isObject(x)) return false;"];
    for (const [key, schema] of Object.entries(properties)) {
      const child = `x[${JSON.stringify(key)}]`;
      const test = this.test(schema, child, `${path}_${key}`);
      lines.push(
        required.has(key)
          ? `if (${child} === undefined || !(${test})) return false;`
          : `if (${child} !== undefined && !(${test})) return false;`,
      );
    }
    const extra = node.additionalProperties;
    if (extra === false) {
      const allowed = Object.keys(properties).map((key) => `case ${JSON.stringify(key)}:`).join(" ");
      lines.push(`for (const k in x) switch (k) { ${allowed} break; default: return false; }`);
    } else if (typeof extra === "object" && extra !== null) {
      lines.push(
        `for (const k in x) if (!(${this.test(extra as JsonSchema, "x[k]", `${path}_value`)})) return false;`,
      );
    }
    lines.push("return true;");
    return lines.join("\n");
  }
}

/** `node` with only the keywords that validate (`$ref` as the bare `$defs` name); fails on any other. */
function compact(node: JsonSchema, path: string, defs: Record<string, JsonSchema>): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (IGNORED.has(key)) continue;
    if (!KNOWN.has(key)) fail(path, `unsupported keyword "${key}"`);
    switch (key) {
      case "$ref": {
        const ref = String(value);
        if (!ref.startsWith("#/$defs/") || !(ref.slice(8) in defs)) fail(path, `unsupported $ref ${ref}`);
        out.$ref = ref.slice(8);
        break;
      }
      case "oneOf":
      case "anyOf":
        out[key] = (value as JsonSchema[]).map((branch, i) => compact(branch, `${path}_or${i}`, defs));
        break;
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).map((
            [name, child],
          ) => [name, compact(child, `${path}_${name}`, defs)]),
        );
        break;
      case "items":
        out.items = compact(value as JsonSchema, `${path}_item`, defs);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "object" && value !== null
          ? compact(value as JsonSchema, `${path}_value`, defs)
          : value;
        break;
      case "format":
        if (value !== "date-time") fail(path, `unsupported format ${String(value)}`);
        out.format = value;
        break;
      case "type":
        if (!["string", "integer", "number", "boolean", "array", "object"].includes(String(value))) {
          fail(path, `unsupported type ${JSON.stringify(value)}`);
        }
        out.type = value;
        break;
      default:
        out[key] = value;
    }
  }
  const properties = (out.properties ?? {}) as Record<string, JsonSchema>;
  for (const key of (out.required ?? []) as string[]) {
    if (!(key in properties)) fail(path, `required "${key}" has no schema`);
  }
  if (typeof out.additionalProperties === "object" && Object.keys(properties).length) {
    fail(path, "properties together with a schema for additionalProperties");
  }
  return out;
}

const RUNTIME = `
/** Issues after which arrays and records stop being walked: enough to fix a frame, bounded for any input. */
const MAX_ISSUES = 20;

/** One problem: where (dotted path), what, and a zod-style code. */
export interface Issue {
  path: string;
  message: string;
  code: string;
}

const DATE_TIME = /^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$/;

/** The last string that passed {@link isDateTime}: events streamed within one millisecond share their \`ts\`. */
let lastDateTime = "";

function isDateTime(s: string): boolean {
  if (s === lastDateTime) return true;
  if (!DATE_TIME.test(s)) return false;
  lastDateTime = s;
  return true;
}

/**
 * Standard base64 with padding, checked in one pass: a regular expression with a repeated group
 * overflows V8's backtracking stack on multi-megabyte strings, and a validator must never throw.
 */
function isBase64(s: string): boolean {
  const n = s.length;
  if (n % 4 !== 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47) continue;
    if (c === 61 && (i === n - 1 || (i === n - 2 && s.charCodeAt(n - 1) === 61))) continue;
    return false;
  }
  return true;
}

/** Names from user input (object keys) quoted in messages are cut, so an error never echoes megabytes. */
function cut(name: string): string {
  return name.length <= 40 ? name : name.slice(0, 37) + "...";
}

function isObject(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function join(p: string, key: string | number): string {
  const name = typeof key === "number" ? String(key) : cut(key);
  return p === "" ? name : p + "." + name;
}

function received(x: unknown): string {
  if (x === undefined) return "nothing";
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  return typeof x === "number" && !Number.isInteger(x) ? "a non-integer number" : typeof x;
}

function issue(path: string, code: string, message: string): Issue {
  return { path, code, message };
}

function typeIssue(path: string, want: string, x: unknown): Issue {
  return issue(path, "invalid_type", "expected " + want + ", received " + received(x));
}

function missing(p: string, key: string, want: string): Issue {
  return issue(join(p, key), "invalid_type", "expected " + want + ", received nothing");
}

function unrecognized(path: string, keys: string[]): Issue {
  const shown = keys.slice(0, 5).map(cut).join(", ") + (keys.length > 5 ? ", and " + (keys.length - 5) + " more" : "");
  return issue(path, "unrecognized_keys", "unrecognized key" + (keys.length === 1 ? "" : "s") + ": " + shown);
}

type Node = any;

const patterns = new Map<string, RegExp>();

/** What a required property holds, for "expected X, received nothing". */
function expected(n: Node): string {
  if ("const" in n) return JSON.stringify(n.const);
  if (n.$ref) return n.$ref;
  if (n.enum) return n.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (n.oneOf || n.anyOf) return "one of the allowed shapes";
  return n.type === "integer" ? "int" : String(n.type ?? "a value");
}

/** Pushes an issue to \`o\` for every way \`x\` (at path \`p\`) breaks schema node \`n\`. */
function check(n: Node, x: any, p: string, o: Issue[]): void {
  if (n.$ref) return check(DEFS[n.$ref], x, p, o);
  const branches = n.oneOf ?? n.anyOf;
  if (branches) return union(x, p, o, branches);
  if ("const" in n) {
    if (x !== n.const) o.push(issue(p, "invalid_value", "expected " + JSON.stringify(n.const)));
    return;
  }
  if (n.enum) {
    if (!n.enum.includes(x)) o.push(issue(p, "invalid_value", "expected " + expected(n)));
    return;
  }
  switch (n.type) {
    case "string":
      if (typeof x !== "string") return void o.push(typeIssue(p, "string", x));
      if (n.format && !isDateTime(x)) o.push(issue(p, "invalid_format", "invalid datetime"));
      if (n.contentEncoding && !isBase64(x)) o.push(issue(p, "invalid_format", "invalid base64"));
      if (x.length < n.minLength) o.push(issue(p, "too_small", "must have at least " + n.minLength + " characters"));
      if (x.length > n.maxLength) o.push(issue(p, "too_big", "must have at most " + n.maxLength + " characters"));
      if (n.pattern !== undefined) {
        let re = patterns.get(n.pattern);
        if (!re) patterns.set(n.pattern, re = new RegExp(n.pattern));
        if (!re.test(x)) o.push(issue(p, "invalid_format", "must match " + n.pattern));
      }
      return;
    case "integer":
    case "number":
      if (n.type === "integer" ? !Number.isInteger(x) : typeof x !== "number" || !Number.isFinite(x)) {
        return void o.push(typeIssue(p, n.type === "integer" ? "int" : "number", x));
      }
      if (x < n.minimum) o.push(issue(p, "too_small", "must be >= " + n.minimum));
      if (x > n.maximum) o.push(issue(p, "too_big", "must be <= " + n.maximum));
      return;
    case "boolean":
      if (typeof x !== "boolean") o.push(typeIssue(p, "boolean", x));
      return;
    case "array":
      if (!Array.isArray(x)) return void o.push(typeIssue(p, "array", x));
      if (x.length < n.minItems) o.push(issue(p, "too_small", "must have at least " + n.minItems + " items"));
      if (x.length > n.maxItems) o.push(issue(p, "too_big", "must have at most " + n.maxItems + " items"));
      if (n.items) for (let i = 0; i < x.length && o.length < MAX_ISSUES; i++) check(n.items, x[i], join(p, i), o);
      return;
    case "object":
      return object(n, x, p, o);
  }
}

function object(n: Node, x: any, p: string, o: Issue[]): void {
  if (!isObject(x)) return void o.push(typeIssue(p, "object", x));
  const properties = n.properties ?? {};
  const required: string[] = n.required ?? [];
  for (const k in properties) {
    if (x[k] !== undefined) check(properties[k], x[k], join(p, k), o);
    else if (required.includes(k)) o.push(missing(p, k, expected(properties[k])));
  }
  const extra = n.additionalProperties;
  if (extra === false) {
    let unknown: string[] | undefined;
    for (const k in x) if (!Object.hasOwn(properties, k)) (unknown ??= []).push(k);
    if (unknown) o.push(unrecognized(p, unknown));
  } else if (typeof extra === "object") {
    for (const k in x) {
      if (o.length >= MAX_ISSUES) break;
      check(extra, x[k], join(p, k), o);
    }
  }
}

/** Passes when one branch passes; otherwise reports the branch that came closest, or no branch. */
function union(x: unknown, p: string, o: Issue[], branches: Node[]): void {
  let best: Issue[] | undefined;
  let tie = false;
  for (const branch of branches) {
    const found: Issue[] = [];
    check(branch, x, p, found);
    if (found.length === 0) return;
    if (!best || found.length < best.length) {
      best = found;
      tie = false;
    } else if (found.length === best.length) tie = true;
  }
  if (!best || tie) o.push(issue(p, "invalid_union", "matches none of the allowed shapes"));
  else o.push(...best);
}
`;

/** The whole generated module (unformatted). */
export function validatorModule(
  defs: Record<string, JsonSchema>,
  banner: string,
  skip: ReadonlySet<string>,
  hot: readonly string[] = [],
): string {
  const emitter = new Emitter();
  emitter.useDefs(defs);
  const names = Object.keys(defs).filter((name) => !skip.has(name)).sort();
  const table = Object.fromEntries(names.map((name) => [name, compact(defs[name]!, name, defs)]));
  const fast = [...hot].sort().map((name) => {
    const type = ((defs[name]?.properties as Record<string, JsonSchema> | undefined)?.type)?.const;
    if (typeof type !== "string") fail(name, "a hot definition needs a const type");
    return [type, emitter.isFn(name)] as const;
  });
  const patterns = [...emitter.patterns].map(([source, name]) =>
    `const ${name} = new RegExp(${JSON.stringify(source)});`
  );
  return [
    banner,
    "// deno-lint-ignore-file no-explicit-any",
    RUNTIME,
    ...patterns,
    "",
    "/** The schema's \`$defs\`, only the keywords that validate (\`$ref\` by bare name). */",
    `const DEFS: Record<string, Node> = ${JSON.stringify(table)};`,
    "",
    ...emitter.predicateFunctions,
    "",
    "/**",
    " * An exact yes/no check of the hottest frames (the events streamed per token), by their \`type\`: true",
    " * exactly when the validator of that type finds no issue, at a fraction of its cost; false for any",
    " * other value (invalid, or of another type). Callers try this first and run the full validator only",
    " * when it says no.",
    " */",
    "export function isHotFrame(x: any): boolean {",
    '  if (typeof x !== "object" || x === null) return false;',
    "  switch (x.type) {",
    ...fast.map(([type, fn]) => `    case ${JSON.stringify(type)}: return ${fn}(x);`),
    "    default: return false;",
    "  }",
    "}",
    "",
    "/**",
    " * A validator for every \`$defs\` entry of the protocol schema, by name: it returns the problems found",
    " * (none when the value is valid).",
    " */",
    "export const protocolValidators: Readonly<Record<string, (value: unknown) => Issue[]>> = Object.fromEntries(",
    "  Object.keys(DEFS).map((name) => [name, (value: unknown) => {",
    "    const o: Issue[] = [];",
    '    check(DEFS[name], value, "", o);',
    "    return o;",
    "  }]),",
    ");",
    "",
  ].join("\n");
}
