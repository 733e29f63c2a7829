/** terminate(): confirmed by the engine, listeners end, later sends and resumes are refused. */
import assert from "node:assert/strict";
import { Session, type SessionEvent, SessionTerminatedError } from "../../mod.ts";
import { ESSAY, newAgent, withEngine } from "./support.ts";

function isTerminated(id: string) {
  return (error: Error) => {
    assert.ok(error instanceof SessionTerminatedError, `expected SessionTerminatedError, got ${error}`);
    assert.equal(
      error.message,
      `Session ${id} was terminated and cannot be resumed; create a new session.`,
    );
    assert.equal(error.sessionId, id);
    return true;
  };
}

Deno.test("terminate on the first delta: listeners end, sends throw, resume is refused", async () => {
  await withEngine(async ({ engine, client }) => {
    const agent = await newAgent(client, ESSAY);
    const session = await agent.createSession();
    await session.connect();
    const id = session.sessionId!;
    const second: SessionEvent[] = [];
    const secondListener = (async () => {
      for await (const event of session.listen({ maxSize: 0 })) second.push(event);
    })();
    await session.send("Go ahead, write the essay.");
    for await (const event of session.listen()) {
      if (event.delta) {
        await session.terminate();
        assert.equal(session.isConnected, false);
        break;
      }
    }
    await secondListener; // ended normally, after session_terminated
    assert.equal(second.at(-1)?.type, "session_terminated");
    assert.equal(second.filter((e) => e.isComplete && e.data.status === "complete").length, 0);

    await assert.rejects(session.send("still there?"), isTerminated(id));
    await assert.rejects(session.connect(), isTerminated(id));
    await session.terminate(); // idempotent
    await assert.rejects(new Session({ sessionId: id, ...client }).connect(), isTerminated(id));
    await assert.rejects(new Session({ sessionId: id, lastSeq: 0, ...client }).connect(), isTerminated(id));
    const state = await fetch(`${engine.url}/v1/sessions/${id}`, {
      headers: { authorization: `Bearer ${engine.apiKey}` },
    });
    assert.equal(state.status, 410);
    await state.body?.cancel();
  }, { offlineModel: { tokensPerSecond: 500 } });
});

Deno.test("terminate() without a socket terminates over REST", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    let id: string;
    {
      await using session = await agent.createSession();
      await session.connect();
      id = session.sessionId!;
    }
    const handle = new Session({ sessionId: id, ...client });
    await handle.terminate();
    assert.equal(handle.isConnected, false);
    await assert.rejects(handle.send("hello"), isTerminated(id));
    await assert.rejects(new Session({ sessionId: id, ...client }).getMessages(), isTerminated(id));
    await new Session({ sessionId: id, ...client }).terminate(); // 410 counts as done
  });
});

Deno.test("a session terminated by another client ends this client's listener with SessionTerminatedError", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, ESSAY);
    await using owner = await agent.createSession();
    await owner.connect();
    const other = new Session({ sessionId: owner.sessionId!, ...client });
    await other.connect();
    const seen: string[] = [];
    const listening = (async () => {
      for await (const event of other.listen()) seen.push(event.type);
    })();
    await owner.send("Write the essay.");
    await owner.terminate({ reason: "done" });
    await assert.rejects(listening, SessionTerminatedError);
    assert.equal(seen.at(-1), "session_terminated");
    assert.equal(other.isConnected, false);
  }, { offlineModel: { tokensPerSecond: 500 } });
});

Deno.test("cancelTurn() stops the running turn; the session stays usable", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, ESSAY);
    await using session = await agent.createSession();
    await session.send("Write the essay.");
    const types: string[] = [];
    let complete: SessionEvent | undefined;
    for await (const event of session.listen()) {
      types.push(event.type);
      if (event.delta && !types.includes("turn_cancelled")) await session.cancelTurn({ reason: "enough" });
      if (event.isComplete) {
        complete = event;
        break;
      }
    }
    assert.ok(types.includes("turn_cancelled"));
    assert.equal(complete?.data.status, "cancelled");
    await session.send("Hello again.");
    for await (const event of session.listen({ eventTypes: ["message_complete"] })) {
      assert.equal(event.data.status, "complete");
      break;
    }
    assert.equal(session.isConnected, true);
  }, { offlineModel: { tokensPerSecond: 500 } });
});
