/**
 * Emits plain TypeScript validator functions from the flattened protocol schema: one function per
 * `$defs` entry that walks a decoded frame and pushes an issue (dotted path, short English message,
 * zod-style code) for every problem. Generated checks run about 40 times faster than zod/mini on a
 * `message_delta` (the SDK validates every inbound frame, so this is its hot path), and the module is a
 * fraction of the size of ajv's standalone output, which matters for the client bundle.
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
  readonly functions: string[] = [];
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

  /** A function checking `node`, named after `hint`; returns its name. */
  fn(node: JsonSchema, hint: string): string {
    const name = `${hint.replace(/[^A-Za-z0-9_]/g, "_")}_${this.#counter++}`;
    this.define(name, node, hint);
    return name;
  }

  define(name: string, node: JsonSchema, path: string): void {
    const body = this.check(node, "x", "p", path);
    this.functions.push(`function ${name}(x: any, p: string, o: Issue[]): void {\n${body}\n}`);
  }

  /** Statements that check value `v` at path expression `p`. */
  check(node: JsonSchema, v: string, p: string, path: string): string {
    for (const key of Object.keys(node)) {
      if (!IGNORED.has(key) && !KNOWN.has(key)) fail(path, `unsupported keyword "${key}"`);
    }
    if (typeof node.$ref === "string") {
      if (!node.$ref.startsWith("#/$defs/")) fail(path, `unsupported $ref ${node.$ref}`);
      return `${node.$ref.slice("#/$defs/".length)}(${v}, ${p}, o);`;
    }
    const union = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
    if (union) {
      const branches = union.map((branch, i) => this.fn(branch, `${path}_or${i}`));
      return `union(${v}, ${p}, o, [${branches.join(", ")}]);`;
    }
    if ("const" in node) {
      const value = JSON.stringify(node.const);
      return `if (${v} !== ${value}) o.push(issue(${p}, "invalid_value", ${
        JSON.stringify(`expected ${value}`)
      }));`;
    }
    if (Array.isArray(node.enum)) {
      const values = node.enum as unknown[];
      const message = `expected ${values.map((value) => JSON.stringify(value)).join(" | ")}`;
      const test = values.map((value) => `${v} !== ${JSON.stringify(value)}`).join(" && ");
      return `if (${test}) o.push(issue(${p}, "invalid_value", ${JSON.stringify(message)}));`;
    }
    switch (node.type) {
      case "string":
        return this.#string(node, v, p, path);
      case "integer":
      case "number":
        return this.#number(node, v, p);
      case "boolean":
        return `if (typeof ${v} !== "boolean") o.push(typeIssue(${p}, "boolean", ${v}));`;
      case "array":
        return this.#array(node, v, p, path);
      case "object":
        return this.#object(node, v, p, path);
      case undefined:
        return "";
      default:
        return fail(path, `unsupported type ${JSON.stringify(node.type)}`);
    }
  }

  #string(node: JsonSchema, v: string, p: string, path: string): string {
    const checks: string[] = [];
    if (node.format === "date-time") {
      checks.push(`if (!isDateTime(${v})) o.push(issue(${p}, "invalid_format", "invalid datetime"));`);
    } else if (node.format !== undefined) fail(path, `unsupported format ${String(node.format)}`);
    if (node.contentEncoding === "base64") {
      checks.push(`if (!isBase64(${v})) o.push(issue(${p}, "invalid_format", "invalid base64"));`);
    }
    if (typeof node.minLength === "number") {
      const message = `must have at least ${node.minLength} characters`;
      checks.push(`if (${v}.length < ${node.minLength}) o.push(issue(${p}, "too_small", "${message}"));`);
    }
    if (typeof node.maxLength === "number") {
      const message = `must have at most ${node.maxLength} characters`;
      checks.push(`if (${v}.length > ${node.maxLength}) o.push(issue(${p}, "too_big", "${message}"));`);
    }
    if (typeof node.pattern === "string") {
      const re = this.pattern(node.pattern);
      const message = JSON.stringify(`must match ${node.pattern}`);
      checks.push(`if (!${re}.test(${v})) o.push(issue(${p}, "invalid_format", ${message}));`);
    }
    const head = `if (typeof ${v} !== "string") o.push(typeIssue(${p}, "string", ${v}));`;
    return checks.length ? `${head}\nelse {\n${checks.join("\n")}\n}` : head;
  }

  #number(node: JsonSchema, v: string, p: string): string {
    const integer = node.type === "integer";
    const test = integer ? `!Number.isInteger(${v})` : `typeof ${v} !== "number" || !Number.isFinite(${v})`;
    const checks: string[] = [];
    if (typeof node.minimum === "number") {
      checks.push(
        `if (${v} < ${node.minimum}) o.push(issue(${p}, "too_small", "must be >= ${node.minimum}"));`,
      );
    }
    if (typeof node.maximum === "number") {
      checks.push(
        `if (${v} > ${node.maximum}) o.push(issue(${p}, "too_big", "must be <= ${node.maximum}"));`,
      );
    }
    const head = `if (${test}) o.push(typeIssue(${p}, "${integer ? "int" : "number"}", ${v}));`;
    return checks.length ? `${head}\nelse {\n${checks.join("\n")}\n}` : head;
  }

  #array(node: JsonSchema, v: string, p: string, path: string): string {
    const lines = [`if (!Array.isArray(${v})) o.push(typeIssue(${p}, "array", ${v}));`, "else {"];
    if (typeof node.minItems === "number") {
      const message = `must have at least ${node.minItems} items`;
      lines.push(`if (${v}.length < ${node.minItems}) o.push(issue(${p}, "too_small", "${message}"));`);
    }
    if (typeof node.maxItems === "number") {
      const message = `must have at most ${node.maxItems} items`;
      lines.push(`if (${v}.length > ${node.maxItems}) o.push(issue(${p}, "too_big", "${message}"));`);
    }
    if (node.items !== undefined) {
      const item = this.fn(node.items as JsonSchema, `${path}_item`);
      lines.push(
        `for (let i = 0; i < ${v}.length && o.length < MAX_ISSUES; i++) ${item}(${v}[i], join(${p}, i), o);`,
      );
    }
    lines.push("}");
    return lines.join("\n");
  }

  #object(node: JsonSchema, v: string, p: string, path: string): string {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node.required ?? []) as string[]);
    for (const key of required) if (!(key in properties)) fail(path, `required "${key}" has no schema`);
    const extra = node.additionalProperties;
    const lines = [`if (!isObject(${v})) { o.push(typeIssue(${p}, "object", ${v})); return; }`];
    if (v !== "x") fail(path, "objects are checked inside their own function");
    for (const [key, schema] of Object.entries(properties)) {
      const child = `x[${JSON.stringify(key)}]`;
      const childPath = `join(p, ${JSON.stringify(key)})`;
      const check = this.#inline(schema, child, childPath, `${path}_${key}`);
      if (required.has(key)) {
        lines.push(
          `if (${child} === undefined) o.push(missing(p, ${JSON.stringify(key)}, ${
            JSON.stringify(expected(schema))
          }));`,
        );
        lines.push(`else {\n${check}\n}`);
      } else lines.push(`if (${child} !== undefined) {\n${check}\n}`);
    }
    const keys = Object.keys(properties);
    if (extra === false) {
      const allowed = keys.map((key) => `case ${JSON.stringify(key)}:`).join(" ");
      lines.push(
        `let extra: string[] | undefined;`,
        `for (const k in x) switch (k) { ${allowed} break; default: (extra ??= []).push(k); }`,
        `if (extra) o.push(unrecognized(p, extra));`,
      );
    } else if (typeof extra === "object" && extra !== null) {
      if (keys.length) fail(path, "properties together with a schema for additionalProperties");
      const value = this.fn(extra as JsonSchema, `${path}_value`);
      lines.push(`for (const k in x) { if (o.length >= MAX_ISSUES) break; ${value}(x[k], join(p, k), o); }`);
    }
    return lines.join("\n");
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

  /** Objects, unions and arrays of objects get their own function; simple checks are inlined. */
  #inline(node: JsonSchema, v: string, p: string, hint: string): string {
    if (node.type === "object" && !("$ref" in node)) return `${this.fn(node, hint)}(${v}, ${p}, o);`;
    return this.check(node, v, p, hint);
  }
}

