import { clearImmediate, setImmediate } from "node:timers";
import assert from "node:assert/strict";
import { createSimulator } from "../../../src/engine/providers/simulator.ts";
import { assistant, collect, user, userFile } from "./helpers.ts";

const fast = createSimulator({ tokensPerSecond: 0 });
const ESSAY_INSTRUCTIONS = "Write a very long essay about the history of computing.";

Deno.test("createSimulator() is named a simulator with the default model id", () => {
  const sim = createSimulator();
  assert.equal(sim.provider, "simulator");
  assert.equal(sim.simulated, true);
  assert.equal(sim.modelId, "offline-simulator-1");
  assert.equal(createSimulator({ modelId: "sim-2" }).modelId, "sim-2");
  assert.throws(() => createSimulator({ tokensPerSecond: -1 }), /tokensPerSecond/);
});

Deno.test("simulator output is deterministic: same request, same chunks", async () => {
  const requests = [
    [user("What is the capital of France?")],
    [user("Hello"), user("My name is Bob."), user("What is my name?")],
    [user("Write an essay about gardening.")],
  ];
  for (const messages of requests) {
    const a = await collect(fast, messages);
    const b = await collect(createSimulator({ tokensPerSecond: 0 }), messages);
    assert.deepEqual(a.chunks, b.chunks);
  }
});

Deno.test("simulator streams one thinking chunk first, then word tokens with leading spaces", async () => {
  const { chunks } = await collect(fast, [user("Why is the sky blue?")]);
  assert.equal(chunks[0]?.type, "thinking");
  assert.equal(chunks.filter((c) => c.type === "thinking").length, 1);
  const deltas = chunks.flatMap((c) => c.type === "text" ? [c.delta] : []);
  assert.ok(deltas.length > 5);
  assert.ok(deltas.slice(1).every((d) => /^\s+\S+$/.test(d)), "every later token is whitespace + one word");
});

Deno.test("simulator writes a 1,500+ word essay starting with 'The' when the instructions ask for one", async () => {
  const { chunks, text } = await collect(fast, [user("Go ahead, write the essay.")], {
    instructions: ESSAY_INSTRUCTIONS,
  });
  const first = chunks.find((c) => c.type === "text");
  assert.deepEqual(first, { type: "text", delta: "The" });
  assert.ok(text.split(/\s+/).length >= 1500, `essay has ${text.split(/\s+/).length} words`);
  assert.ok(text.split("\n\n").length >= 5, "several paragraphs");
  assert.match(text, /Babbage/);
});

Deno.test("simulator writes a generic essay on other topics named in the message", async () => {
  const { text } = await collect(fast, [user("Please write a long essay about urban beekeeping.")]);
  assert.ok(text.startsWith("The "));
  assert.ok(text.split(/\s+/).length >= 1500);
  assert.match(text, /urban beekeeping/);
});

Deno.test("simulator recalls a fact from an earlier user message", async () => {
  const messages = [
    user("Hi, my name is Alice and I live in Lisbon."),
    assistant("Nice to meet you!"),
    user("What is my name?"),
  ];
  const { text } = await collect(fast, messages);
  assert.match(text, /Your name is Alice\./);
  const where = await collect(fast, [...messages.slice(0, 2), user("Where do I live?")]);
  assert.match(where.text, /You live in Lisbon\./);
  const fav = await collect(fast, [
    user("My favourite colour is green."),
    assistant("ok"),
    user("What is my favourite colour?"),
  ]);
  assert.match(fav.text, /Your favourite colour is green\./);
});

Deno.test("simulator says it does not know without the earlier message (memory off)", async () => {
  const { text } = await collect(fast, [user("What is my name?")]);
  assert.match(text, /I can't recall your name: I have no earlier messages from you/);
  assert.doesNotMatch(text, /Alice/);
});

Deno.test("simulator acknowledges a stated name", async () => {
  const { text } = await collect(fast, [user("My name is Alice.")]);
  assert.match(text, /Nice to meet you, Alice!/);
});

Deno.test("simulator answers every post of a multi-post turn in one reply", async () => {
  const { text } = await collect(fast, [
    user("What is the capital of France?"),
    user("Name a prime number."),
    user("Tell me about otters."),
  ]);
  assert.match(text, /^You sent 3 messages\./);
  assert.match(text, /1\) .*capital of France/);
  assert.match(text, /2\) .*prime number/);
  assert.match(text, /3\) .*otters/);
});

