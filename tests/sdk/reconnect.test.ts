/** Automatic reconnect across server-side drops, queued sends, exhausted retries, heartbeat. */
import assert from "node:assert/strict";
import {
  AuthenticationError,
  SessionDisconnectedError,
  SessionError,
  type SessionEvent,
  ToolApprovalConfig,
} from "../../mod.ts";
import { startTcpProxy } from "../support/tcp_proxy.ts";
import { deltasOf, ESSAY, newAgent, untilComplete, waitFor, withEngine } from "./support.ts";

const FAST = { initialDelayMs: 5, maxDelayMs: 20 };

Deno.test("a socket killed mid-stream several times: every delta exactly once and in order", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client, ESSAY);
      await using session = await agent.createSession({ reconnect: FAST });
      await session.send("Write the essay.");
      const events: SessionEvent[] = [];
      let kills = 0;
      let deltas = 0;
      let connects = 0;
      for await (const event of session.listen({ maxSize: 0 })) {
        events.push(event);
        if (event.type === "session_connected") connects++;
        if (event.type === "message_delta") deltas++;
        // Kill the live socket (not one already dying) every 50 deltas, mid-stream.
        if (
          kills < 4 && connects === kills + 1 && deltas >= 50 * (kills + 1) && event.type === "message_delta"
        ) {
          proxy.killAll();
          kills++;
        }
        if (event.isComplete) break;
      }
      assert.equal(kills, 4);
      assert.ok(proxy.accepted >= 5, "each kill was followed by a reconnect");
      const { text, indexes } = deltasOf(events);
      assert.deepEqual(indexes, indexes.map((_, i) => i), "a delta is missing or doubled");
      assert.equal(text, events.at(-1)!.text);
      const seqs = events.filter((e) => e.logged).map((e) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), "logged seqs have a gap or a duplicate");
      assert.equal(events.filter((e) => e.type === "session_connected").length, 5);
    } finally {
      await proxy.close();
    }
  }, { offlineModel: { tokensPerSecond: 3000 } });
});

Deno.test("sends made while reconnecting are queued and delivered exactly once", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client);
      await using session = await agent.createSession({ reconnect: { ...FAST, maxRetries: 50 } });
      await session.connect();
      proxy.refuse(true);
      proxy.killAll();
      await waitFor(() => !session.isConnected, 2000, "the drop to be noticed");
      const sending = session.send("Sent while offline.");
      await new Promise((resolve) => setTimeout(resolve, 30));
      proxy.refuse(false);
      const receipt = await sending;
      assert.equal(receipt.duplicate, false);
      assert.equal(session.isConnected, true);
      await untilComplete(session);
      const users = (await session.getMessages()).filter((m) => m.sender.role === "user");
      assert.deepEqual(users.map((m) => m.text), ["Sent while offline."]);
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("the offline send queue is bounded by maxPendingSends", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client);
      await using session = await agent.createSession({
        reconnect: { ...FAST, maxRetries: 100 },
        maxPendingSends: 2,
      });
      await session.connect();
      proxy.refuse(true);
      proxy.killAll();
      await waitFor(() => !session.isConnected, 2000, "the drop to be noticed");
      const queued = [session.send("one"), session.send("two")];
      await assert.rejects(session.send("three"), (error: Error) => {
        assert.ok(error instanceof SessionError);
        assert.match(error.message, /queue is full/);
        return true;
      });
      proxy.refuse(false);
      await Promise.all(queued);
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("after the last retry the listener throws SessionDisconnectedError", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client);
      const session = await agent.createSession({
        reconnect: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 10 },
      });
      await session.connect();
      const listening = (async () => {
        for await (const _ of session.listen()) {
          // Keep reading until the listener fails.
        }
      })();
      const acceptedBefore = proxy.accepted;
      proxy.refuse(true);
      proxy.killAll();
      await assert.rejects(listening, (error: Error) => {
        assert.ok(error instanceof SessionDisconnectedError, `got ${error}`);
        assert.match(error.message, /after 3 attempts/);
        assert.equal(error.sessionId, session.sessionId);
        return true;
      });
      assert.equal(proxy.accepted - acceptedBefore, 3);
      assert.equal(session.isConnected, false);
      await session.disconnect();
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("an approval answered after a reconnect completes the turn", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client, "Use the calculator for arithmetic.", {
        tools: [{
          name: "calc",
          tool_type: "calculator",
          approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
        }],
      });
      await using session = await agent.createSession({ reconnect: FAST });
      await session.send("What is 23 * 19?");
      let requests = 0;
      let complete: SessionEvent | undefined;
      for await (const event of session.listen()) {
        if (event.type === "approval_request") {
          requests++;
          const accepted = proxy.accepted;
          proxy.killAll();
          await waitFor(() => proxy.accepted > accepted && session.isConnected, 2000, "the reconnect");
          await session.respondApproval(event, { approved: true });
        }
        if (event.isComplete) {
          complete = event;
          break;
        }
      }
      assert.equal(requests, 1, "the engine's re-sent copy of the request is not surfaced again");
      assert.equal(complete?.data.status, "complete");
      assert.match(complete?.text ?? "", /437/);
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("a half-open socket is detected by the heartbeat and the session reconnects", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const client = { apiKey: engine.apiKey, baseUrl: proxy.url };
      const agent = await newAgent(client);
      await using session = await agent.createSession({
        reconnect: FAST,
        heartbeat: { intervalMs: 50, timeoutMs: 100 },
      });
      await session.connect();
      const pongs: SessionEvent[] = [];
      const watching = (async () => {
        for await (const e of session.listen({ eventTypes: ["pong"] })) {
          pongs.push(e);
          if (pongs.length >= 1) break;
        }
      })();
      await watching;
      const started = Date.now();
      proxy.blackhole(true); // bytes vanish; neither side sees a close
      await waitFor(() => !session.isConnected, 5000, "the heartbeat to notice the dead socket");
      // interval (50) + timeout (100) is the design bound; the slack is for loaded CI machines.
      assert.ok(Date.now() - started < 3000, "a dead socket is noticed in bounded time");
      proxy.killAll(); // the abandoned half-open connection
      proxy.blackhole(false);
      await waitFor(() => session.isConnected, 2000, "the reconnect");
      await session.send("Still there?");
      const events = await untilComplete(session);
      assert.equal(events.at(-1)?.data.status, "complete");
    } finally {
      await proxy.close();
    }
  }, { heartbeatIntervalMs: 1000 });
});

Deno.test("a wrong key is an AuthenticationError and is never retried", async () => {
  await withEngine(async ({ engine }) => {
    const proxy = await startTcpProxy(engine.url);
    try {
      const agent = await newAgent({ apiKey: engine.apiKey, baseUrl: engine.url });
      const session = await agent.createSession({ apiKey: "vs-wrong", baseUrl: proxy.url, reconnect: FAST });
      await assert.rejects(session.send("hi"), AuthenticationError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(proxy.accepted, 1);
    } finally {
      await proxy.close();
    }
  });
});
