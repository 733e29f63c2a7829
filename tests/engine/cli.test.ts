import assert from "node:assert/strict";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import { createAgent } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const CLI = new URL("../../src/engine/cli.ts", import.meta.url).pathname;

/** Starts the CLI on port 0 and reads stdout until it prints the URL (and the key line). */
async function startCli(apiKeys: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      CLI,
      "--hostname",
      "127.0.0.1",
      "--port",
      "0",
    ],
    env: { VECTORSHIFT_API_KEY: apiKeys, OPENAI_API_KEY: "", OPENAI_BASE_URL: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/API key/.test(out)) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`The CLI did not print its URL: ${out}`);
  return { child, reader, url, out };
}

Deno.test("deno task engine prints its URL and the generated key, and SIGINT closes sockets with 1001", async () => {
  const { child, reader, url, out } = await startCli("");
  const key = /generated API key: (\S+)/.exec(out)?.[1] ?? "";
  assert.match(key, /^vs-[0-9a-f]{48}$/);
  const health = await fetch(`${url}/v1/health`);
  assert.equal((await health.json()).status, "ok");
  const agent = await createAgent({ url, apiKey: key });
  const { client } = await TestClient.connect(url, key, { agent_id: agent.id });
  child.kill("SIGINT");
  assert.equal((await client.closed).code, CloseCode.going_away);
  const status = await child.status;
  assert.equal(status.code, 0);
  await reader.cancel();
  const log = await new Response(child.stderr).text();
  assert.match(log, /session \S+ started/);
  assert.match(log, /shutting down/);
});

Deno.test("the standalone engine accepts the keys from VECTORSHIFT_API_KEY (comma-separated)", async () => {
  const { child, reader, url, out } = await startCli("vs-one, vs-two");
  assert.match(out, /Accepting 2 API key\(s\)/);
  for (const key of ["vs-one", "vs-two"]) {
    const answer = await fetch(`${url}/v1/agents`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
  }
  const wrong = await fetch(`${url}/v1/agents`, { headers: { authorization: "Bearer vs-three" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await reader.cancel();
  await child.stderr.cancel();
});
