import assert from "node:assert/strict";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import { createAgent, metric, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

Deno.test("malformed JSON, unknown types and invalid frames get an error event and the socket stays open", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const sessionId = (await client.next("session_created")).session_id;

  client.send("{not json");
  const badJson = await client.next("error");
  assert.equal(badJson.data.code, "invalid_json");
  assert.equal(badJson.logged, false);
  assert.equal(badJson.session_id, sessionId);
  assert.notEqual(badJson.data.fatal, true);

  client.send({ type: "teleport" });
  const unknown = await client.next("error");
  assert.equal(unknown.data.code, "unknown_frame_type");
  assert.match(unknown.data.error, /expected one of: hello, post/);

  client.send({ type: "post", message: { post_id: "p" } });
  const invalid = await client.next("error");
  assert.equal(invalid.data.code, "invalid_frame");
  assert.match(invalid.data.error, /message\.content/);
  assert.ok(Array.isArray((invalid.data.details as Record<string, unknown> | undefined)?.issues));

  client.send({
    type: "post",
    message: { post_id: "f", content: { kind: "file", mime_type: "text/plain", data_base64: "%%%" } },
  });
  const base64 = await client.next("error");
  assert.equal(base64.data.code, "invalid_frame");
  assert.match(base64.data.error, /invalid base64/i);

  client.send({ type: "ping", nonce: "still-here" });
  assert.equal((await client.next("pong")).data.nonce, "still-here");
  assert.equal(await metric(engine, 'vectorshift_errors_total{code="invalid_json"}'), 1);
  await client.close();
});

Deno.test("an oversize frame closes the socket with 1009; an oversize message gets message_too_large", async () => {
  await using engine = await testEngine({ maxFrameBytes: 4096, maxMessageBytes: 100 });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("big", "x".repeat(200));
  const tooLarge = await client.next("error");
  assert.equal(tooLarge.data.code, "message_too_large");
  assert.equal((tooLarge.data.details as Record<string, unknown> | undefined)?.post_id, "big");
  client.post("ok", "small");
  assert.equal((await client.next("message_posted")).data.post_id, "ok");

  client.post("huge", "y".repeat(5000));
  const fatal = await client.next("error");
  assert.equal(fatal.data.code, "frame_too_large");
  assert.equal(fatal.data.fatal, true);
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.frame_too_large);
  assert.match(closed.reason, /exceeds max_frame_bytes 4096/);
});

Deno.test("a flood above the per-key rate gets rate_limited, then close 4008; other keys are unaffected", async () => {
  // A near-zero refill rate makes the count exact: the agent creation takes 1 of the 10 tokens, so
  // 9 frames pass and the 17th rejected frame (more than 16 in a second) closes the socket. Sending
  // no frame after that one keeps the close clean (Deno's server aborts a connection that sends
  // data after the server's close frame).
  await using engine = await testEngine({
    apiKeys: ["vs-flood", "vs-calm"],
    rateLimit: { framesPerSecond: 0.001, burst: 10 },
  });
  const flooder = await createAgent(engine, {}, "vs-flood");
  const calmAgent = await createAgent(engine, {}, "vs-calm");
  const { client } = await TestClient.connect(engine.url, "vs-flood", { agent_id: flooder.id });
  const { client: calm } = await TestClient.connect(engine.url, "vs-calm", { agent_id: calmAgent.id });
  for (let i = 0; i < 9 + 17; i++) client.send({ type: "ping", nonce: String(i) });
  const closed = await client.closed;
  assert.equal(closed.code, CloseCode.rate_limited);
  const events = client.drain();
  const pongs = events.filter((e) => e.type === "pong").length;
  assert.ok(pongs >= 1 && pongs <= 9, `pongs: ${pongs}`);
  const errors = events.flatMap((e) => e.type === "error" ? [e.data] : []);
  assert.equal(errors[0]?.code, "rate_limited");
  assert.equal(errors[0]?.fatal, undefined);
  assert.equal(errors.at(-1)?.fatal, true);
  calm.send({ type: "ping", nonce: "calm" });
  assert.equal((await calm.next("pong")).data.nonce, "calm");
  calm.post("p", "Are you still fine?");
  assert.equal((await calm.next("message_complete")).data.status, "complete");
  await calm.close();
});
