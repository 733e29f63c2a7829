/**
 * Emits zod/mini validator code from the flattened protocol schema. Generating code (instead of
 * calling `z.fromJSONSchema` at run time) keeps the SDK bundle small: zod/mini tree-shakes to what the
 * validators use, and the schema's descriptions stay out of the bundle.
 *
 * Supports the JSON Schema subset the protocol uses: `$ref` to `#/$defs`, `oneOf`/`anyOf`, `const`,
 * `enum`, `type` string/integer/number/boolean/array/object with their length, range, pattern,
 * `date-time` and base64 keywords, and `additionalProperties`. Anything else fails loudly.
 *
 * @module
 */
import type { JsonSchema } from "./flatten_schema.ts";

const IGNORED = new Set(["description", "title", "$comment", "examples", "default"]);

function fail(path: string, message: string): never {
  throw new Error(`zod codegen: ${path}: ${message}`);
}

function literal(value: unknown, path: string): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return `z.literal(${JSON.stringify(value)})`;
  }
  return fail(path, `unsupported const ${JSON.stringify(value)}`);
}

function checks(parts: string[]): string {
  return parts.length ? `.check(${parts.join(", ")})` : "";
}

function stringSchema(node: JsonSchema, path: string): string {
  if (node.format === "date-time") return "z.iso.datetime({ offset: true })";
  if (node.contentEncoding === "base64") return "z.base64()";
  if (node.format !== undefined) fail(path, `unsupported format ${String(node.format)}`);
  const parts: string[] = [];
  if (typeof node.minLength === "number") parts.push(`z.minLength(${node.minLength})`);
  if (typeof node.maxLength === "number") parts.push(`z.maxLength(${node.maxLength})`);
  if (typeof node.pattern === "string") parts.push(`z.regex(new RegExp(${JSON.stringify(node.pattern)}))`);
  return `z.string()${checks(parts)}`;
}

function numberSchema(node: JsonSchema, integer: boolean): string {
  const parts: string[] = [];
  if (typeof node.minimum === "number") parts.push(`z.minimum(${node.minimum})`);
  if (typeof node.maximum === "number") parts.push(`z.maximum(${node.maximum})`);
  return `${integer ? "z.int()" : "z.number()"}${checks(parts)}`;
}

function objectSchema(node: JsonSchema, path: string): string {
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((node.required ?? []) as string[]);
  const extra = node.additionalProperties;
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    if (extra === false) return "z.strictObject({})";
    const value = typeof extra === "object" && extra !== null
      ? emit(extra as JsonSchema, `${path}.*`)
      : "z.unknown()";
    return `z.record(z.string(), ${value})`;
  }
  if (typeof extra === "object" && extra !== null) {
    fail(path, "properties together with a schema for additionalProperties");
  }
  const fields = keys.map((key) => {
    const value = emit(properties[key]!, `${path}.${key}`);
    return `${JSON.stringify(key)}: ${required.has(key) ? value : `z.optional(${value})`}`;
  });
  for (const key of required) if (!(key in properties)) fail(path, `required "${key}" has no schema`);
  return `${extra === false ? "z.strictObject" : "z.looseObject"}({ ${fields.join(", ")} })`;
}

/** The zod/mini expression for one schema node; `$ref`s become the referenced constant's name. */
export function emit(node: JsonSchema, path: string): string {
  for (const key of Object.keys(node)) {
    const known = IGNORED.has(key) ||
      [
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
      ].includes(key);
    if (!known) fail(path, `unsupported keyword "${key}"`);
  }
  if (typeof node.$ref === "string") {
    if (!node.$ref.startsWith("#/$defs/")) fail(path, `unsupported $ref ${node.$ref}`);
    return node.$ref.slice("#/$defs/".length);
  }
  const union = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
  if (union) return `z.union([${union.map((s, i) => emit(s, `${path}[${i}]`)).join(", ")}])`;
  if ("const" in node) return literal(node.const, path);
  if (Array.isArray(node.enum)) {
    const values = node.enum as unknown[];
    if (values.every((v) => typeof v === "string")) return `z.enum(${JSON.stringify(values)})`;
    return `z.union([${values.map((v) => literal(v, path)).join(", ")}])`;
  }
  switch (node.type) {
    case "string":
      return stringSchema(node, path);
    case "integer":
      return numberSchema(node, true);
    case "number":
      return numberSchema(node, false);
    case "boolean":
      return "z.boolean()";
    case "array": {
      const items = node.items === undefined ? "z.unknown()" : emit(node.items as JsonSchema, `${path}[]`);
      const parts: string[] = [];
      if (typeof node.minItems === "number") parts.push(`z.minLength(${node.minItems})`);
      if (typeof node.maxItems === "number") parts.push(`z.maxLength(${node.maxItems})`);
      return `z.array(${items})${checks(parts)}`;
    }
    case "object":
      return objectSchema(node, path);
    case undefined:
      return "z.unknown()";
    default:
      return fail(path, `unsupported type ${JSON.stringify(node.type)}`);
  }
}

function references(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) { for (const item of node) references(item, into); }
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.add(value.slice("#/$defs/".length));
      else references(value, into);
    }
  }
  return into;
}

/** Definitions in dependency order (each after what it references); the protocol has no cycles. */
function ordered(defs: Record<string, JsonSchema>): string[] {
  const done: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (done.includes(name)) return;
    if (visiting.has(name)) fail(name, "recursive schemas are not supported");
    visiting.add(name);
    for (const dep of [...references(defs[name], new Set())].sort()) visit(dep);
    visiting.delete(name);
    done.push(name);
  };
  for (const name of Object.keys(defs).sort()) visit(name);
  return done;
}

/** The whole generated module (unformatted). */
export function zodModule(
  defs: Record<string, JsonSchema>,
  banner: string,
  skip: ReadonlySet<string>,
): string {
  const names = ordered(defs).filter((name) => !skip.has(name));
  return [
    banner,
    `import * as z from "zod/mini";`,
    ``,
    ...names.map((name) => `const ${name} = ${emit(defs[name]!, name)};`),
    ``,
    `/** A zod/mini validator for every \`$defs\` entry of the protocol schema, by name. */`,
    `export const protocolValidators: Readonly<Record<string, z.ZodMiniType>> = { ${names.join(", ")} };`,
    ``,
  ].join("\n");
}
