/**
 * Emits the protocol validators from the flattened protocol schema: the schema itself as a compact table
 * (only the keywords that validate) read by a small checker that walks a decoded frame and pushes an
 * issue (dotted path, short English message, zod-style code) for every problem; plus, for the events
 * streamed once per token, exact yes/no predicates as plain generated code, tried first. A table keeps
 * the client bundle small (generated per-field code for every frame was over half of it); the hot
 * predicates keep the SDK's per-frame cost low (it validates every inbound frame).
 *
 * The table is TypeScript, not JSON, to be small after minifying and gzip: each object node is a call
 * `object({ name: node, other: optional(node) })`, required unless wrapped by `optional` (so no
 * `required` list spells the names again), no other keys allowed unless a second argument says so; and
 * each node used more than once (`{ type: "string" }`, the envelope's fields) is one constant, which the
 * minifier names with a letter or two. The table keeps only what the checker reads, and the runtime
 * carries the code of `pattern` only when a node uses it.
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

/** The keywords of each type, which the checker reads for a node of that type only. */
const TYPE_KEYWORDS: Record<string, string[]> = {
  string: ["format", "contentEncoding", "minLength", "maxLength", "pattern"],
  integer: ["minimum", "maximum"],
  number: ["minimum", "maximum"],
  boolean: [],
  array: ["minItems", "maxItems", "items"],
  object: ["properties", "required", "additionalProperties"],
};
const TYPED = new Set(Object.values(TYPE_KEYWORDS).flat());

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

  /**
   * Whether {@link test} is false for `undefined`: then a required property needs no presence check of
   * its own. True for every node with a type, const, enum or union whose branches all are.
   */
  #rejectsUndefined(node: JsonSchema, seen: ReadonlySet<string> = new Set()): boolean {
    if (typeof node.$ref === "string") {
      const name = node.$ref.slice("#/$defs/".length);
      const def = this.#defs[name];
      return def !== undefined && !seen.has(name) && this.#rejectsUndefined(def, new Set([...seen, name]));
    }
    const union = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
    if (union) return union.every((branch) => this.#rejectsUndefined(branch, seen));
    if ("const" in node || Array.isArray(node.enum)) return true;
    return ["string", "integer", "number", "boolean", "array", "object"].includes(node.type as string);
  }

  #objectTest(node: JsonSchema, path: string): string {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node.required ?? []) as string[]);
    const lines = ["if (!isObject(x)) return false;"];
    for (const [key, schema] of Object.entries(properties)) {
      const child = `x[${JSON.stringify(key)}]`;
      const test = this.test(schema, child, `${path}_${key}`);
      let line = `if (${child} !== undefined && !(${test})) return false;`;
      if (required.has(key)) {
        line = this.#rejectsUndefined(schema)
          ? `if (!(${test})) return false;`
          : `if (${child} === undefined || !(${test})) return false;`;
      }
      lines.push(line);
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
        const name = ref.slice("#/$defs/".length);
        if (!ref.startsWith("#/$defs/") || !name || !Object.hasOwn(defs, name)) {
          fail(path, `unsupported $ref ${ref}`);
        }
        out.$ref = name;
        break;
      }
      case "oneOf":
      case "anyOf":
        // The checker passes a value that matches any branch of either, so both are stored as `oneOf`.
        if ("oneOf" in node && "anyOf" in node) fail(path, "both oneOf and anyOf");
        out.oneOf = (value as JsonSchema[]).map((branch, i) => compact(branch, `${path}_or${i}`, defs));
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
        if (typeof value === "boolean") out.additionalProperties = value;
        else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
          out.additionalProperties = compact(value as JsonSchema, `${path}_value`, defs);
        } else fail(path, "additionalProperties must be a boolean or a schema");
        break;
      case "pattern":
        try {
          new RegExp(String(value));
        } catch {
          fail(path, `invalid pattern ${JSON.stringify(value)}`);
        }
        out.pattern = value;
        break;
      case "enum":
        if (!Array.isArray(value)) fail(path, "enum must be an array");
        out.enum = value;
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
  // Only what the checker reads: it looks at $ref, oneOf, const and enum first and then stops, and
  // otherwise at the keywords of the node's type only.
  const first = ["$ref", "oneOf", "const", "enum"].some((keyword) => keyword in out);
  const read = first ? [] : TYPE_KEYWORDS[out.type as string] ?? [];
  for (const keyword of Object.keys(out)) {
    if (TYPED.has(keyword) && !read.includes(keyword)) delete out[keyword];
  }
  return out;
}

