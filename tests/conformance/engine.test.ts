/**
 * The engine passes the conformance kit. Each target is one `runConformance` call; a second target
 * (another store or deployment shape) is a few lines: start it, then `assertConformant(...)`.
 */
import { startEngine } from "../../src/engine/mod.ts";
import { assertConformant, KIT_ENGINE_OPTIONS, KIT_TIMING } from "./support/conformant.ts";

Deno.test("the embedded engine (memory store) passes every conformance check", async () => {
  await using engine = await startEngine({
    ...KIT_ENGINE_OPTIONS,
    apiKeys: ["vs-conformance-a", "vs-conformance-b"],
  });
  await assertConformant({
    url: engine.url,
    key: "vs-conformance-a",
    otherKey: "vs-conformance-b",
    ...KIT_TIMING,
  });
});