Deno.test("simulator quotes the lines of an attached text file that a question asks about", async () => {
  const report = "Q3 report\nRevenue: $4.2M, up 12% on Q2\nChurn: 2.1% monthly\nHeadcount: 48\n";
  const messages = [
    userFile("q3.txt", "text/plain", report),
    assistant("Got it."),
    user("What were revenue and churn?"),
  ];
  const { text } = await collect(fast, messages);
  assert.match(text, /Revenue: \$4\.2M, up 12% on Q2/);
  assert.match(text, /Churn: 2\.1% monthly/);
  assert.doesNotMatch(text, /Headcount/);
});

Deno.test("simulator summarises a text file and acknowledges binary files", async () => {
  const summary = await collect(fast, [{
    role: "user",
    content: [
      { kind: "text", text: "summarize" },
      ...(userFile("notes.md", "text/markdown", "# Notes\nline two\n").content),
    ],
  }]);
  assert.match(summary.text, /^Summary of notes\.md \(Notes\): line two\.$/);
  const binary = await collect(fast, [userFile("photo.pdf", "application/pdf", "%PDF-1.4 fake")]);
  assert.match(binary.text, /photo\.pdf \(application\/pdf, 13 bytes\)/);
});

Deno.test("simulator greets, explains itself when asked, says what it cannot know, and respects 'one sentence'", async () => {
  assert.equal((await collect(fast, [user("Hello!")])).text, "Hello! How can I help you today?");
  assert.match((await collect(fast, [user("Who are you?")])).text, /offline model simulator/);
  const plain = await collect(fast, [user("How do tides work?")]);
  assert.match(plain.text, /^I can't tell you how tides work\. As an offline model simulator/);
  const brief = await collect(fast, [user("How do tides work?")], {
    instructions: "Answer in one sentence.",
  });
  assert.ok(brief.text.length < plain.text.length);
  assert.equal(brief.text.match(/[.!?](\s|$)/g)?.length, 1);
});

Deno.test("simulator stops at once when aborted mid-stream: no chunk after the abort", async () => {
  const controller = new AbortController();
  const reason = new Error("terminated by test");
  const sim = createSimulator({ tokensPerSecond: 200 });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (
      const chunk of sim.stream({
        instructions: ESSAY_INSTRUCTIONS,
        messages: [user("Go ahead.")],
        tools: [],
        signal: controller.signal,
      })
    ) {
      if (chunk.type !== "text") continue;
      seen.push(chunk.delta);
      controller.abort(reason);
    }
  }, (error) => error === reason);
  assert.deepEqual(seen, ["The"]);
});

Deno.test("simulator abort interrupts a pending token wait", async () => {
  const controller = new AbortController();
  const sim = createSimulator({ tokensPerSecond: 0.2 }); // 5 s per token: only an abort ends this quickly
  const iterator = sim.stream({
    instructions: "",
    messages: [user("Why is the sky blue?")],
    tools: [],
    signal: controller.signal,
  })
    [Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value?.type, "thinking");
  assert.equal((await iterator.next()).value?.type, "text");
  const pending = iterator.next();
  setTimeout(() => controller.abort(new Error("cancelled")), 5);
  await assert.rejects(pending, /cancelled/);
});

Deno.test("simulator with tokensPerSecond 0 still yields to the event loop while streaming", async () => {
  // A macrotask queued before the stream must run while it streams, not after: the unthrottled stream
  // yields to the event loop (with setImmediate, so a whole essay can take under a timer's 1-2 ms).
  let timerFiredAt = -1;
  let count = 0;
  const timer = setImmediate(() => timerFiredAt = count);
  try {
    for await (
      const chunk of fast.stream({
        instructions: ESSAY_INSTRUCTIONS,
        messages: [user("Go.")],
        tools: [],
        signal: new AbortController().signal,
      })
    ) if (chunk.type === "text") count++;
  } finally {
    clearImmediate(timer);
  }
  assert.ok(timerFiredAt >= 0 && timerFiredAt < count, `timer fired at token ${timerFiredAt} of ${count}`);
});

Deno.test("simulator lists what the user told it when asked, and uses files posted in the same turn", async () => {
  const told = await collect(fast, [
    user("My name is Alice. I live in Lisbon."),
    assistant("Noted."),
    user("What did I tell you about myself?"),
  ]);
  assert.match(told.text, /your name is Alice/);
  assert.match(told.text, /you live in Lisbon/);
  const report = "Revenue: $4.2M\nChurn: 2.1%\n";
  const batch = await collect(fast, [
    user("Here is our quarterly report."),
    userFile("q3.txt", "text/plain", report),
    user("What was the churn?"),
  ]);
  assert.match(batch.text, /^You sent 3 messages\./);
  assert.match(batch.text, /2\) I received q3\.txt/);
  assert.match(batch.text, /3\) From q3\.txt.*\n- "Churn: 2\.1%"/);
});
