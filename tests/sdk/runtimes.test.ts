/**
 * The runtime checks: the SDK runs unchanged under Bun and under Node (no Deno namespace; Node 22.6+
 * strips the TypeScript types itself) against an engine started by Deno. Each is skipped, with a
 * message, only when its runtime is missing; CI installs both (`.ci/run`). The SDK has no npm
 * dependency, so neither needs an install step.
 */
import assert from "node:assert/strict";
import { assertRuntimeReport } from "../runtimes/expect_report.ts";
import { withEngine } from "./support.ts";

const root = new URL("../../", import.meta.url);

function versionOf(command: string): string | undefined {
  try {
    const out = new Deno.Command(command, { args: ["--version"], stdout: "piped", stderr: "null" })
      .outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

const bun = versionOf("bun") ? "bun" : undefined;
if (!bun) {
  console.warn("runtimes.test.ts: Bun check skipped because `bun` is not installed (npm install -g bun).");
}

/** A Node that can run .ts files: VECTORSHIFT_TEST_NODE (CI sets it), else `node` on PATH if new enough. */
function findNode(): { path: string; flags: string[] } | undefined {
  for (const path of [Deno.env.get("VECTORSHIFT_TEST_NODE"), "node"]) {
    if (!path) continue;
    const [major = 0, minor = 0] = (versionOf(path) ?? "").replace(/^v/, "").split(".").map(Number);
    if (major > 23 || (major === 23 && minor >= 6)) return { path, flags: [] };
    if (major === 22 && minor >= 6) return { path, flags: ["--experimental-strip-types"] };
  }
  return undefined;
}

const node = findNode();
if (!node) {
  console.warn(
    "runtimes.test.ts: Node check skipped: no Node 22.6+ found (set VECTORSHIFT_TEST_NODE, or see .ci/run).",
  );
}

/** Runs the client script under `command` against a fresh engine and checks its report. */
async function checkRuntime(runtime: "bun" | "node", command: string, args: string[]): Promise<void> {
  await withEngine(async ({ client }) => {
    const child = await new Deno.Command(command, {
      args: [...args, "tests/runtimes/runtime_client.ts"],
      cwd: root,
      env: { VECTORSHIFT_API_KEY: client.apiKey, VECTORSHIFT_API_URL: client.baseUrl, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(child.stdout).trim();
    const err = new TextDecoder().decode(child.stderr);
    assert.ok(child.success, `${runtime} exited with ${child.code}\nstdout: ${out}\nstderr: ${err}`);
    const report = JSON.parse(out.split("\n").at(-1) ?? "{}");
    assertRuntimeReport(report, runtime);
  });
}

Deno.test({
  name: "the SDK runs under Bun against an engine started by Deno",
  ignore: !bun,
  fn: () => checkRuntime("bun", "bun", ["run"]),
});

Deno.test({
  name: "the SDK runs under Node (type stripping) against an engine started by Deno",
  ignore: !node,
  fn: () => checkRuntime("node", node?.path ?? "node", node?.flags ?? []),
});

Deno.test("the SDK sources use no Deno or Node namespace APIs", async () => {
  const files = ["mod.ts", "src/protocol/validate.ts"];
  for await (const entry of Deno.readDir(new URL("src/", root))) {
    if (entry.isFile && entry.name.endsWith(".ts")) files.push(`src/${entry.name}`);
  }
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, root));
    assert.doesNotMatch(text, /\bDeno\.[a-zA-Z]/, `${file} uses the Deno namespace`);
    assert.doesNotMatch(text, /from\s+["'](node:|npm:)/, `${file} imports a runtime-specific module`);
    assert.doesNotMatch(text, /\bprocess\.[a-z]/, `${file} uses Node's process`);
  }
});

Deno.test("the SDK entry depends on no npm package (the engine may)", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const info = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string }[] };
  const outside = info.modules.map((m) => m.specifier).filter((s) => !s.startsWith("file:"));
  assert.deepEqual(outside, [], "the SDK's module graph reaches outside the package");
});
