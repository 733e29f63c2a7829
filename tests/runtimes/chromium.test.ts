/**
 * The runtime matrix in a browser: the same client script that runs under Deno, Bun and Node, bundled
 * for browsers with the SDK (`deno bundle --platform browser`), runs in real Chromium against an
 * engine started by Deno. Skipped with a message only where Chromium is missing.
 */
import assert from "node:assert/strict";
import { testEngine } from "../engine/support/engine_fixture.ts";
import { browserTest, runDriver } from "../browser/chromium.ts";
import { assertRuntimeReport } from "./expect_report.ts";

async function bundleClient(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      new URL("./runtime_client.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `deno bundle failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

browserTest("the SDK bundled for browsers runs the runtime check in Chromium", async () => {
  const bundle = await bundleClient();
  assert.doesNotMatch(bundle, /\bDeno\.(env|serve|Command)\b/, "the browser bundle carries no Deno API");
  await using engine = await testEngine();
  const report = await runDriver<Record<string, unknown>>(new URL("./chromium_driver.ts", import.meta.url), {
    url: engine.url,
    key: engine.apiKey,
    bundle,
  });
  assertRuntimeReport(report, "chromium");
});
