/**
 * Regression test for issue 9, defect 4: clients that stop reading cost the engine a bounded amount of
 * memory, and each one, once it reads again, finds the documented close code (1011) after what was sent.
 * The engine runs as a separate process so its resident memory is its own.
 */
import assert from "node:assert/strict";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { EngineProcess } from "../../fuzz/engine_process.ts";
import { decodeFrames, encodeFrame, httpStatus, RawConn, upgradeRequest } from "../../fuzz/raw_socket.ts";
import { createAgent, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const MiB = 1024 * 1024;
const CLIENTS = 10;

/** Opens a WebSocket by hand, sends `hello` and posts, and then never reads. */
async function slowConsumer(url: string, apiKey: string, agentId: string): Promise<RawConn> {
  const conn = await RawConn.open(url);
  await conn.write(upgradeRequest(new URL(url).host));
  assert.ok(await conn.readUntil((buffer) => httpStatus(buffer) !== undefined, 10_000), "no upgrade answer");
  const head = httpStatus(conn.buffered)!;
  assert.equal(head.status, 101);
  conn.consume(head.headEnd);
  const hello = {
    type: "hello",
    protocol_version: PROTOCOL_VERSION,
    api_key: apiKey,
    target: { agent_id: agentId },
  };
  await conn.write(encodeFrame(JSON.stringify(hello)));
  for (let i = 0; i < 40; i++) {
    const text = "Write a very long essay about the history of computing, please.";
    await conn.write(
      encodeFrame(
        JSON.stringify({ type: "post", message: { post_id: `p${i}`, content: { kind: "text", text } } }),
      ),
    );
  }
  return conn;
}

/** Reads (and drops) every frame the engine queued, until its close frame; returns the close code. */
async function closeCodeAfterEverything(conn: RawConn): Promise<number | undefined> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const { frames, used } = decodeFrames(conn.buffered);
    conn.consume(used);
    const close = frames.find((frame) => frame.opcode === 8);
    if (close) return (close.payload[0]! << 8) | close.payload[1]!;
    const before = conn.buffered.byteLength;
    await conn.readUntil((buffer) => buffer.byteLength > before, 5_000);
    if (conn.eof && conn.buffered.byteLength === before) return undefined;
  }
  return undefined;
}

async function attachedSockets(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^vectorshift_attached_sockets (\d+)/m.exec(text)?.[1] ?? "NaN");
}

Deno.test("defect 4: ten clients that stop reading hold bounded engine memory and get 1011 when they read", async () => {
  const crashes: string[] = [];
  const engine = await EngineProcess.start(
    {
      offlineModel: { tokensPerSecond: 0 },
      heartbeatIntervalMs: 120_000,
      maxSocketBufferBytes: 1 * MiB,
      rateLimit: { framesPerSecond: 100_000, burst: 100_000 },
    },
    {
      onCrashLine: (line) => crashes.push(line),
      onExit: (code) => crashes.push(`engine exited with ${code}`),
      onRssOverBound: () => {},
    },
    Number.MAX_SAFE_INTEGER,
  );
  const conns: RawConn[] = [];
  try {
    const { url, apiKeys } = engine.ready;
    const apiKey = apiKeys[0]!;
    const created = await fetch(`${url}/v1/agents`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Essayist",
        type: "conversational",
        llm_info: { provider: "openai", model_id: "gpt-4o" },
        instructions: "Write a very long essay about the history of computing.",
      }),
    });
    const agentId = (await created.json()).id as string;
    const before = await engine.sampleRss();

    for (let i = 0; i < CLIENTS; i++) conns.push(await slowConsumer(url, apiKey, agentId));
    // The engine closes each one once its queued output passes the budget.
    const deadline = performance.now() + 60_000;
    while (await attachedSockets(url) > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(await attachedSockets(url), 0, "every slow consumer was detached");
    const grown = (await engine.sampleRss()) - before;
    // Before the fix each one held about 70 MiB (ten: +750 MiB or more). The budget is 1 MiB of queued
    // output per socket; the rest of the growth is the ten sessions generating essays at full speed
    // (their logs, and V8's heap grown by the garbage: about 150-270 MiB measured on 2 vCPUs).
    assert.ok(
      grown < 400 * MiB,
      `engine RSS grew by ${Math.round(grown / MiB)} MiB with ${CLIENTS} slow consumers`,
    );

    const codes: Array<number | undefined> = [];
    for (const conn of conns) codes.push(await closeCodeAfterEverything(conn));
    assert.deepEqual(codes, Array(CLIENTS).fill(CloseCode.internal_error));
    assert.deepEqual(crashes, []);
  } finally {
    for (const conn of conns) await conn.close();
    await engine.stop();
  }
});

Deno.test("a client resuming the whole retained log (10,000 events) at once is not taken for a slow consumer", async () => {
  await using engine = await testEngine();
  const agent = await createAgent(engine, {
    instructions: "Write a very long essay about the history of computing.",
  });
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  let head = 0;
  for (let i = 0; head < 10_500 && i < 20; i++) {
    client.post(`p${i}`, "Another essay, please.");
    head = (await client.next("message_complete", 60_000)).seq;
  }
  await client.close();
  const { client: again } = await TestClient.connect(engine.url, engine.apiKey, {
    session_id: connected.session_id,
    last_seq: head - 10_000,
  });
  await again.until((e) => e.logged && e.seq >= head, 30_000);
  assert.equal(again.events.filter((e) => e.logged).length, 10_000);
  await again.close();
});
