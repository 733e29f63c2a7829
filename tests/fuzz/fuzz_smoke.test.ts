/**
 * A short run of the engine fuzz suite (`deno task fuzz`): every phase (WebSocket frames, connection
 * timing, raw TCP garbage, REST, the well-behaved tenant, and the SDK phase when
 * `fuzz/sdk_hostile.ts` exists) with a fixed seed, a few thousand cases in all. Any failure fails the
 * test with the same report the full run prints, including how to replay each failing case.
 */
import assert from "node:assert/strict";
import { DEFAULTS } from "../../fuzz/options.ts";
import { formatSummary } from "../../fuzz/report.ts";
import { runFuzz } from "../../fuzz/run.ts";

Deno.test("engine fuzz smoke: a fixed-seed run of every phase finds no failure", async () => {
  const lines: string[] = [];
  const summary = await runFuzz({
    ...DEFAULTS,
    seed: 20_251_130,
    wsFrames: 1500,
    rest: 1000,
    sdkCases: 300,
    timeLimitMs: 40_000,
    wsWorkers: 4,
    restWorkers: 4,
    // Idle HTTP connections are checked by the full run; here the bound would dominate the test's time.
    httpIdleLimitMs: 0,
  }, (line) => lines.push(line));
  const report = formatSummary(summary);
  assert.ok(summary.counters.wsFrames >= 1000, `too few frames sent:\n${report}`);
  assert.ok(summary.counters.restRequests >= 500, `too few REST requests:\n${report}`);
  assert.equal(summary.verdict, "pass", `${report}\n${lines.join("\n")}`);
});
