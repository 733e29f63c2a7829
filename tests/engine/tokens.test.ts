import assert from "node:assert/strict";
import { Auth } from "../../src/engine/auth.ts";
import { TokenSigner } from "../../src/engine/tokens.ts";
import type { components } from "../../src/generated/rest.ts";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { createAgent, type EngineRef, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

type Token = components["schemas"]["Token"];
type Scope = components["schemas"]["TokenScope"];

async function mint(engine: EngineRef, scope: Scope, ttl_seconds?: number): Promise<Token> {
  const answer = await rest<Token>(engine, "POST", "/v1/tokens", {
    scope,
    ...(ttl_seconds ? { ttl_seconds } : {}),
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

/** Sends hello with `credential` and returns the refusal: error code, close code and message. */
async function refusal(engine: EngineRef, credential: string, target: Record<string, unknown>) {
  const client = await TestClient.open(engine.url);
  client.send({ type: "hello", protocol_version: PROTOCOL_VERSION, api_key: credential, target });
  const error = await client.next("error");
  assert.ok(error.type === "error");
  return { code: error.data.code, close: (await client.closed).code, message: error.data.error };
}

/** The organisation id of `key`, as the engine derives it. */
async function orgOf(key: string): Promise<string> {
  const auth = await Auth.create([key], { sessionAgent: () => Promise.resolve(undefined) });
  return auth.orgs[0] ?? "";
}

Deno.test("POST /v1/tokens mints a signed token with its scope and expiry; a token cannot mint", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const before = Date.now();
  const token = await mint(engine, { agent_id: agent.id }, 60);
  assert.match(token.token, /^vst_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.ok(token.token.length <= 512);
  assert.match(token.token_id, /^tok_[0-9a-f]{24}$/);
  assert.deepEqual(token.scope, { agent_id: agent.id });
  const ttl = Date.parse(token.expires_at) - Date.parse(token.issued_at);
  assert.equal(ttl, 60_000);
  assert.ok(Date.parse(token.expires_at) >= before + 59_000);
  assert.ok(!token.token.includes(engine.apiKey), "the key never appears in the token");
  const again = await rest(engine, "POST", "/v1/tokens", { scope: { organization: true } }, token.token);
  assert.equal(again.status, 403);
  assert.equal(again.body.code, "forbidden");
  assert.match(String(again.body.error), /Tokens cannot mint tokens/);
  const org = await mint(engine, { organization: true });
  const fromOrg = await rest(engine, "POST", "/v1/tokens", { scope: { organization: true } }, org.token);
  assert.equal(fromOrg.status, 403, "even an organisation token cannot mint");
});

Deno.test("POST /v1/tokens refuses bad requests with the field and the bounds", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const cases: [unknown, number, RegExp][] = [
    [{ scope: { agent_id: agent.id }, ttl_seconds: 5 }, 422, /ttl_seconds/],
    [{ scope: { agent_id: agent.id }, ttl_seconds: 86_401 }, 422, /ttl_seconds/],
    [{ scope: { agent_id: agent.id, session_id: "ses_x" } }, 422, /scope/],
    [{ scope: { agent_id: "x".repeat(129) } }, 422, /scope/],
    [{ scope: { organization: false } }, 422, /scope/],
    [{}, 422, /scope/],
    [{ scope: { agent_id: "ag_missing" } }, 404, /Agent ag_missing not found/],
    [{ scope: { session_id: "ses_missing" } }, 404, /Session ses_missing not found/],
  ];
  for (const [body, status, message] of cases) {
    const answer = await rest(engine, "POST", "/v1/tokens", body);
    assert.equal(answer.status, status, JSON.stringify(body));
    assert.match(String(answer.body.error), message, JSON.stringify(body));
  }
});

Deno.test("an agent-scoped token reaches its agent and that agent's sessions, nothing else", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const other = await createAgent(engine);
  const { token } = await mint(engine, { agent_id: agent.id });
  assert.equal((await rest(engine, "GET", `/v1/agents/${agent.id}`, undefined, token)).status, 200);
  for (
    const [method, path] of [["GET", `/v1/agents/${other.id}`], ["GET", "/v1/agents"], ["POST", "/v1/agents"]]
  ) {
    const answer = await rest(engine, method!, path!, method === "POST" ? { name: "x" } : undefined, token);
    assert.equal(answer.status, 403, `${method} ${path}`);
    assert.equal(answer.body.code, "forbidden");
    assert.match(String(answer.body.error), new RegExp(`covers only agent ${agent.id}`));
  }
  // A new session of its agent, a full turn, then a resume and its history over REST.
  const { client } = await TestClient.connect(engine.url, token, { agent_id: agent.id });
  const created = await client.next("session_created");
  client.post("p1", "What is 2 + 2?");
  await client.until((e) => e.type === "message_complete");
  await client.close();
  const sessionId = created.session_id;
  const resumed = await TestClient.connect(engine.url, token, { session_id: sessionId, last_seq: 0 });
  assert.equal(resumed.connected.data.resumed, true);
  await resumed.client.close();
  const messages = await rest(engine, "GET", `/v1/sessions/${sessionId}/messages`, undefined, token);
  assert.equal(messages.status, 200);
  // The other agent: no new session, no existing session, not over REST either.
  const { client: otherClient } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: other.id });
  const otherSession = (await otherClient.next("session_created")).session_id;
  await otherClient.close();
  for (const target of [{ agent_id: other.id }, { session_id: otherSession }, { chatbot_id: "cb_x" }]) {
    const refused = await refusal(engine, token, target);
    assert.equal(refused.code, "forbidden", JSON.stringify(target));
    assert.equal(refused.close, CloseCode.forbidden);
    assert.match(refused.message, /POST \/v1\/tokens/);
  }
  const foreign = await rest(engine, "POST", `/v1/sessions/${otherSession}/terminate`, undefined, token);
  assert.equal(foreign.status, 403);
  const terminated = await rest(engine, "POST", `/v1/sessions/${sessionId}/terminate`, undefined, token);
  assert.equal(terminated.status, 200, "its own agent's session may be terminated");
});