/** What a required property holds, for "expected X, received nothing". */
function expected(node: JsonSchema): string {
  if ("const" in node) return JSON.stringify(node.const);
  if (typeof node.$ref === "string") return node.$ref.slice("#/$defs/".length);
  if (Array.isArray(node.enum)) return (node.enum as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
  if (node.oneOf || node.anyOf) return "one of the allowed shapes";
  return node.type === "integer" ? "int" : String(node.type ?? "a value");
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

type Check = (x: unknown, p: string, o: Issue[]) => void;

/** Passes when one branch passes; otherwise reports the branch that came closest, or no branch. */
function union(x: unknown, p: string, o: Issue[], branches: Check[]): void {
  let best: Issue[] | undefined;
  let tie = false;
  for (const branch of branches) {
    const found: Issue[] = [];
    branch(x, p, found);
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
  for (const name of names) emitter.define(name, defs[name]!, name);
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
    ...emitter.functions,
    "",
    ...emitter.predicateFunctions,
    "",
    "/**",
    " * An exact yes/no check of the hottest frames (the events streamed per token), by their `type`: true",
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
    " * A validator for every `$defs` entry of the protocol schema, by name: it returns the problems found",
    " * (none when the value is valid).",
    " */",
    "export const protocolValidators: Readonly<Record<string, (value: unknown) => Issue[]>> = {",
    ...names.map((name) =>
      `  ${name}: (value) => {\n    const o: Issue[] = [];\n    ${name}(value, "", o);\n    return o;\n  },`
    ),
    "};",
    "",
  ].join("\n");
}
