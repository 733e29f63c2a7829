/**
 * The lifecycle suite: black-box through the public API against a real engine on port 0.
 * connect / disconnect / resume / terminate, memory, approvals across reconnects, history. What the
 * server guarantees on the wire (fan-out, replay, seq numbering, terminate codes) is the conformance
 * kit's (tests/conformance runs it against the engine); these tests check what the SDK makes of it.
 */
import assert from "node:assert/strict";
import {
  Session,
  type SessionEvent,
  SessionEventType,
  SessionTerminatedError,
  ToolApprovalConfig,
} from "../../mod.ts";
import { afterTerminatedProblem, deltaProblem, seqProblem } from "../../conformance/invariants.ts";
import { assertHolds, assertSafeCursors, ESSAY, newAgent, untilComplete, withEngine } from "./support.ts";
import { startTcpProxy } from "../support/tcp_proxy.ts";

Deno.test("terminate on the first delta: no further delta arrives and resume fails", async () => {
  await withEngine(async () => {
    const agent = await newAgent(ESSAY);
    const session = await agent.createSession();
    await session.connect();
    const id = session.sessionId!;
    const observer = new Session({ sessionId: id });
    await observer.connect();
    const seen: SessionEvent[] = [];
    const observing = (async () => {
      try {
        for await (const event of observer.listen({ maxSize: 0 })) seen.push(event);
      } catch (error) {
        if (!(error instanceof SessionTerminatedError)) throw error;
      }
    })();

    await session.send("Go ahead, write the essay.");
    for await (const event of session.listen()) {
      if (event.delta) {
        await session.terminate();
        break;
      }
    }
    assert.equal(session.isConnected, false);
    await observing;
    // The observer saw the log up to session_terminated and nothing after it; at most the deltas that
    // were already logged when terminate arrived.
    assertHolds(afterTerminatedProblem(seen));
    assert.equal(seen.filter((e) => e.isComplete && e.data.status === "complete").length, 0);

    await assert.rejects(() => new Session({ sessionId: id }).connect(), (error: Error) => {
      assert.ok(error instanceof SessionTerminatedError);
      assert.match(error.message, /terminated/);
      return true;
    });
    await assert.rejects(() => session.send("still there?"), SessionTerminatedError);
    await observer.disconnect();
  }, { tokensPerSecond: 400 });
});

Deno.test("disconnect mid-stream, resume in a new Session: the rest arrives exactly once", async () => {
  await withEngine(async () => {
    const agent = await newAgent(ESSAY);
    const first = await agent.createSession();
    await first.send("Write the essay.");
    const before: SessionEvent[] = [];
    for await (const event of first.listen({ maxSize: 0 })) {
      before.push(event);
      if (before.filter((e) => e.type === "message_delta").length === 20) break;
    }
    const id = first.sessionId!;
    await first.disconnect();

    // A new Session object (as another process would) resumes after the last seq it has seen.
    const lastSeq = before.at(-1)!.seq;
    const resumed = new Session({ sessionId: id, lastSeq });
    const after = await untilComplete(resumed);
    const all = [...before, ...after].filter((e) => e.type !== "session_connected" && e.type !== "pong");
    assertHolds(seqProblem(all));
    assertHolds(deltaProblem(all)); // also: the final text is exactly the deltas, none missing or doubled
    assertSafeCursors([...before, ...after]);
    assert.equal(after.at(-1)?.data.status, "complete");
    await resumed.disconnect();
  }, { tokensPerSecond: 800 });
});

