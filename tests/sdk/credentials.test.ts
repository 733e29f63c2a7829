/**
 * `apiKey` may be a function returning the key or a short-lived token: it is called again before every
 * (re)connect and REST call, and a function that fails says so.
 */
import assert from "node:assert/strict";
import { Agent, Session, VectorshiftError } from "../../mod.ts";
import { connected, scriptedServer } from "./scripted_server.ts";
import { newAgent, untilComplete, withEngine } from "./support.ts";

Deno.test("an apiKey function is asked before every REST call and every connect", async () => {
  await withEngine(async ({ engine }) => {
    let calls = 0;
    const apiKey = async () => {
      calls++;
      await Promise.resolve();
      return engine.apiKey;
    };
    const agent = await newAgent({ apiKey, baseUrl: engine.url });
    assert.equal(calls, 1, "Agent.new() asked once");
    await using session = await agent.createSession();
    await session.send("Hello!");
    await untilComplete(session);
    assert.ok(calls >= 2, "connect asked again");
    const before = calls;
    await session.getMessages();
    assert.equal(calls, before + 1, "each REST call asks again");
    const fetched = await Agent.fetch({ id: agent.id, apiKey, baseUrl: engine.url });
    assert.equal(fetched.id, agent.id);
  });
});

Deno.test("each reconnect sends the key the function returns then (a refreshed token)", async () => {
  const server = scriptedServer((socket, hello, n) => {
    socket.send(JSON.stringify(connected(hello.target.last_seq ?? 0)));
    if (n === 1) setTimeout(() => socket.close(1011, "restart"), 5);
  });
  let token = 0;
  const client = new Session({
    sessionId: "ses_raw",
    lastSeq: 0,
    apiKey: () => `token-${++token}`,
    baseUrl: server.baseUrl,
    reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  try {
    await client.connect();
    const deadline = Date.now() + 5000;
    while (server.hellos.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const keys = server.hellos.map((h) => (h as unknown as { api_key: string }).api_key);
    assert.deepEqual(keys, ["token-1", "token-2"]);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("an apiKey function that throws or returns no string fails the call with a clear error", async () => {
  await withEngine(async ({ engine }) => {
    await assert.rejects(
      newAgent({ apiKey: () => Promise.reject(new Error("token service down")), baseUrl: engine.url }),
      (e: unknown) =>
        e instanceof VectorshiftError && /apiKey function threw \(token service down\)/.test(e.message),
    );
    await assert.rejects(
      newAgent({ apiKey: (() => 42) as unknown as () => string, baseUrl: engine.url }),
      /returned number; it must return a non-empty string/,
    );
    assert.throws(
      () => new Session({ sessionId: "ses_x", apiKey: 42 as unknown as string, baseUrl: engine.url }),
      /apiKey must be a string or a function/,
    );
  });
});
