/**
 * Validators built at run time from any JSON Schema document's `$defs` with zod's `fromJSONSchema`.
 * The engine uses it for REST bodies (the OpenAPI components); protocol frames use the generated
 * plain-TypeScript validators in `validate.ts`, which keep zod out of the SDK.
 *
 * @module
 */
import { z } from "zod";
import { describeIssues, type Validation } from "./validate.ts";

type Defs = { $defs: Record<string, unknown> };

/** Compiles and caches zod validators for the `$defs` of one JSON Schema document. */
export class SchemaValidators {
  readonly #doc: Defs;
  readonly #cache = new Map<string, z.ZodType>();

  /** Validators for the `$defs` of `doc`, compiled on first use. */
  constructor(doc: Defs) {
    this.#doc = doc;
  }

  /** Validates `value` against `$defs[name]`. */
  check<T>(name: string, value: unknown): Validation<T> {
    let schema = this.#cache.get(name);
    if (!schema) {
      if (!(name in this.#doc.$defs)) throw new Error(`No schema named ${name}.`);
      schema = z.fromJSONSchema({ $defs: this.#doc.$defs, $ref: `#/$defs/${name}` } as never);
      this.#cache.set(name, schema);
    }
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, value: result.data as T };
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
      code: issue.code,
    }));
    return { ok: false, issues, error: describeIssues(issues) };
  }
}
