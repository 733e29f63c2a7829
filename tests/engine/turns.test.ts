import assert from "node:assert/strict";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import type { components } from "../../src/generated/rest.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

type Messages = components["schemas"]["SessionMessageList"];

const isComplete = (e: ServerEvent) => e.type === "message_complete";
const isIdle = (e: ServerEvent) => e.type === "participant_status" && e.data.status === "idle";

Deno.test("a post is acknowledged, then answered by one turn in the documented order", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await client.next("session_created");
  client.post("p1", "What is a compiler?");
  const events = await client.until(isIdle);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 4), [
    "message_posted",
    "participant_status",
    "thinking",
    "message_streaming",
  ]);
  assert.deepEqual(types.slice(-2), ["message_complete", "participant_status"]);
  const posted = events[0];
  assert.ok(
    posted?.type === "message_posted" && posted.logged && !posted.data.duplicate &&
      posted.data.post_id === "p1",
  );
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 2), "logged seqs are consecutive");
  const deltas = events.filter((e) => e.type === "message_delta");
  assert.deepEqual(deltas.map((d) => d.data.index), deltas.map((_, i) => i));
  const complete = events.find(isComplete);
  assert.ok(complete?.type === "message_complete");
  assert.equal(complete.data.status, "complete");
  assert.deepEqual(complete.data.post_ids, ["p1"]);
  assert.equal(deltas.map((d) => d.data.delta).join(""), complete.data.text);
  const streaming = events.find((e) => e.type === "message_streaming");
  assert.equal(streaming?.message_id, complete.message_id);
  assert.ok(deltas.every((d) => d.message_id === complete.message_id));
  await client.close();
});

Deno.test("a retried post_id is applied once and acknowledged again as a duplicate", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("same", "Hello");
  client.post("same", "Hello");
  const events = await client.until(isIdle);
  const acks = events.filter((e) => e.type === "message_posted");
  assert.equal(acks.length, 2);
  assert.ok(acks[0]?.type === "message_posted" && acks[0].logged && !acks[0].data.duplicate);
  assert.ok(acks[1]?.type === "message_posted" && !acks[1].logged && acks[1].data.duplicate);
  assert.equal(acks[0].message_id, acks[1].message_id);
  assert.equal(events.filter(isComplete).length, 1);
  client.post("same", "Hello");
  const again = await client.next("message_posted");
  assert.equal(again.data.duplicate, true);
  client.send({ type: "ping" });
  const after = await client.until((e) => e.type === "pong");
  assert.deepEqual(after.map((e) => e.type), ["pong"], "no new turn for a duplicate");
  const history = await rest<Messages>(engine, "GET", `/v1/sessions/${again.session_id}/messages`);
  assert.equal(history.body.messages.filter((m) => m.sender.role === "user").length, 1);
  await client.close();
});

Deno.test("posts that arrive back to back coalesce into one turn with one message_complete", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("a", "First question about trains.");
  client.post("b", "Second question about boats.");
  client.post("c", "Third question about planes.");
  const events = await client.until(isIdle);
  const completes = events.filter(isComplete);
  assert.equal(completes.length, 1);
  const complete = completes[0];
  assert.ok(complete?.type === "message_complete");
  assert.deepEqual(complete.data.post_ids, ["a", "b", "c"]);
  assert.match(complete.data.text, /3 messages/);
  await client.close();
});

Deno.test("a batch is exactly one turn and a retried batch_id is a duplicate", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  const batch = {
    type: "post_batch",
    batch_id: "b1",
    messages: [
      { post_id: "x", content: { kind: "text", text: "Tell me about Rome." } },
      { post_id: "y", content: { kind: "text", text: "And about Paris." } },
    ],
  };
  client.send(batch);
  const events = await client.until(isIdle);
  const posted = events.find((e) => e.type === "messages_posted");
  assert.ok(posted?.type === "messages_posted" && posted.logged);
  assert.deepEqual(posted.data.post_ids, ["x", "y"]);
  assert.equal(posted.data.message_ids.length, 2);
  const completes = events.filter(isComplete);
  assert.equal(completes.length, 1);
  assert.ok(completes[0]?.type === "message_complete");
  assert.deepEqual(completes[0].data.post_ids, ["x", "y"]);
  client.send(batch);
  const dup = await client.next("messages_posted");
  assert.equal(dup.data.duplicate, true);
  assert.equal(dup.logged, false);
  assert.deepEqual(dup.data.message_ids, posted.data.message_ids);
  client.send({ ...batch, batch_id: "b2" });
  const reused = await client.next("error");
  assert.equal(reused.data.code, "invalid_frame");
  assert.match(reused.data.error, /already used/);
  await client.close();
});

Deno.test("posts that arrive while a turn runs are answered by the next turn", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 2000 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("essay", "Write a long essay about the history of computing.");
  await client.next("message_delta");
  client.post("later", "Thanks! What is a transistor?");
  const first = await client.next("message_complete");
  assert.deepEqual(first.data.post_ids, ["essay"]);
  const second = await client.next("message_complete");
  assert.deepEqual(second.data.post_ids, ["later"]);
  assert.notEqual(first.message_id, second.message_id);
  await client.close();
});