/** A property or definition name as an object-literal key: bare when it is an identifier. */
function key(name: string): string {
  // In an object literal `__proto__` sets the prototype instead of making a property.
  if (name === "__proto__") fail(name, "unsupported name __proto__");
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Whether `node` is written as a call of the runtime's `object()`: an object node and nothing else. */
function isObjectNode(node: JsonSchema): boolean {
  const keywords = ["type", "properties", "required", "additionalProperties"];
  return node.type === "object" && Object.keys(node).every((k) => keywords.includes(k));
}

/** The nodes inside a compacted node. */
function children(node: JsonSchema): JsonSchema[] {
  const out = Object.values((node.properties ?? {}) as Record<string, JsonSchema>);
  if (typeof node.items === "object") out.push(node.items as JsonSchema);
  if (typeof node.additionalProperties === "object") out.push(node.additionalProperties as JsonSchema);
  return out.concat((node.oneOf ?? []) as JsonSchema[]);
}

/**
 * Writes the table as TypeScript (see the module comment): object nodes as `object()` calls, and nodes
 * used more than once as constants. Identical nodes are found by their text written out in full.
 */
class TableWriter {
  /** The full text of each node (every child written inline). */
  readonly #text = new Map<JsonSchema, string>();
  /** Uses of each full text, where the inside of a node used twice counts once. */
  readonly #uses = new Map<string, number>();
  /** One node of each full text, children before parents. */
  readonly #nodes = new Map<string, JsonSchema>();
  /** The constant's name of each full text used more than once. */
  readonly #names = new Map<string, string>();

  /** `taken`: names the module already declares. */
  constructor(table: Record<string, JsonSchema>, taken: Set<string>) {
    for (const node of Object.values(table)) this.#count(node);
    for (const [text, node] of this.#nodes) {
      if (this.#uses.get(text)! < 2) continue;
      let name = constantName(node);
      for (let i = 2; taken.has(name); i++) name = `${constantName(node)}_${i}`;
      taken.add(name);
      this.#names.set(text, name);
    }
  }

  #count(node: JsonSchema): void {
    const text = this.#fullText(node);
    const uses = this.#uses.get(text) ?? 0;
    this.#uses.set(text, uses + 1);
    if (uses > 0) return;
    for (const child of children(node)) this.#count(child);
    this.#nodes.set(text, node);
  }

  #fullText(node: JsonSchema): string {
    let text = this.#text.get(node);
    if (text === undefined) {
      text = this.#expression(node, (child) => this.#fullText(child));
      this.#text.set(node, text);
    }
    return text;
  }

  /** `node` as an expression, with its children written by `write`. */
  #expression(node: JsonSchema, write: (child: JsonSchema) => string): string {
    if (isObjectNode(node)) {
      const required = new Set((node.required ?? []) as string[]);
      const properties = Object.entries((node.properties ?? {}) as Record<string, JsonSchema>).map(
        ([name, child]) => `${key(name)}: ${required.has(name) ? write(child) : `optional(${write(child)})`}`,
      );
      // No additionalProperties allows any key, as true does.
      const extra = node.additionalProperties ?? true;
      const second = extra === false
        ? ""
        : `, ${extra === true ? "true" : `everyValue(${write(extra as JsonSchema)})`}`;
      return `object(${properties.length ? `{ ${properties.join(", ")} }` : "{}"}${second})`;
    }
    const entries = Object.entries(node).map(([keyword, value]) => {
      // compact() leaves these on object nodes only, which are written above.
      if (TYPE_KEYWORDS.object!.includes(keyword)) fail(keyword, "object keyword outside an object node");
      if (keyword === "oneOf") return `oneOf: [${(value as JsonSchema[]).map(write).join(", ")}]`;
      if (keyword === "pattern") return `pattern: matching(${JSON.stringify(value)})`;
      if (keyword === "items") return `items: ${write(value as JsonSchema)}`;
      return `${key(keyword)}: ${JSON.stringify(value)}`;
    });
    return `{ ${entries.join(", ")} }`;
  }

  /** `node` as written in the table: a constant's name, or inline. */
  write(node: JsonSchema): string {
    return this.#names.get(this.#fullText(node)) ?? this.#expression(node, (child) => this.write(child));
  }

  /** The declarations of the constants, each after the ones it uses. */
  constants(): string[] {
    return [...this.#names].map(([text, name]) =>
      `const ${name}: Node = ${this.#expression(this.#nodes.get(text)!, (child) => this.write(child))};`
    );
  }
}

