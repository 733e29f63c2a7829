/**
 * Regression tests for issue 9 (engine hardening), HTTP side: bad requests get a 4xx with a readable
 * reason, never a 500, and connections that send nothing, or only part of a request, are closed.
 */
import assert from "node:assert/strict";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, metric, rest, testEngine } from "./support/engine_fixture.ts";

type ErrorBody = components["schemas"]["Error"];

/** Opens a raw TCP connection to the engine (below fetch, which refuses to send broken requests). */
async function raw(baseUrl: string): Promise<Deno.TcpConn> {
  const url = new URL(baseUrl);
  return await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
}

/** Reads until the server closes (or `waitMs` passes); returns what arrived and whether it closed. */
async function readToEnd(conn: Deno.Conn, waitMs: number): Promise<{ text: string; closed: boolean }> {
  let text = "";
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(16 * 1024);
  const timer = setTimeout(() => conn.close(), waitMs);
  let closed = false;
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) {
        closed = true;
        break;
      }
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
  } catch {
    // Closed by the timer: the server kept the connection open.
  }
  clearTimeout(timer);
  if (closed) conn.close();
  return { text, closed };
}

function deepValue(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { v: value };
  return value;
}

Deno.test("defect 5: a tool input value nested 3,000 deep gets 422 naming the limit, not 500", async () => {
  await using engine = await testEngine();
  const response = await rest<ErrorBody>(engine, "POST", "/v1/agents", {
    name: "Deep",
    type: "conversational",
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    tools: [{
      name: "calc",
      tool_type: "calculator",
      inputs: { x: { type: "static", value: deepValue(3000) } },
    }],
  });
  assert.equal(response.status, 422);
  assert.match(response.body.error, /deeper than 64 levels/);
  assert.equal(await metric(engine, 'vectorshift_http_responses_total{status="500"}'), 0);
});

Deno.test("defect 5: a WebSocket upgrade without Sec-WebSocket-Key gets 400, not 500", async () => {
  await using engine = await testEngine();
  const conn = await raw(engine.url);
  await conn.write(new TextEncoder().encode(
    "GET /v1/sessions/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n",
  ));
  const { text } = await readToEnd(conn, 5000);
  assert.match(text, /^HTTP\/1\.1 400/);
  assert.match(text, /Sec-WebSocket-Key/);
  const post = await fetch(`${engine.url}/v1/sessions/ws`, { method: "POST", body: "x" });
  assert.equal(post.status, 405);
  await post.body?.cancel();
  assert.equal(await metric(engine, 'vectorshift_http_responses_total{status="500"}'), 0);
});

Deno.test("defect 5: a client that disconnects mid-body is answered 400 in the metrics, never 500", async () => {
  await using engine = await testEngine();
  for (let i = 0; i < 5; i++) {
    const conn = await raw(engine.url);
    await conn.write(new TextEncoder().encode(
      `POST /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${engine.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"name": "half`,
    ));
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.close();
  }
  // Give the engine time to notice the broken bodies.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await metric(engine, 'vectorshift_http_responses_total{status="500"}'), 0);
  assert.equal((await rest(engine, "GET", "/v1/health")).status, 200);
});

Deno.test("defect 7: a 10,000-character id in a path gets 400 with a short message, never echoed in full", async () => {
  await using engine = await testEngine();
  const response = await rest<ErrorBody>(engine, "GET", `/v1/sessions/${"s".repeat(10_000)}`);
  assert.equal(response.status, 400);
  assert.match(response.body.error, /ids are at most 128/);
  assert.ok(response.body.error.length < 300, `error is ${response.body.error.length} characters`);
  const unknown = await rest<ErrorBody>(engine, "GET", `/v1/${"x".repeat(10_000)}`);
  assert.equal(unknown.status, 404);
  assert.ok(unknown.body.error.length < 1000, `error is ${unknown.body.error.length} characters`);
});

Deno.test("defect 8: connections that send nothing, half a request or sit idle are closed after httpIdleTimeoutMs", async () => {
  await using engine = await testEngine({ httpIdleTimeoutMs: 300 });
  await createAgent(engine); // a normal request works through the guard
  const cases = [
    "",
    "GET /v1/health HTTP/1.1\r\nHost: x\r\n",
    `POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na`,
    "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", // answered, then idle keep-alive
  ];
  const results = await Promise.all(cases.map(async (payload) => {
    const conn = await raw(engine.url);
    if (payload) await conn.write(new TextEncoder().encode(payload));
    return await readToEnd(conn, 5000);
  }));
  for (const [i, result] of results.entries()) assert.ok(result.closed, `case ${i} was still open after 5 s`);
  assert.match(results[3]?.text ?? "", /^HTTP\/1\.1 200/);
});

Deno.test("defect 8: a WebSocket outlives httpIdleTimeoutMs (its own heartbeat governs it)", async () => {
  await using engine = await testEngine({ httpIdleTimeoutMs: 200 });
  const agent = await createAgent(engine);
  const socket = new WebSocket(`${engine.url.replace("http", "ws")}/v1/sessions/ws`);
  const events: string[] = [];
  socket.onmessage = (event) => events.push(JSON.parse(String(event.data)).type);
  await new Promise((resolve) => socket.onopen = resolve);
  socket.send(
    JSON.stringify({
      type: "hello",
      protocol_version: 1,
      api_key: engine.apiKey,
      target: { agent_id: agent.id },
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 800));
  socket.send(JSON.stringify({ type: "ping", nonce: "late" }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(socket.readyState, WebSocket.OPEN);
  assert.ok(events.includes("pong"), `events: ${events.join(", ")}`);
  const closed = new Promise((resolve) => socket.onclose = resolve);
  socket.close();
  await closed;
});
