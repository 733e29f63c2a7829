/**
 * The runtime check: the SDK runs under Bun (no Deno namespace) against an engine started by Deno.
 * Skipped, with a message, only when `bun` is not installed (CI installs it: `npm install -g bun`).
 * Bun resolves the bare `zod` import from node_modules: `bun install --frozen-lockfile` at the root.
 */
import assert from "node:assert/strict";
import { withEngine } from "./support.ts";

const root = new URL("../../", import.meta.url);

function hasBun(): boolean {
  try {
    return new Deno.Command("bun", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const bun = hasBun();
if (!bun) console.warn("bun_runtime.test.ts: skipped because `bun` is not installed (npm install -g bun).");

async function ensureBunDependencies(): Promise<void> {
  try {
    await Deno.stat(new URL("node_modules/zod/package.json", root));
    return;
  } catch {
    // Not installed yet: install exactly what bun.lock pins.
  }
  const install = await new Deno.Command("bun", {
    args: ["install", "--frozen-lockfile"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    install.success,
    `bun install --frozen-lockfile failed; run it at the repository root.\n${
      new TextDecoder().decode(install.stderr)
    }`,
  );
}

Deno.test({
  name: "the SDK runs under Bun against an engine started by Deno",
  ignore: !bun,
  async fn() {
    await ensureBunDependencies();
    await withEngine(async ({ client }) => {
      const child = await new Deno.Command("bun", {
        args: ["run", "tests/runtimes/bun_client.ts"],
        cwd: root,
        env: { VECTORSHIFT_API_KEY: client.apiKey, VECTORSHIFT_API_URL: client.baseUrl, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(child.stdout).trim();
      const err = new TextDecoder().decode(child.stderr);
      assert.ok(child.success, `bun exited with ${child.code}\nstdout: ${out}\nstderr: ${err}`);
      const report = JSON.parse(out.split("\n").at(-1) ?? "{}");
      assert.equal(report.runtime, "bun");
      assert.equal(report.hasDeno, false);
      assert.match(report.answer, /437/);
      assert.equal(report.deltasMatch, true);
      assert.equal(report.approvals, 1);
      assert.equal(report.secondStatus, "complete");
      assert.deepEqual(report.historyRoles.filter((r: string) => r !== "tool"), [
        "user",
        "assistant",
        "user",
        "user",
        "assistant",
      ]);
      assert.equal(report.connectedAfterTerminate, false);
      assert.equal(report.resume, "SessionTerminatedError");
    });
  },
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