Deno.test("connections killed repeatedly during a long answer: every delta exactly once, in order", async () => {
  await withEngine(async (engine) => {
    const proxy = await startTcpProxy(new URL(engine.url));
    try {
      const { configure } = await import("../../mod.ts");
      configure({ apiKey: engine.apiKey, baseUrl: proxy.url });
      const agent = await newAgent(ESSAY);
      const session = await agent.createSession({ reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
      await session.send("Write the essay.");
      const events: SessionEvent[] = [];
      let kills = 0;
      for await (const event of session.listen({ maxSize: 0 })) {
        events.push(event);
        const deltas = events.filter((e) => e.type === "message_delta").length;
        if (kills < 5 && deltas > 0 && deltas % 60 === 0) {
          proxy.killAll();
          kills++;
        }
        if (event.isComplete) break;
      }
      assert.equal(kills, 5, "the answer was too short to kill the connection five times");
      assertHolds(deltaProblem(events));
      assert.equal(events.at(-1)?.data.status, "complete");
      assert.ok((events.at(-1)?.text ?? "").length > 2000);
      // Every yielded seq is a safe cursor, the handshakes of the reconnects included ...
      assertSafeCursors(events);
      const reconnects = events.filter((e) => e.type === "session_connected").slice(1);
      assert.ok(reconnects.length >= 2, `${reconnects.length} reconnects seen`);
      await session.disconnect();
      // ... and resuming from one (as an app that stored it would) delivers exactly the rest.
      const stored = reconnects[1]!.seq;
      const resumed = new Session({ sessionId: session.sessionId!, lastSeq: stored });
      const rest = (await untilComplete(resumed)).filter((e) => e.logged).map((e) => e.seq);
      const expected = events.filter((e) => e.logged && e.seq > stored).map((e) => e.seq);
      assert.deepEqual(rest.slice(0, expected.length), expected);
      await resumed.disconnect();
    } finally {
      await proxy.close();
    }
  }, { tokensPerSecond: 1500 });
});

Deno.test("multi-turn memory: recalled with session memory on, not with it off", async () => {
  await withEngine(async () => {
    for (const enabled of [true, false]) {
      const agent = await newAgent("You are helpful.", { memory_config: { enable_session_memory: enabled } });
      await using session = await agent.createSession();
      await session.send("Hi, my name is Alice.");
      await untilComplete(session);
      await session.send("What is my name?");
      const reply = (await untilComplete(session)).at(-1)!.text ?? "";
      if (enabled) assert.match(reply, /Alice/);
      else assert.doesNotMatch(reply, /Alice/);
    }
  });
});

Deno.test("terminate while a second client is attached closes it with SessionTerminatedError", async () => {
  await withEngine(async () => {
    const agent = await newAgent(ESSAY);
    const owner = await agent.createSession();
    await owner.connect();
    const other = new Session({ sessionId: owner.sessionId! });
    await other.connect();
    const otherListening = (async () => {
      const types: string[] = [];
      try {
        for await (const event of other.listen()) types.push(event.type);
      } catch (error) {
        return { types, error };
      }
      return { types, error: undefined };
    })();
    await owner.send("Write the essay.");
    await owner.terminate();
    const { types, error } = await otherListening;
    assert.ok(types.includes("session_terminated"));
    assert.ok(error instanceof SessionTerminatedError, `expected SessionTerminatedError, got ${error}`);
    assert.equal(other.isConnected, false);
    await assert.rejects(() => other.send("hello?"), SessionTerminatedError);
  }, { tokensPerSecond: 200 });
});

Deno.test("an approval request survives a reconnect and answering it completes the turn", async () => {
  await withEngine(async (engine) => {
    const proxy = await startTcpProxy(new URL(engine.url));
    try {
      const { configure } = await import("../../mod.ts");
      configure({ apiKey: engine.apiKey, baseUrl: proxy.url });
      const agent = await newAgent("Use the calculator for arithmetic.", {
        tools: [{
          name: "calc",
          tool_type: "calculator",
          approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
        }],
      });
      await using session = await agent.createSession({ reconnect: { initialDelayMs: 10 } });
      await session.send("What is 6 * 7?");
      let requests = 0;
      let complete: SessionEvent | undefined;
      for await (const event of session.listen()) {
        if (event.type === SessionEventType.APPROVAL_REQUEST) {
          requests++;
          proxy.killAll(); // the socket dies before we answer
          await session.respond(event, { approved: true }); // queued, delivered after the reconnect
        }
        if (event.isComplete) {
          complete = event;
          break;
        }
      }
      assert.equal(requests, 1, "the re-sent approval request must not be surfaced twice to one client");
      assert.equal(complete?.data.status, "complete");
      assert.match(complete?.text ?? "", /42/);
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("history after resume has every message with role and status", async () => {
  await withEngine(async () => {
    const agent = await newAgent("You are helpful.");
    let id: string;
    {
      await using session = await agent.createSession();
      await session.send("First question: what is a compiler?");
      await untilComplete(session);
      id = session.sessionId!;
    }
    await using resumed = new Session({ sessionId: id });
    await resumed.connect();
    const history = await resumed.getMessages();
    assert.deepEqual(history.map((m) => m.sender.role), ["user", "assistant"]);
    assert.deepEqual(history.map((m) => m.status), ["complete", "complete"]);
    assert.match(history[0]!.text ?? "", /compiler/);
    await resumed.send("Second question: and an interpreter?");
    await untilComplete(resumed);
    assert.equal((await resumed.getMessages()).length, 4);
  });
});
