import assert from "node:assert/strict";
import { validatorModule } from "../../scripts/js_validator_codegen.ts";
import type { JsonSchema } from "../../scripts/flatten_schema.ts";
import { protocolValidators } from "../../src/generated/protocol_validators.ts";
import { clientExamples } from "./examples.ts";

type Validators = Record<string, (value: unknown) => { path: string; code: string; message: string }[]>;

/**
 * Keywords and shapes the protocol schema does not use today (patterns, `anyOf`, records, objects open
 * to other keys, nodes without a type), so the generated protocol module never exercises them.
 */
const DEFS: Record<string, JsonSchema> = {
  Code: { type: "string", pattern: "^[a-z]{2,4}$" },
  Slashed: { type: "string", pattern: "a/b", maxLength: 5 },
  Counts: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
  Open: {
    type: "object",
    properties: { a: { type: "string" }, "with space": { const: 3 } },
    required: ["a"],
  },
  Closed: {
    type: "object",
    properties: {
      code: { $ref: "#/$defs/Code" },
      either: { anyOf: [{ type: "integer" }, { $ref: "#/$defs/Open" }] },
      anything: {},
      list: { type: "array", items: { type: "number", maximum: 1 } },
    },
    required: ["code", "either", "anything"],
    additionalProperties: false,
  },
  Twin: { type: "object", properties: { k: { $ref: "#/$defs/Closed" } }, required: ["k"] },
  TwinToo: { type: "object", properties: { k: { $ref: "#/$defs/Closed" } }, required: ["k"] },
};

async function load(defs: Record<string, JsonSchema>): Promise<Validators> {
  const path = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(path, validatorModule(defs, "", new Set()));
    return (await import(path)).protocolValidators;
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("the validators check patterns, anyOf, records and open objects", async () => {
  const v = await load(DEFS);
  assert.deepEqual(v.Code!("abc"), []);
  assert.deepEqual(v.Code!("ABC"), [
    { path: "", code: "invalid_format", message: "must match ^[a-z]{2,4}$" },
  ]);
  assert.deepEqual(v.Slashed!("xa/bxx"), [
    { path: "", code: "too_big", message: "must have at most 5 characters" },
  ]);
  assert.deepEqual(v.Slashed!("ab"), [{ path: "", code: "invalid_format", message: "must match a/b" }]);
  assert.deepEqual(v.Counts!({ a: 1, b: -1, c: "x" }), [
    { path: "b", code: "too_small", message: "must be >= 0" },
    { path: "c", code: "invalid_type", message: "expected int, received string" },
  ]);
  assert.deepEqual(v.Open!({ a: "x", extra: 1 }), []);
  assert.deepEqual(v.Open!({ "with space": 4 }), [
    { path: "a", code: "invalid_type", message: "expected string, received nothing" },
    { path: "with space", code: "invalid_value", message: "expected 3" },
  ]);
  const closed = { code: "ab", either: { a: "x" }, anything: null, list: [0.5] };
  assert.deepEqual(v.Closed!(closed), []);
  assert.deepEqual(v.Closed!({ ...closed, either: "x", list: [2] }), [
    { path: "either", code: "invalid_union", message: "matches none of the allowed shapes" },
    { path: "list.0", code: "too_big", message: "must be <= 1" },
  ]);
  assert.deepEqual(v.Closed!({ ...closed, either: { a: 5, "with space": 4 } }), [
    { path: "either", code: "invalid_type", message: "expected int, received object" },
  ]);
  assert.deepEqual(v.Closed!({ code: 7, either: 1 }), [
    { path: "code", code: "invalid_type", message: "expected string, received number" },
    { path: "anything", code: "invalid_type", message: "expected a value, received nothing" },
  ]);
  assert.deepEqual(v.Twin!({ k: closed }), []);
  assert.deepEqual(v.TwinToo!({ k: {} }).map((i) => i.path), ["k.code", "k.either", "k.anything"]);
});

Deno.test("the generator refuses what the table cannot hold", () => {
  const proto = JSON.parse('{"type": "object", "properties": {"__proto__": {"type": "string"}}}');
  assert.throws(() => validatorModule({ Proto: proto }, "", new Set()), /__proto__/);
  assert.throws(() => validatorModule({ Bad: { type: "string", pattern: "(" } }, "", new Set()), /pattern/);
  assert.throws(() => validatorModule({ Null: { type: "null" } }, "", new Set()), /unsupported type/);
});

Deno.test("base64 content is checked exactly and without throwing on multi-megabyte strings", () => {
  const file = clientExamples.post_batch.messages[1]!.content;
  const check = (data: string) => protocolValidators.FileContent!({ ...file, data_base64: data });
  for (const good of ["", "aGk=", "aGk+", "a/==", "QUJD"]) assert.deepEqual(check(good), [], good);
  const invalid = [{ path: "data_base64", code: "invalid_format", message: "invalid base64" }];
  for (const bad of ["aGk", "a===", "aG=k", "aGk-", "aGk=\n", "=AAA", "AA=A", "é==="]) {
    assert.deepEqual(check(bad), invalid, bad);
  }
  const big = "QUJD".repeat(4_000_000);
  assert.deepEqual(check(big), []);
  assert.equal(check(big.slice(1) + "!").length, 1);
  assert.equal(check("!" + big.slice(1)).length, 1);
  assert.equal(check(big.slice(0, -2) + "==").length, 0);
});