Deno.test("a session-scoped token reaches that session only", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;
  await client.close();
  const { client: second } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const secondId = (await second.next("session_created")).session_id;
  await second.close();
  const { token } = await mint(engine, { session_id: sessionId });
  const resumed = await TestClient.connect(engine.url, token, { session_id: sessionId });
  resumed.client.post("p1", "My name is Ada.");
  await resumed.client.until((e) => e.type === "message_complete");
  await resumed.client.close();
  assert.equal((await rest(engine, "GET", `/v1/sessions/${sessionId}`, undefined, token)).status, 200);
  assert.equal((await rest(engine, "GET", `/v1/sessions/${secondId}`, undefined, token)).status, 403);
  assert.equal((await rest(engine, "GET", `/v1/agents/${agent.id}`, undefined, token)).status, 403);
  assert.equal((await refusal(engine, token, { session_id: secondId })).close, CloseCode.forbidden);
  assert.equal((await refusal(engine, token, { agent_id: agent.id })).close, CloseCode.forbidden);
  // Terminated: minting for it is pointless and says so.
  await rest(engine, "POST", `/v1/sessions/${sessionId}/terminate`);
  const late = await rest(engine, "POST", "/v1/tokens", { scope: { session_id: sessionId } });
  assert.equal(late.status, 410);
  assert.equal(late.body.code, "session_terminated");
});

Deno.test("an organisation token does what the key does except minting", async () => {
  await using engine = await testEngine();
  const { token } = await mint(engine, { organization: true });
  const agent = await createAgent(engine, {}, token);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  const { client } = await TestClient.connect(engine.url, token, { agent_id: agent.id });
  await client.next("session_created");
  await client.close();
});

Deno.test("an expired token is refused with token_expired (401, close 4005); forged ones with unauthorized", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const org = await orgOf(engine.apiKey);
  // Signed with the engine's own key an hour ago, for ten minutes: valid signature, expired.
  const past = await TokenSigner.create(new Map([[org, engine.apiKey]]), () => Date.now() - 3_600_000);
  const { token: expired } = await past.mint(org, { agent_id: agent.id }, 600);
  const answer = await rest(engine, "GET", `/v1/agents/${agent.id}`, undefined, expired);
  assert.equal(answer.status, 401);
  assert.equal(answer.body.code, "token_expired");
  assert.match(String(answer.body.error), /expired at .*mint a new one with POST \/v1\/tokens/);
  const closed = await refusal(engine, expired, { agent_id: agent.id });
  assert.deepEqual([closed.code, closed.close], ["token_expired", CloseCode.token_expired]);

  const { token } = await mint(engine, { agent_id: agent.id });
  const dot = token.indexOf(".");
  // The signature's first character (its last one carries unused padding bits, which decode the same).
  const flipped = token.slice(0, dot + 1) + (token[dot + 1] === "A" ? "B" : "A") + token.slice(dot + 2);
  // Another organisation's scope pasted in: the signature no longer matches.
  const payload = JSON.parse(atob(token.slice(4, dot).replaceAll("-", "+").replaceAll("_", "/")));
  const widened = btoa(JSON.stringify({ ...payload, scope: { organization: true } }))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const otherKey = await TokenSigner.create(new Map([[org, "vs-some-other-key"]]));
  const { token: foreignSigned } = await otherKey.mint(org, { organization: true }, 60);
  const tooLong = await TokenSigner.create(new Map([[org, engine.apiKey]]));
  const { token: longLived } = await tooLong.mint(org, { organization: true }, 86_400 * 30);
  for (
    const bad of [
      flipped,
      `vst_${widened}${token.slice(dot)}`,
      foreignSigned,
      longLived,
      "vst_",
      "vst_a.b.c",
      `vst_${"A".repeat(600)}`,
    ]
  ) {
    const r = await rest(engine, "GET", `/v1/agents/${agent.id}`, undefined, bad);
    assert.equal(r.status, 401, bad.slice(0, 40));
    assert.equal(r.body.code, undefined);
    assert.match(String(r.body.error), /Invalid token/);
  }
  for (const bad of [flipped, foreignSigned, longLived]) {
    const r = await refusal(engine, bad, { agent_id: agent.id });
    assert.deepEqual([r.code, r.close], ["unauthorized", CloseCode.unauthorized]);
  }
});

