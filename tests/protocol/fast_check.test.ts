import assert from "node:assert/strict";
import { isHotFrame, protocolValidators } from "../../src/generated/protocol_validators.ts";
import { passesFastCheck, validateServerEvent } from "../../src/protocol/validate.ts";
import { serverExamples } from "./examples.ts";

type Frame = Record<string, unknown>;

const VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  7,
  Number.NaN,
  "",
  "x",
  "message_delta",
  "thinking",
  "2026-11-30T03:54:21.123Z",
  "2026-11-30T03:54:21+01:00",
  "2026-11-30 03:54:21Z",
  "2026-11-30T03:54:21.Z",
  true,
  false,
  {},
  [],
  { delta: "a", index: 0 },
  { summary: "s" },
];

/** Every frame one edit away from `frame`: each key removed or replaced, one key added, and the same in `data`. */
function variants(frame: Frame): Frame[] {
  const out: Frame[] = [frame];
  const edit = (base: Frame, apply: (copy: Frame) => void) => {
    const copy = { ...base };
    apply(copy);
    return copy;
  };
  for (const key of [...Object.keys(frame), "surprise"]) {
    out.push(edit(frame, (c) => delete c[key]));
    for (const value of VALUES) out.push(edit(frame, (c) => c[key] = value));
  }
  const data = frame.data as Frame;
  for (const key of [...Object.keys(data), "surprise"]) {
    out.push({ ...frame, data: edit(data, (c) => delete c[key]) });
    for (const value of VALUES) out.push({ ...frame, data: edit(data, (c) => c[key] = value) });
  }
  return out;
}

const HOT = { message_delta: "MessageDeltaEvent", thinking: "ThinkingEvent" } as const;

for (const [type, def] of Object.entries(HOT) as [keyof typeof HOT, string][]) {
  Deno.test(`the fast check of "${type}" agrees with its full validator on every one-edit variant`, () => {
    const full = protocolValidators[def]!;
    const frames = variants(serverExamples[type] as unknown as Frame);
    let passed = 0;
    for (const frame of frames) {
      const valid = full(frame).length === 0;
      assert.equal(isHotFrame(frame), valid, JSON.stringify(frame));
      assert.equal(validateServerEvent(frame).ok, valid, JSON.stringify(frame));
      if (valid) passed++;
    }
    assert.ok(passed > 10 && passed < frames.length, `${passed} of ${frames.length} variants are valid`);
  });
}

Deno.test("the fast check says no for other types and non-objects, so they take the full path", () => {
  for (const value of [null, undefined, 1, "message_delta", [], { type: "constructor" }]) {
    assert.equal(passesFastCheck(value), false);
  }
  assert.equal(passesFastCheck(serverExamples.message_complete), false);
  assert.ok(validateServerEvent(serverExamples.message_complete).ok);
});

Deno.test("a ts seen before is still checked exactly after an invalid one", () => {
  const example = serverExamples.message_delta as unknown as Frame;
  assert.ok(isHotFrame(example));
  assert.equal(isHotFrame({ ...example, ts: "yesterday" }), false);
  assert.ok(isHotFrame(example));
  assert.equal(validateServerEvent({ ...example, ts: "yesterday" }).ok, false);
});
