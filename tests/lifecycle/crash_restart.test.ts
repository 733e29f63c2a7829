/**
 * Durable sessions (issue 10), proven through the public SDK against the standalone engine run as a
 * separate process on a SQLite data directory: killed with SIGKILL in the middle of a streamed
 * answer, or stopped with SIGTERM, and started again on the same directory. A loopback proxy keeps
 * the SDK's URL the same across restarts (the new engine listens on a new port).
 */
import assert from "node:assert/strict";
import {
  Agent,
  configure,
  Session,
  type SessionEvent,
  SessionEventType,
  SessionTerminatedError,
  ToolApprovalConfig,
} from "../../mod.ts";
import { CliEngine } from "../support/cli_engine.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp_proxy.ts";
import { seqProblem } from "../../conformance/invariants.ts";
import {
  assertHolds,
  assertRemembersBoston,
  introduceAlice,
  newAgent,
  untilComplete,
  untilCompleteWith,
} from "./support.ts";

const KEY = "vs-durable-test-key";
const RECONNECT = { initialDelayMs: 50, maxDelayMs: 500, maxRetries: 40 };

/** An engine on a fresh data directory behind a proxy; `restart` kills it and starts it again. */
async function durableEngine(tokensPerSecond = 200, extra: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "vectorshift-durable-" });
  const args = [
    "--data",
    dir,
    "--port",
    "0",
    "--offline-tokens-per-second",
    String(tokensPerSecond),
    ...extra,
  ];
  let engine = await CliEngine.start(KEY, args);
  const proxy: TcpProxy = await startTcpProxy(engine.url);
  configure({ apiKey: KEY, baseUrl: proxy.url });
  return {
    proxy,
    get engine() {
      return engine;
    },
    /** SIGKILL, then a new engine on the same data directory. */
    async crashAndRestart(): Promise<void> {
      await engine.kill();
      await this.startAgain();
    },
    /** A new engine on the same data directory (the previous one has stopped). */
    async startAgain(): Promise<void> {
      proxy.killAll();
      engine = await CliEngine.start(KEY, args);
      proxy.retarget(engine.url);
    },
    async dispose(): Promise<void> {
      await engine.kill();
      await proxy.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Logged seqs must follow each other exactly: no gap, no duplicate (the kit's invariant). */
function assertGapFree(events: SessionEvent[]): void {
  assertHolds(seqProblem(events));
}

Deno.test("SIGKILL mid-answer: listen() goes on gap-free, the turn ends interrupted, memory and history survive", async () => {
  const setup = await durableEngine();
  try {
    const agent = await newAgent("You are helpful.");
    await using session = await agent.createSession({ reconnect: RECONNECT });
    const events = await introduceAlice(session);

    await session.send("Write a very long essay about the history of computing.");
    let crashedAt = 0;
    events.push(
      ...await untilCompleteWith(session, async (deltas) => {
        if (deltas !== 5) return;
        crashedAt = deltas;
        await setup.crashAndRestart();
      }),
    );
    assertGapFree(events);
    const interrupted = events.find((e) => e.type === SessionEventType.ERROR);
    assert.equal(
      interrupted?.data.code,
      "turn_interrupted",
      "the cut-off turn is closed with turn_interrupted",
    );
    const complete = events.at(-1)!;
    assert.equal(complete.data.status, "error");
    assert.equal(crashedAt, 5, "the deltas sent before the crash were kept");

    // The session stays usable, with its memory.
    await assertRemembersBoston(session);

    const history = await session.getMessages();
    assert.match(history[0]?.text ?? "", /Alice/);
    assert.equal(history.filter((m) => m.sender.role === "user").length, 3);
    assert.ok(
      history.some((m) => m.sender.role === "assistant" && m.status === "error"),
      "the interrupted answer",
    );
    const fetched = await Agent.fetch({ id: agent.id });
    assert.equal(fetched.name, agent.name);
  } finally {
    await setup.dispose();
  }
});

Deno.test("SIGKILL while an approval is pending: it is delivered again after the restart and answering it finishes the turn", async () => {
  const setup = await durableEngine();
  try {
    const agent = await newAgent("Use the calculator for arithmetic.", {
      tools: [{
        name: "calc",
        tool_type: "calculator",
        approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
      }],
    });
    await using session = await agent.createSession({ reconnect: RECONNECT });
    await session.send("What is 6 * 7?");
    let requested = 0;
    let complete: SessionEvent | undefined;
    for await (const event of session.listen({ maxSize: 0 })) {
      if (event.type === SessionEventType.APPROVAL_REQUEST && requested++ === 0) {
        await setup.crashAndRestart();
        // A client resuming in another process sees the request again, and answers it.
        await using other = new Session({ sessionId: session.sessionId! });
        await other.connect();
        for await (const again of other.listen({ maxSize: 0 })) {
          if (again.type === SessionEventType.APPROVAL_REQUEST) {
            assert.equal(again.data.request_id, event.data.request_id);
            await other.respondApproval(again, { approved: true, confirm: { expression: "6*7+1" } });
            break;
          }
        }
      }
      if (event.isComplete) {
        complete = event;
        break;
      }
    }
    assert.equal(complete?.data.status, "complete");
    assert.match(complete?.text ?? "", /43/);
  } finally {
    await setup.dispose();
  }
});

Deno.test("a terminated session stays terminated across restarts", async () => {
  const setup = await durableEngine();
  try {
    const agent = await newAgent("You are helpful.");
    const session = await agent.createSession({ reconnect: RECONNECT });
    await session.send("Hello");
    await untilComplete(session);
    const id = session.sessionId!;
    await session.terminate();
    await setup.crashAndRestart();
    await setup.crashAndRestart();
    await assert.rejects(() => new Session({ sessionId: id }).connect(), SessionTerminatedError);
  } finally {
    await setup.dispose();
  }
});

Deno.test("SIGTERM drains: a running turn finishes within the grace period, and the engine exits 0", async () => {
  // Fast enough that the essay ends well within the grace period.
  const setup = await durableEngine(2000, ["--drain-grace-ms", "10000"]);
  try {
    const agent = await newAgent("You are helpful.");
    const session = await agent.createSession({ reconnect: { maxRetries: 0 } });
    await session.send("Write a very long essay about the history of computing.");
    for await (const event of session.listen({ maxSize: 0 })) {
      if (event.type === SessionEventType.MESSAGE_DELTA) break;
    }
    const stopped = await setup.engine.terminate();
    assert.equal(stopped.code, 0, stopped.log);
    await session.disconnect();

    await setup.startAgain();
    const history = await new Session({ sessionId: session.sessionId! }).getMessages();
    const answer = history.find((m) => m.sender.role === "assistant");
    assert.equal(answer?.status, "complete", "the turn finished during the drain");
    assert.ok((answer?.text ?? "").length > 500);
  } finally {
    await setup.dispose();
  }
});
