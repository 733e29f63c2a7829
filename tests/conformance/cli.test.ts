/** `deno task conformance`: what it prints, its exit codes, and what it says about bad arguments. */
import assert from "node:assert/strict";
import { startEngine } from "../../src/engine/mod.ts";

const cli = new URL("../../conformance/cli.ts", import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env=VECTORSHIFT_API_KEY", cli, ...args],
    env: { VECTORSHIFT_API_KEY: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, out: decode(stdout), err: decode(stderr) };
}

Deno.test("the conformance CLI refuses bad arguments with exit 2 and says what to pass", async () => {
  const cases: [string[], RegExp][] = [
    [[], /--url http:\/\/127\.0\.0\.1:8787/],
    [["--url", "http://127.0.0.1:8787"], /--key/],
    [["--url", "ws://127.0.0.1:8787", "--key", "k"], /must start with http:\/\/ or https:\/\//],
    [["--url", "not a url", "--key", "k"], /is not a URL/],
    [
      ["--url", "http://127.0.0.1:9", "--key", "k"],
      /Cannot reach http:\/\/127\.0\.0\.1:9 .*is the server running/,
    ],
    [
      ["--url", "http://127.0.0.1:8787", "--key", "k", "--wait-ms", "soon"],
      /--wait-ms must be a positive number/,
    ],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await run(args);
    assert.equal(code, 2, `${args.join(" ")}: ${err}`);
    assert.match(err, message, args.join(" "));
    assert.match(err, /--help/);
  }
});

Deno.test("the conformance CLI prints a line per check and a summary; exit 0 when conformant, 1 on a failure", async () => {
  await using engine = await startEngine({
    port: 0,
    handshakeTimeoutMs: 5_000,
    offlineModel: { tokensPerSecond: 0 },
  });
  const wrongKey = await run(["--url", engine.url, "--key", "vs-wrong"]);
  assert.equal(wrongKey.code, 2);
  assert.match(wrongKey.err, /refused the key \(401\)/);

  const pass = await run([
    "--url",
    `${engine.url}/`,
    "--key",
    engine.apiKey,
    "--only",
    "rest.health_and_metrics,handshake.bad_key",
  ]);
  assert.equal(pass.code, 0, pass.out + pass.err);
  assert.match(pass.out, /^PASS rest\.health_and_metrics \(\d+ ms\)$/m);
  assert.match(pass.out, /^PASS handshake\.bad_key \(\d+ ms\)$/m);
  assert.match(pass.out, /^2 passed, 0 failed, 0 skipped in [\d.]+ s: conformant$/m);

  // Told the handshake timeout is 100 ms, the kit must fail a server that waits 5 s.
  const fail = await run([
    "--url",
    engine.url,
    "--key",
    engine.apiKey,
    "--only",
    "handshake.timeout",
    "--handshake-timeout-ms",
    "100",
  ]);
  assert.equal(fail.code, 1, fail.out + fail.err);
  assert.match(fail.out, /^FAIL handshake\.timeout/m);
  assert.match(
    fail.out,
    /guarantee: a socket that sends no hello within the handshake timeout is closed with 4002/,
  );
  assert.match(fail.out, /still open after 2100 ms/);
  assert.match(fail.out, /0 passed, 1 failed, 0 skipped .*NOT conformant/);
});
