/** Configuration: configure(), or environment variables read lazily, with clear errors. */
import assert from "node:assert/strict";
import { withEngine } from "./support.ts";

const probe = new URL("./fixtures/config_probe.ts", import.meta.url).pathname;

/** What a child Deno needs to find its cache; everything else (VECTORSHIFT_*) is cleared. */
function passThrough(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

async function runProbe(
  mode: string,
  args: { baseUrl: string; apiKey: string },
  permissions: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const { stdout, stderr, code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-net=127.0.0.1",
      ...permissions,
      probe,
      mode,
      args.baseUrl,
      args.apiKey,
    ],
    env: { NO_COLOR: "1", ...passThrough(), ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout).trim();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return text;
}

Deno.test("configure() needs no env permission; the environment is read only when needed", async () => {
  await withEngine(async ({ client }) => {
    assert.equal(await runProbe("configure", client, []), "ok 0");
    const env = { VECTORSHIFT_API_KEY: client.apiKey, VECTORSHIFT_API_URL: client.baseUrl };
    assert.equal(await runProbe("env", client, ["--allow-env"], env), "ok 0");
    // A key from configure() and the URL from the environment.
    assert.equal(
      await runProbe("configure-key-only", client, ["--allow-env"], { VECTORSHIFT_API_URL: client.baseUrl }),
      "ok 0",
    );
  });
});

Deno.test("missing configuration and missing env permission give errors that say what to do", async () => {
  const args = { baseUrl: "http://127.0.0.1:9", apiKey: "vs-x" };
  assert.match(await runProbe("env", args, []), /^error VectorshiftError: .*--allow-env/);
  assert.match(
    await runProbe("env", args, ["--allow-env"], { VECTORSHIFT_API_KEY: "vs-x" }),
    /^error VectorshiftError: .*call configure\(\{ baseUrl \}\) or set VECTORSHIFT_API_URL/,
  );
  assert.match(await runProbe("env", args, ["--allow-env"]), /^error VectorshiftError: No API key/);
});

Deno.test("an unreachable engine is an ApiConnectionError", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens on this port any more
  const out = await runProbe("configure", { baseUrl: `http://127.0.0.1:${port}`, apiKey: "vs-x" }, []);
  assert.match(
    out,
    /^error ApiConnectionError: Could not reach http:\/\/127\.0\.0\.1:\d+ .*engine is running/,
  );
});
