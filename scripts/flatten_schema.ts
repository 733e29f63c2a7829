/**
 * Schema transforms shared by the generator: they turn the hand-written sources in `schema/` into the
 * flat shapes that the type generators and zod's `fromJSONSchema` handle well.
 *
 * @module
 */

/** A JSON Schema node, loosely typed: the generator walks arbitrary documents. */
export type JsonSchema = { [key: string]: unknown };

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Replaces every `allOf` of object schemas by one object schema (properties merged left to right,
 * `required` united), and turns `unevaluatedProperties: false` into `additionalProperties: false`.
 *
 * Why: the protocol source composes each event from the shared `Envelope` with `allOf`, which is
 * correct 2020-12 JSON Schema, but json-schema-to-typescript renders it as an intersection and zod's
 * `fromJSONSchema` does not enforce it. The flattened form validates exactly the same frames.
 */
export function flattenAllOf(doc: JsonSchema): JsonSchema {
  const defs = isObject(doc.$defs) ? doc.$defs : {};
  const resolve = (node: JsonSchema): JsonSchema => {
    const ref = node.$ref;
    if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
      const target = defs[ref.slice("#/$defs/".length)];
      if (!isObject(target)) throw new Error(`Unresolvable $ref ${ref} inside an allOf.`);
      return walk(target);
    }
    return walk(node);
  };
  const walk = (node: unknown): JsonSchema => {
    if (!isObject(node)) return node as JsonSchema;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "allOf") continue;
      if (Array.isArray(value)) out[key] = value.map((item) => isObject(item) ? walk(item) : item);
      else if (isObject(value)) {
        out[key] = key === "properties" || key === "$defs"
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
          : walk(value);
      } else out[key] = value;
    }
    if (!Array.isArray(node.allOf)) return out;
    const merged: JsonSchema = { type: "object", properties: {}, required: [] };
    for (const part of node.allOf) {
      if (!isObject(part)) throw new Error("allOf items must be schemas.");
      const flat = resolve(part);
      for (const [key, value] of Object.entries(flat)) {
        if (key === "properties") Object.assign(merged.properties as JsonSchema, value);
        else if (key === "required") (merged.required as string[]).push(...(value as string[]));
        else if (key !== "additionalProperties" && key !== "description") merged[key] = value;
      }
    }
    merged.required = [...new Set(merged.required as string[])];
    const result: JsonSchema = { ...out, ...merged };
    if (out.description !== undefined) result.description = out.description;
    if (result.unevaluatedProperties === false) {
      delete result.unevaluatedProperties;
      result.additionalProperties = false;
    }
    return result;
  };
  return walk(doc);
}

/**
 * Lifts an OpenAPI document's `components.schemas` into a standalone JSON Schema document with
 * `$defs`, rewriting `#/components/schemas/X` references to `#/$defs/X`, so the engine can build
 * request validators from the same source as the REST types.
 */
export function openApiComponentsAsDefs(openapi: JsonSchema): JsonSchema {
  const components = isObject(openapi.components) ? openapi.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const text = JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/$defs/');
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $defs: JSON.parse(text) };
}