/** A constant's name that says what the node checks, such as `STRING_MIN_1_MAX_128`. */
function constantName(node: JsonSchema): string {
  const parts: unknown[] = [];
  if (typeof node.$ref === "string") parts.push("REF", node.$ref);
  else if ("const" in node) parts.push("CONST", node.const);
  else if (Array.isArray(node.enum)) parts.push("ENUM", node.enum[0]);
  else if (node.oneOf) parts.push("ONE_OF");
  else if (node.type === "object") {
    const properties = Object.keys((node.properties ?? {}) as JsonSchema);
    if (properties.length) parts.push("OBJECT", ...properties.slice(0, 3));
    else if (typeof node.additionalProperties === "object") {
      parts.push("RECORD_OF", constantName(node.additionalProperties as JsonSchema));
    } else parts.push(node.additionalProperties === false ? "EMPTY_OBJECT" : "ANY_OBJECT");
  } else {
    parts.push(node.type ?? "ANY");
    if (node.format) parts.push("DATE_TIME");
    if (node.contentEncoding) parts.push("BASE64");
    for (const keyword of ["minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"]) {
      if (typeof node[keyword] === "number") parts.push(keyword.slice(0, 3), node[keyword]);
    }
    if (node.pattern !== undefined) parts.push("PATTERN");
    if (typeof node.items === "object") parts.push("OF", constantName(node.items as JsonSchema));
  }
  // FileContent → FILE_CONTENT, date-time → DATE_TIME.
  const words = parts.map((part) => String(part).replace(/([a-z0-9])(?=[A-Z])/g, "$1_"));
  return words.join("_").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
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
 * Standard base64 with padding. A loop over one character class, never a repeated group: V8 runs the
 * first in constant stack, while a group overflows its backtracking stack on multi-megabyte strings
 * (and a validator must never throw).
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64.test(s);
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

function unrecognized(path: string, keys: string[]): Issue {
  const shown = keys.slice(0, 5).map(cut).join(", ") + (keys.length > 5 ? ", and " + (keys.length - 5) + " more" : "");
  return issue(path, "unrecognized_keys", "unrecognized key" + (keys.length === 1 ? "" : "s") + ": " + shown);
}

type Node = any;

/** Marks a property of {@link object} as one that may be absent: its node, wrapped in an array. */
function optional(n: Node): Node[] {
  return [n];
}

/**
 * An object node: \`properties\` in order, each required unless wrapped by {@link optional}; other
 * keys not allowed (\`extra\` false), allowed (true) or checked by {@link everyValue}.
 */
function object(properties: Record<string, Node>, extra: Node = false): Node {
  return { type: "object", properties, additionalProperties: extra };
}

/** What a required property holds, for "expected X, received nothing". */
function expected(n: Node): string {
  if ("const" in n) return JSON.stringify(n.const);
  if (n.$ref) return n.$ref;
  if (n.enum) return n.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (n.oneOf) return "one of the allowed shapes";
  return n.type === "integer" ? "int" : String(n.type ?? "a value");
}

/** Pushes an issue to \`o\` for every way \`x\` (at path \`p\`) breaks schema node \`n\`. */
function check(n: Node, x: any, p: string, o: Issue[]): void {
  if (n.$ref) return check(DEFS[n.$ref], x, p, o);
  if (n.oneOf) return union(x, p, o, n.oneOf);
  if ("const" in n || n.enum) {
    if ("const" in n ? x !== n.const : !n.enum.includes(x)) o.push(issue(p, "invalid_value", "expected " + expected(n)));
    return;
  }
  switch (n.type) {
    case "string":
      if (typeof x !== "string") return void o.push(typeIssue(p, "string", x));
      if (n.format && !isDateTime(x)) o.push(issue(p, "invalid_format", "invalid datetime"));
      if (n.contentEncoding && !isBase64(x)) o.push(issue(p, "invalid_format", "invalid base64"));
      if (x.length < n.minLength) o.push(issue(p, "too_small", "must have at least " + n.minLength + " characters"));
      if (x.length > n.maxLength) o.push(issue(p, "too_big", "must have at most " + n.maxLength + " characters"));
      if (n.pattern) n.pattern(x, p, o);
      return;
    case "integer":
    case "number":
      if (n.type === "integer" ? !Number.isInteger(x) : !Number.isFinite(x)) return void o.push(typeIssue(p, expected(n), x));
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
      return checkObject(n, x, p, o);
  }
}

function checkObject(n: Node, x: any, p: string, o: Issue[]): void {
  if (!isObject(x)) return void o.push(typeIssue(p, "object", x));
  const properties = n.properties;
  for (const k in properties) {
    const mayBeAbsent = Array.isArray(properties[k]);
    const child = mayBeAbsent ? properties[k][0] : properties[k];
    if (x[k] !== undefined) check(child, x[k], join(p, k), o);
    else if (!mayBeAbsent) o.push(typeIssue(join(p, k), expected(child), undefined));
  }
  const extra = n.additionalProperties;
  if (extra === false) {
    let unknown: string[] | undefined;
    for (const k in x) if (!Object.hasOwn(properties, k)) (unknown ??= []).push(k);
    if (unknown) o.push(unrecognized(p, unknown));
  } else if (extra !== true) extra(x, p, o);
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

/**
 * Checker helpers the table calls only for keywords some schemas use: a record's values
 * (\`additionalProperties\` a node) and a \`pattern\`. Each is emitted only when the table calls it, so a
 * schema that uses neither carries neither (nor an unused function).
 */
const TABLE_HELPERS: Readonly<Record<string, string>> = {
  everyValue: `
/** Checks every value of a record against \`n\` (\`additionalProperties\` a node). */
function everyValue(n: Node): Node {
  return (x: any, p: string, o: Issue[]) => {
    for (const k in x) {
      if (o.length >= MAX_ISSUES) break;
      check(n, x[k], join(p, k), o);
    }
  };
}
`,
  matching: `
/** Checks a string against a \`pattern\`. */
function matching(source: string): Node {
  const re = new RegExp(source);
  return (x: string, p: string, o: Issue[]) => {
    if (!re.test(x)) o.push(issue(p, "invalid_format", "must match " + source));
  };
}
`,
};

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
  const taken = [
    "DEFS",
    ...emitter.patterns.values(),
    ...Array.from(RUNTIME.matchAll(/^(?:const|let) (\w+)/gm), (m) => m[1]!),
  ];
  const writer = new TableWriter(table, new Set([...taken, ...Object.keys(TABLE_HELPERS)]));
  const tableLines = [
    "// The nodes used more than once in the table.",
    ...writer.constants(),
    "",
    "/** The schema's \`$defs\`: only what the checker reads, \`$ref\` by bare name, \`anyOf\` as \`oneOf\`. */",
    "const DEFS: Record<string, Node> = {",
    ...names.map((name) => `${key(name)}: ${writer.write(table[name]!)},`),
    "};",
  ];
  const tableText = tableLines.join("\n");
  const helpers = Object.entries(TABLE_HELPERS).filter(([name]) => tableText.includes(`${name}(`));
  return [
    banner,
    "// deno-lint-ignore-file no-explicit-any",
    RUNTIME,
    ...helpers.map(([, text]) => text),
    ...patterns,
    "",
    ...tableLines,
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