Deno.test("a token signed by one engine is accepted by another that has the same key (no shared state)", async () => {
  await using first = await testEngine({ apiKeys: ["vs-shared-key"] });
  await using second = await testEngine({ apiKeys: ["vs-shared-key"] });
  await using stranger = await testEngine({ apiKeys: ["vs-other-key"] });
  const { token } = await mint(first, { organization: true });
  assert.equal((await rest(second, "GET", "/v1/agents", undefined, token)).status, 200);
  assert.equal((await rest(stranger, "GET", "/v1/agents", undefined, token)).status, 401);
});

Deno.test("a token has its own rate limit and also draws from its key's; both are counted per credential", async () => {
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 0.01, burst: 3 } });
  const { token, token_id } = await mint(engine, { organization: true }); // 1 of the key's 3
  const org = await orgOf(engine.apiKey);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  // The key's bucket is empty now (one mint, two token requests): the token is refused by its parent.
  const limited = await rest(engine, "GET", "/v1/agents", undefined, token);
  assert.equal(limited.status, 429);
  assert.equal((await rest(engine, "GET", "/v1/agents")).status, 429, "the key itself is out too");
  const { body } = await rest<string>(engine, "GET", "/metrics", undefined, null);
  const tokenLabels = `{org="${org}",credential="token",token="${token_id}"}`;
  assert.ok(body.includes(`vectorshift_credential_admitted_total${tokenLabels} 2`), body);
  assert.ok(body.includes(`vectorshift_credential_rate_limited_total${tokenLabels} 1`));
  assert.ok(body.includes(`vectorshift_credential_admitted_total{org="${org}",credential="key"} 1`));
  assert.ok(body.includes(`vectorshift_credential_rate_limited_total{org="${org}",credential="key"} 1`));
  assert.ok(body.includes("vectorshift_tokens_minted_total 1"));
  assert.ok(!body.includes(engine.apiKey), "metrics never show a key");
});

Deno.test("a token minted with its own rate limit is held to it while its key still has budget", async () => {
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 0.01, burst: 10 } });
  const answer = await rest<Token>(engine, "POST", "/v1/tokens", {
    scope: { organization: true },
    rate_limit: { per_second: 0.01, burst: 2 },
  });
  assert.equal(answer.status, 201);
  assert.deepEqual(answer.body.rate_limit, { per_second: 0.01, burst: 2 });
  const { token } = answer.body;
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, token)).status, 200);
  const limited = await rest(engine, "GET", "/v1/agents", undefined, token);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  assert.equal((await rest(engine, "GET", "/v1/agents")).status, 200, "the key keeps its own budget");
  const bad = await rest(engine, "POST", "/v1/tokens", {
    scope: { organization: true },
    rate_limit: { per_second: 0, burst: 2 },
  });
  assert.equal(bad.status, 422);
  assert.match(String(bad.body.error), /rate_limit/);
});

Deno.test("a token's own rate limit holds its WebSocket frames too, while the key's sockets go on", async () => {
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 0.01, burst: 40 } });
  const agent = await createAgent(engine);
  const answer = await rest<Token>(engine, "POST", "/v1/tokens", {
    scope: { agent_id: agent.id },
    rate_limit: { per_second: 0.01, burst: 3 },
  });
  const { client } = await TestClient.connect(engine.url, answer.body.token, { agent_id: agent.id });
  for (let i = 0; i < 5; i++) client.send({ type: "ping", nonce: `n${i}` });
  // Refusals are sent as frames arrive, pongs once each frame is handled: wait for both.
  let pongs = 0;
  const events = await client.until((e) => (pongs += e.type === "pong" ? 1 : 0) === 3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const limited = events.find((e) => e.type === "error");
  assert.ok(limited?.type === "error" && limited.data.code === "rate_limited", JSON.stringify(events));
  assert.ok((limited.data.retry_after_ms ?? 0) > 0);
  const { body } = await rest<string>(engine, "GET", "/metrics", undefined, null);
  const labels = `{org="${await orgOf(engine.apiKey)}",credential="token",token="${answer.body.token_id}"}`;
  assert.ok(body.includes(`vectorshift_credential_admitted_total${labels} 3`), body);
  assert.ok(body.includes(`vectorshift_credential_rate_limited_total${labels} 2`));
  await client.close();
  const { client: keyClient } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  keyClient.send({ type: "ping", nonce: "key" });
  const pong = await keyClient.next("pong");
  assert.equal(pong.type, "pong");
  await keyClient.close();
});
