/** listen(): buffering between send and listen, fan-out, overflow, filtering, ending. */
import assert from "node:assert/strict";
import { QUEUE_OVERFLOW_ERROR, type SessionEvent, SessionEventType } from "../../mod.ts";
import { deltasOf, ESSAY, newAgent, untilComplete, waitForReplies, withEngine } from "./support.ts";

Deno.test("events that arrive between send() and listen() are not lost", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.send("Tell me about the Moon landing.");
    await waitForReplies(session); // the whole turn happened before anyone listened
    const events = await untilComplete(session);
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 3), ["session_connected", "session_created", "message_posted"]);
    const { text, indexes } = deltasOf(events);
    assert.deepEqual(indexes, indexes.map((_, i) => i));
    assert.equal(text, events.at(-1)!.text);
  });
});

Deno.test("listen() started before send() receives the turn", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    const listening = untilComplete(session);
    const receipt = await session.send("Hello!");
    const events = await listening;
    const complete = events.at(-1)!;
    assert.ok(complete.isComplete);
    assert.deepEqual(complete.data.post_ids, [receipt.postId]);
    assert.equal(complete.data.status, "complete");
  });
});

Deno.test("several listeners at once each get every event; break ends only one", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, ESSAY);
    await using session = await agent.createSession();
    await session.connect();
    const early: SessionEvent[] = [];
    const breaker = (async () => {
      for await (const event of session.listen({ maxSize: 0 })) {
        early.push(event);
        if (event.type === "message_delta") break; // ends this listener only
      }
    })();
    const [a, b] = await Promise.all([untilComplete(session), untilComplete(session), session.send("Go.")]);
    await breaker;
    const logged = (events: SessionEvent[]) => events.filter((e) => e.logged).map((e) => e.seq);
    assert.ok(logged(a).length > 100);
    assert.deepEqual(logged(a), logged(b));
    assert.equal(early.at(-1)!.type, "message_delta");
    // The first listener also got the backlog (session_created); from there on all three agree.
    const shared = logged(early).filter((seq) => seq >= logged(a)[0]!);
    assert.deepEqual(shared, logged(a).slice(0, shared.length));
  }, { offlineModel: { tokensPerSecond: 4000 } });
});

Deno.test("a slow listener overflows: the event is dropped and an overflow error is delivered", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.connect();
    const slow = session.listen({ maxSize: 4 });
    const first = await slow.next(); // subscribes; the backlog (session_connected, ...) comes first
    assert.equal(first.done, false);
    const full = untilComplete(session); // an unbounded listener alongside sees everything
    await session.send("Hello there.");
    const all = await full;
    await waitForReplies(session);
    const seen: SessionEvent[] = [];
    for await (const event of slow) {
      seen.push(event);
      if (event.type === "error") break;
    }
    const overflow = seen.at(-1)!;
    assert.equal(overflow.type, "error");
    assert.equal(overflow.error, QUEUE_OVERFLOW_ERROR);
    assert.equal(overflow.data.code, "subscriber_queue_overflow");
    assert.ok(seen.length <= 4 + 1 + 2, `the bounded queue held ${seen.length} events`);
    assert.ok(all.length > 10, "the unbounded listener was not affected");
  });
});

Deno.test("eventTypes filters what is yielded; filtered events are not lost for the next listener", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    await using session = await agent.createSession();
    await session.send("Hello!");
    for await (const event of session.listen({ eventTypes: [SessionEventType.MESSAGE_COMPLETE] })) {
      assert.equal(event.type, "message_complete");
      break;
    }
    await session.send("Again, please.");
    const second = await untilComplete(session);
    assert.ok(second.some((e) => e.type === "message_posted"));
  });
});

Deno.test("send, send, send before one listen() yields exactly one MESSAGE_COMPLETE", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, "Answer every question.");
    await using session = await agent.createSession();
    const receipts = [
      await session.send("What is the capital of France?"),
      await session.send("And of Portugal?"),
      await session.send("And of Japan?"),
    ];
    await waitForReplies(session);
    const controller = new AbortController();
    const completes: SessionEvent[] = [];
    const reading = (async () => {
      try {
        for await (
          const e of session.listen({ signal: controller.signal, eventTypes: ["message_complete"] })
        ) {
          completes.push(e);
        }
      } catch (error) {
        if (error !== controller.signal.reason) throw error;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100)); // room for a (wrong) second turn
    controller.abort();
    await reading;
    assert.equal(completes.length, 1);
    assert.deepEqual(completes[0]!.data.post_ids, receipts.map((r) => r.postId));
    const history = await session.getMessages();
    assert.deepEqual(history.map((m) => m.sender.role), ["user", "user", "user", "assistant"]);
  });
});

Deno.test("sendMany() posts one batch answered in one turn; bytes, Blob and File are accepted", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client, "Read attached files carefully.");
    await using session = await agent.createSession();
    const notes = new TextEncoder().encode("Budget approved: $120,000.");
    const receipt = await session.sendMany([
      "Here are my notes.",
      { content: notes, mimeType: "text/plain", filename: "notes.txt" },
      new Blob(["Launch: 14 March."], { type: "text/plain" }),
      new File(["Owner: Priya."], "owner.txt", { type: "text/plain" }),
      "What budget was approved?",
    ]);
    assert.equal(receipt.postIds.length, 5);
    assert.equal(receipt.messageIds.length, 5);
    const events = await untilComplete(session);
    assert.deepEqual(events.at(-1)!.data.post_ids, receipt.postIds);
    assert.match(events.at(-1)!.text ?? "", /120,000/);
    const history = await session.getMessages();
    assert.deepEqual(
      history.filter((m) => m.sender.role === "user").map((m) => m.content_type),
      ["text/plain", "text/plain", "text/plain", "text/plain", "text/plain"],
    );
    assert.ok(history.some((m) => m.text === "owner.txt"), "the File's name is kept");
  });
});

Deno.test("listen() ends on disconnect(), throws signal.reason on abort, and await using disconnects", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    const session = await agent.createSession();
    await session.connect();
    const ended = (async () => {
      let n = 0;
      for await (const _ of session.listen()) n++;
      return n;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await session.disconnect();
    assert.ok((await ended) >= 1);
    assert.equal(session.isConnected, false);

    const controller = new AbortController();
    const reason = new Error("stop listening");
    const aborted = (async () => {
      for await (const _ of session.listen({ signal: controller.signal })) controller.abort(reason);
    })();
    await assert.rejects(aborted, (error) => error === reason);

    let inner: typeof session | undefined;
    {
      await using scoped = await agent.createSession({ sessionId: session.sessionId! });
      await scoped.connect();
      inner = scoped;
      assert.equal(scoped.isConnected, true);
    }
    assert.equal(inner.isConnected, false);
    await session.disconnect();
  });
});
