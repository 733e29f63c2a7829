/**
 * Regression tests for issue 9 (engine hardening), WebSocket side: each test failed on the engine
 * before the fix it names and passes after.
 */
import assert from "node:assert/strict";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { closeReason, MAX_CLOSE_REASON_BYTES } from "../../src/engine/ws/close_reason.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const utf8 = (text: string) => new TextEncoder().encode(text).byteLength;

function hello(apiKey: string, target: Record<string, unknown>) {
  return { type: "hello", protocol_version: PROTOCOL_VERSION, api_key: apiKey, target };
}

/** A file post whose base64 is `chars` characters long (3 bytes per 4 characters). */
function filePost(postId: string, chars: number) {
  return {
    type: "post",
    message: {
      post_id: postId,
      content: { kind: "file", mime_type: "application/octet-stream", data_base64: "QUFB".repeat(chars / 4) },
    },
  };
}

Deno.test("defect 1: a 4.5-million-character base64 post, before hello or after it, never ends the engine", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);

  // Before authentication: validated (in one pass, no regex), then refused as not a hello.
  const anonymous = await TestClient.open(engine.url);
  anonymous.send(filePost("before-hello", 4_500_000));
  const refused = await anonymous.next("error");
  assert.equal(refused.data.code, "handshake_required");
  assert.equal((await anonymous.closed).code, CloseCode.bad_handshake);

  // After it: a 3.4 MB file is under the message limit, so it is applied and answered.
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.send(filePost("big-file", 4_500_000));
  assert.equal((await client.next("message_posted")).data.post_id, "big-file");
  await client.next("message_complete");
  client.send({ type: "ping", nonce: "alive" });
  assert.equal((await client.next("pong")).data.nonce, "alive");
  await client.close();
  assert.equal((await rest(engine, "GET", "/v1/health")).status, 200);
});

Deno.test("defect 2: close reasons are cut by UTF-8 bytes, so a non-ASCII reason still closes the socket", async () => {
  const long = "é".repeat(200);
  const cut = closeReason(long);
  assert.ok(utf8(cut) <= MAX_CLOSE_REASON_BYTES, `${utf8(cut)} bytes`);
  assert.ok(cut.endsWith("..."));
  assert.equal(closeReason("short reason"), "short reason");
  const emoji = closeReason("😀".repeat(100));
  assert.ok(utf8(emoji) <= MAX_CLOSE_REASON_BYTES);
  assert.doesNotMatch(emoji, /\uFFFD/); // never cut inside a character

  await using engine = await testEngine();
  // A non-ASCII session id of 128 characters: the not-found reason quotes it.
  const client = await TestClient.open(engine.url);
  client.send(hello(engine.apiKey, { session_id: "é".repeat(128) }));
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.session_not_found);
  assert.ok(utf8(closed.reason) <= MAX_CLOSE_REASON_BYTES);
});

Deno.test("defect 6: the documented close code reaches clients that are still sending", async () => {
  await using engine = await testEngine({ maxFrameBytes: 64 * 1024 });
  const agent = await createAgent(engine);
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) {
    const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
    // One oversize frame, then more input the engine has not read when it decides to close.
    for (let k = 0; k < 6; k++) client.send("x".repeat(100 * 1024));
    codes.push((await client.closed).code);
  }
  assert.deepEqual(codes, Array(8).fill(CloseCode.frame_too_large));

  await using limited = await testEngine({ rateLimit: { framesPerSecond: 5, burst: 5 } });
  const limitedAgent = await createAgent(limited);
  const { client: flooder } = await TestClient.connect(limited.url, limited.apiKey, {
    agent_id: limitedAgent.id,
  });
  for (let k = 0; k < 2000; k++) flooder.send({ type: "ping" });
  assert.equal((await flooder.closed).code, CloseCode.rate_limited);
});

Deno.test("defect 7: ids have a maximum length and errors quote at most a short prefix", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.send({ type: "approval_response", request_id: "r".repeat(7_500_000), approved: true });
  const error = await client.next("error");
  assert.equal(error.data.code, "invalid_frame");
  assert.match(error.data.error, /request_id: must have at most 128 characters/);
  assert.ok(JSON.stringify(error).length < 2000, `error event is ${JSON.stringify(error).length} characters`);

  client.send({ type: "teleport".repeat(100_000) });
  const unknown = await client.next("error");
  assert.equal(unknown.data.code, "unknown_frame_type");
  assert.ok(JSON.stringify(unknown).length < 2000);

  const extraKeys: Record<string, unknown> = { type: "ping" };
  for (let i = 0; i < 10_000; i++) extraKeys[`k${i}${"z".repeat(100)}`] = i;
  client.send(extraKeys);
  const extra = await client.next("error");
  assert.equal(extra.data.code, "invalid_frame");
  assert.ok(JSON.stringify(extra).length < 2000, `error event is ${JSON.stringify(extra).length} characters`);
  await client.close();

  const anonymous = await TestClient.open(engine.url);
  anonymous.send(hello(engine.apiKey, { session_id: "s".repeat(1_000_000) }));
  const closed = await anonymous.closed;
  assert.equal(closed.code, CloseCode.bad_handshake);
  assert.match(closed.reason, /at most 128/);
});

Deno.test("frames nested deeper than the limit get invalid_frame, never a stack overflow", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const deep = `{"type":"approval_response","request_id":"r","approved":true,"confirm":{"v":${
    "[".repeat(100_000)
  }${"]".repeat(100_000)}}}`;
  client.send(deep);
  const error = await client.next("error");
  assert.equal(error.data.code, "invalid_frame");
  assert.match(error.data.error, /deeper than 64 levels/);
  client.send({ type: "ping", nonce: "after" });
  assert.equal((await client.next("pong")).data.nonce, "after");
  await client.close();
});

Deno.test("defect 9: a flooding socket cannot starve the other sockets of its own key", async () => {
  await using engine = await testEngine({ rateLimit: { framesPerSecond: 100, burst: 10 } });
  const agent = await createAgent(engine);
  const { client: flooder } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const { client: quiet } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  // About 110 frames/s, just over the key's 100/s: with one bucket per key the flooder takes every
  // token as soon as it refills, yet is refused too rarely to be closed as a flood, and the quiet
  // socket's pings are refused. With fair shares each socket has 50/s of its own.
  const flood = setInterval(() => {
    if (!flooder.isClosed) flooder.send({ type: "ping" });
  }, 9);
  const rounds = 20;
  try {
    for (let round = 0; round < rounds; round++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      quiet.send({ type: "ping", nonce: `q${round}` });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    clearInterval(flood);
  }
  const answered = quiet.events.filter((e) => e.type === "pong" && e.data.nonce?.startsWith("q")).length;
  assert.equal(answered, rounds, `the quiet socket got ${answered} of ${rounds} pongs`);
  await quiet.close();
  await flooder.close();
});

Deno.test("sockets per key are capped: one more is refused with 4008 and a reason to act on", async () => {
  await using engine = await testEngine({ maxSocketsPerKey: 2 });
  const agent = await createAgent(engine);
  const first = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const second = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const third = await TestClient.open(engine.url);
  third.send(hello(engine.apiKey, { agent_id: agent.id }));
  const refused = await third.next("error");
  assert.equal(refused.data.code, "rate_limited");
  assert.match(refused.data.error, /Too many open sockets for this API key \(limit 2\)/);
  assert.equal((await third.closed).code, CloseCode.rate_limited);
  await first.client.close();
  // A closed socket gives its place back.
  const again = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await again.client.close();
  await second.client.close();
});
