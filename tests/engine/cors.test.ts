import assert from "node:assert/strict";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";

const APP = "https://app.example";

function preflight(url: string, origin: string, method = "POST"): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type",
    },
  });
}

Deno.test("CORS: a preflight from any origin is answered, and REST responses allow the origin", async () => {
  await using engine = await testEngine();
  const answer = await preflight(`${engine.url}/v1/agents`, APP);
  await answer.body?.cancel();
  assert.equal(answer.status, 204);
  assert.equal(answer.headers.get("access-control-allow-origin"), "*");
  assert.match(answer.headers.get("access-control-allow-methods") ?? "", /POST/);
  assert.match(answer.headers.get("access-control-allow-headers") ?? "", /authorization/);
  assert.ok(Number(answer.headers.get("access-control-max-age")) > 0);

  const agent = await createAgent(engine);
  const read = await fetch(`${engine.url}/v1/agents/${agent.id}`, {
    headers: { origin: APP, authorization: `Bearer ${engine.apiKey}` },
  });
  assert.equal(read.status, 200);
  assert.equal(read.headers.get("access-control-allow-origin"), "*");
  assert.equal((await read.json()).id, agent.id);
  const unauthorized = await fetch(`${engine.url}/v1/agents`, { headers: { origin: APP } });
  await unauthorized.body?.cancel();
  assert.equal(unauthorized.status, 401);
  assert.equal(unauthorized.headers.get("access-control-allow-origin"), "*", "errors are readable too");
});

Deno.test("CORS: allowedOrigins echoes a listed origin and refuses others; cors: false sends no headers", async () => {
  await using listed = await testEngine({ cors: { allowedOrigins: [APP] } });
  const ok = await preflight(`${listed.url}/v1/sessions`, APP);
  await ok.body?.cancel();
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), APP);
  assert.match(ok.headers.get("vary") ?? "", /Origin/);
  const other = await preflight(`${listed.url}/v1/sessions`, "https://evil.example");
  assert.equal(other.status, 403);
  assert.match((await other.json()).error, /Origin https:\/\/evil\.example may not call this engine/);
  assert.equal(other.headers.get("access-control-allow-origin"), null);

  await using closed = await testEngine({ cors: false });
  const off = await preflight(`${closed.url}/v1/agents`, APP);
  await off.body?.cancel();
  assert.equal(off.status, 405);
  assert.equal(off.headers.get("access-control-allow-origin"), null);
});

Deno.test("a path with bad percent-encoding is a 400 that says how to encode ids", async () => {
  await using engine = await testEngine();
  for (const path of ["/v1/agents/%ZZ", "/v1/sessions/%E0%A4%A/messages", "/v1/chatbots/%"]) {
    const answer = await rest<{ status: string; error: string }>(engine, "GET", path);
    assert.equal(answer.status, 400, path);
    assert.match(answer.body.error, /invalid percent-encoding; encode ids with encodeURIComponent/);
  }
});