Deno.test("cancel_turn stops the turn and keeps the session usable", async () => {
  await using engine = await testEngine({ offlineModel: { tokensPerSecond: 1000 } });
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("essay", "Write a long essay about the history of computing.");
  await client.next("message_delta");
  client.send({ type: "cancel_turn", reason: "enough" });
  const events = await client.until(isComplete);
  const cancelled = events.find((e) => e.type === "turn_cancelled");
  assert.ok(cancelled?.type === "turn_cancelled" && cancelled.data.reason === "enough");
  const complete = events.at(-1);
  assert.ok(complete?.type === "message_complete" && complete.data.status === "cancelled");
  assert.ok(complete.data.text.length < 2000, "the essay was cut short");
  await client.until(isIdle);
  client.send({ type: "cancel_turn" });
  client.post("next", "Hello again");
  const next = await client.next("message_complete");
  assert.equal(next.data.status, "complete");
  const history = await rest<Messages>(engine, "GET", `/v1/sessions/${next.session_id}/messages`);
  const assistant = history.body.messages.filter((m) => m.sender.role === "assistant");
  assert.deepEqual(assistant.map((m) => m.status), ["error", "complete"]);
  await client.close();
});

Deno.test("history lists user and assistant messages with role, status, text and content type", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  client.post("t", "Hello");
  await client.until(isIdle);
  const csv = "region,revenue\nnorth,10\nsouth,20\n";
  client.send({
    type: "post",
    message: {
      post_id: "f",
      content: { kind: "file", mime_type: "text/csv", filename: "sales.csv", data_base64: btoa(csv) },
    },
  });
  const complete = await client.next("message_complete");
  const history = await rest<Messages>(engine, "GET", `/v1/sessions/${complete.session_id}/messages`);
  assert.equal(history.status, 200);
  const rows = history.body.messages.map((m) => [m.sender.role, m.content_type, m.status, m.post_id ?? null]);
  assert.deepEqual(rows, [
    ["user", "text/plain", "complete", "t"],
    ["assistant", "text/plain", "complete", null],
    ["user", "text/csv", "complete", "f"],
    ["assistant", "text/plain", "complete", null],
  ]);
  assert.equal(history.body.messages[0]?.text, "Hello");
  assert.equal(history.body.messages[2]?.text, "sales.csv");
  assert.equal(history.body.messages[3]?.text, complete.data.text);
  assert.equal(history.body.messages[3]?.id, complete.message_id);
  assert.equal(history.body.messages[3]?.sender.object_id, agent.id);
  await client.close();
});

Deno.test("session memory: the model sees earlier turns only when memory is on", async () => {
  await using engine = await testEngine();
  for (const memory of [true, false]) {
    const agent = await createAgent(engine, { memory_config: { enable_session_memory: memory } });
    const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
    client.post("1", "My name is Alice.");
    await client.until(isIdle);
    client.post("2", "What is my name?");
    const answer = await client.next("message_complete");
    if (memory) assert.match(answer.data.text, /Alice/);
    else assert.doesNotMatch(answer.data.text, /Alice/);
    await client.close();
  }
});

Deno.test("sessions over REST: create, attach by id, state, chatbot sessions", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine);
  const created = await rest<components["schemas"]["SessionInfo"]>(engine, "POST", "/v1/sessions", {
    agent_id: agent.id,
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.state, "active");
  assert.equal(created.body.head_seq, 1);
  assert.equal(created.body.attached_sockets, 0);
  const target = { session_id: created.body.id };
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, target);
  assert.equal(connected.data.resumed, true);
  assert.equal((await client.next("session_created")).seq, 1);
  const info = await rest<components["schemas"]["SessionInfo"]>(
    engine,
    "GET",
    `/v1/sessions/${created.body.id}`,
  );
  assert.equal(info.body.attached_sockets, 1);
  assert.equal(info.body.generating, false);
  assert.equal((await rest(engine, "POST", "/v1/sessions", {})).status, 422);
  assert.equal((await rest(engine, "POST", "/v1/sessions", { agent_id: "agt_nope" })).status, 404);
  const functional = await createAgent(engine, { type: "functional" });
  assert.equal((await rest(engine, "POST", "/v1/sessions", { agent_id: functional.id })).status, 422);

  const bot = await rest<{ id: string }>(engine, "POST", "/v1/chatbots", { name: "Bot", agent_id: agent.id });
  const { client: botClient } = await TestClient.connect(engine.url, engine.apiKey, {
    chatbot_id: bot.body.id,
  });
  const botCreated = await botClient.next("session_created");
  assert.equal(botCreated.data.chatbot_id, bot.body.id);
  assert.equal(botCreated.data.agent_id, agent.id);
  await botClient.close();
  await client.close();
});
