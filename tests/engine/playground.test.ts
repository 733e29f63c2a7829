/**
 * The playground as the engine serves it, without a browser (`tests/browser/` drives it in Chromium):
 * `deno task engine` prints a working link, the files and the SDK bundle are served with a strict
 * content security policy, and `engine.mintToken` checks its bounds.
 */
import assert from "node:assert/strict";
import { rest, testEngine } from "./support/engine_fixture.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("deno task engine prints a playground link whose token works and whose page loads the bundled SDK", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "engine", "--memory", "--port", "0", "--log-level", "error"],
    cwd: ROOT,
    env: { VECTORSHIFT_API_KEY: "vs-playground-link-test" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    const deadline = performance.now() + 60_000;
    while (!/Playground .*\n/.test(out) && performance.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    reader.releaseLock();
    const link = /Playground \(the link holds a token valid 60 min\): (http:\/\/\S+)/.exec(out)?.[1];
    assert.ok(link, `no playground link in:\n${out}`);
    const url = new URL(link);
    assert.equal(url.pathname, "/playground");
    assert.ok(!link.includes("vs-playground-link-test"), "the link never carries the key");
    const token = new URLSearchParams(url.hash.slice(1)).get("token") ?? "";
    const engine = { url: url.origin, apiKey: token };
    assert.equal((await rest(engine, "GET", "/v1/agents")).status, 200);
    assert.equal((await rest(engine, "POST", "/v1/tokens", { scope: { organization: true } })).status, 403);
    const page = await fetch(`${url.origin}/playground`);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/playground\/app\.js">/);
    // Bundled in process (the task runs with --unstable-bundle): an ES module with the SDK's classes.
    const sdk = await fetch(`${url.origin}/playground/sdk.js`);
    assert.equal(sdk.status, 200);
    assert.match(sdk.headers.get("content-type") ?? "", /javascript/);
    const code = await sdk.text();
    assert.match(code, /export\s*\{[^}]*\bSession\b/);
    assert.doesNotMatch(code, /\bDeno\./, "the browser bundle uses no Deno API");
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

Deno.test("the playground files are served with a strict policy; unknown files are a 404 naming the real ones", async () => {
  await using engine = await testEngine();
  for (
    const [path, type] of [["/playground", /text\/html/], ["/playground/app.js", /javascript/], [
      "/playground/app.css",
      /text\/css/,
    ]] as const
  ) {
    const response = await fetch(`${engine.url}${path}`);
    await response.body?.cancel();
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get("content-type") ?? "", type);
    assert.match(
      response.headers.get("content-security-policy") ?? "",
      /default-src 'self'.*frame-ancestors 'none'/,
    );
  }
  const missing = await rest(engine, "GET", "/playground/secrets.txt", undefined, null);
  assert.equal(missing.status, 404);
  assert.match(String(missing.body.error), /index\.html,app\.js,app\.css, sdk\.js/);
});

Deno.test("engine.mintToken mints an organisation token in process and refuses lifetimes out of bounds", async () => {
  await using engine = await testEngine();
  const { token, expiresAt } = await engine.mintToken({ organization: true }, 60);
  assert.ok(Math.abs(Date.parse(expiresAt) - Date.now() - 60_000) < 2_000);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  await assert.rejects(() => engine.mintToken({ agent_id: "a".repeat(129) }), /Invalid token scope/);
  for (const ttl of [5, 86_401, 1.5]) {
    await assert.rejects(
      () => engine.mintToken({ organization: true }, ttl),
      /ttlSeconds must be a whole number from 10 to 86400/,
    );
  }
});
