/**
 * The authenticated WebSocket attack: each worker attaches a socket to a real session of the attacked
 * organisation and sends fuzz frames one at a time, each followed by a barrier `ping`. Frames are
 * handled in arrival order, so the barrier's `pong` marks the end of the engine's answer to the fuzz
 * frame: that window must hold an `error` (or the acknowledgement the frame asks for), and a frame
 * that closed the socket must have closed it with a documented code.
 *
 * @module
 */
import type { FuzzContext } from "./context.ts";
import type { CaseRef } from "./findings.ts";
import { Rng } from "./random.ts";
import { checkClose, inspect, normalize } from "./ws_checks.ts";
import { wsCase, type WsTargets } from "./ws_cases.ts";
import { FuzzSocket } from "./ws_client.ts";

const OPEN_TIMEOUT_MS = 10_000;

/** A socket attached to a session, and what the generator knows about it. */
interface Attached {
  socket: FuzzSocket;
  targets: WsTargets;
}

/** Opens a socket and attaches it to a new session of organisation A. */
export async function attach(ctx: FuzzContext, hello: Record<string, unknown>): Promise<FuzzSocket> {
  const socket = await FuzzSocket.open(ctx.fixtures.wsUrl, OPEN_TIMEOUT_MS);
  socket.sendJson(hello);
  const answer = await socket.waitFor((f) => {
    const t = (f.value as { type?: string } | undefined)?.type;
    return t === "session_connected" || t === "error";
  }, OPEN_TIMEOUT_MS);
  if (
    answer === "closed" || answer === "timeout" ||
    (answer.value as { type: string }).type !== "session_connected"
  ) {
    await socket.dispose();
    throw new Error(`attach failed: ${answer === "closed" || answer === "timeout" ? answer : answer.raw}`);
  }
  return socket;
}

async function newAttached(ctx: FuzzContext): Promise<Attached> {
  const { a, b } = ctx.fixtures;
  const socket = await attach(ctx, {
    type: "hello",
    protocol_version: 1,
    api_key: a.key,
    target: { agent_id: a.agentId },
  });
  const connected = socket.peek().find((f) => (f.value as { type?: string }).type === "session_connected");
  const sessionId = String((connected?.value as { session_id?: unknown } | undefined)?.session_id ?? "");
  return {
    socket,
    targets: {
      apiKey: a.key,
      otherKey: b.key,
      agentId: a.agentId,
      chatbotId: a.chatbotId,
      sessionId,
      otherSessionId: b.sessionId,
      requestIds: [],
      postIds: [],
      maxFrameBytes: ctx.options.maxFrameBytes,
    },
  };
}

/** How long the answer to a frame of `bytes` may take before the engine counts as stalled. */
function answerTimeoutMs(bytes: number): number {
  return 15_000 + Math.ceil(bytes / 1_000_000) * 2000;
}

async function runCase(ctx: FuzzContext, at: Attached, ref: CaseRef, caseIndex: number): Promise<boolean> {
  const rng = Rng.forCase(ctx.options.seed, "ws", caseIndex);
  const c = wsCase(rng, at.targets, true);
  ref.input = c.input;
  const { socket } = at;
  const before = inspect(ctx, socket.take(), ref);
  remember(at, before.requestIds);
  const bytes = typeof c.data === "string" ? c.data.length : c.data.byteLength;
  if (!socket.send(c.data)) return false;
  ctx.counters.wsFrames++;
  ctx.counters.wsBytes += bytes;
  const barrier = `barrier-${caseIndex}`;
  socket.sendJson({ type: "ping", nonce: barrier });
  const timeout = answerTimeoutMs(bytes);
  const end = await socket.waitFor(
    (f) => (f.value as { type?: string; data?: { nonce?: unknown } } | undefined)?.data?.nonce === barrier,
    timeout,
  );
  const seen = inspect(ctx, socket.take(), ref, barrier);
  remember(at, seen.requestIds);
  const what = `${c.type ?? "non-frame"} (${c.expect})`;
  if (end === "timeout") {
    ctx.findings.fail(
      "ws_unanswered_frame",
      `no pong to the barrier ping within ${timeout} ms after ${what}`,
      ref,
    );
    await socket.dispose();
    return false;
  }
  if (end === "closed") {
    const info = socket.closeInfo!;
    // A close with a documented code answers the frame; one without a code is reported here.
    await checkClose(ctx, info, ref, what);
    return false;
  }
  if (c.expect === "close") {
    ctx.findings.fail("ws_past_timeout", "oversize frame answered instead of closing with 1009", ref);
    await socket.dispose();
    return false;
  }
  if (seen.fatal) {
    const info = await socket.waitClosed(ctx.options.graceMs);
    if (!info) {
      ctx.findings.fail("ws_past_timeout", `fatal error sent but the socket stayed open after ${what}`, ref);
      await socket.dispose();
    } else await checkClose(ctx, info, ref, what);
    return false;
  }
  if (c.expect === "error" && seen.errors.length === 0) {
    ctx.findings.fail("ws_unanswered_frame", `no error event for an invalid ${what}`, ref);
  } else if (c.expect === "answer" && seen.errors.length === 0 && seen.acks === 0) {
    ctx.findings.fail("ws_unanswered_frame", `neither error nor acknowledgement for ${what}`, ref);
  }
  for (const error of seen.errors) {
    if (typeof error.error !== "string" || error.error.length === 0) {
      ctx.findings.fail(
        "ws_invalid_server_frame",
        `error event without a message (${normalize(String(error.code))})`,
        ref,
      );
    }
  }
  return true;
}

function remember(at: Attached, ids: string[]): void {
  for (const id of ids) at.targets.requestIds.push(id);
  if (at.targets.requestIds.length > 50) at.targets.requestIds.splice(0, at.targets.requestIds.length - 50);
}

/** One attacker: runs `ws` cases until the schedule or the round ends. */
export async function wsWorker(ctx: FuzzContext): Promise<void> {
  let attached: Attached | undefined;
  let attachFailures = 0;
  try {
    while (!ctx.signal.aborted) {
      if (!attached) {
        try {
          attached = await newAttached(ctx);
          attachFailures = 0;
        } catch (error) {
          if (ctx.signal.aborted) break;
          // Bounded: a worker that cannot attach five times in a row gives up (the engine is gone or
          // refusing everyone, which the crash watch and the observer report).
          if (++attachFailures >= 5) {
            ctx.findings.fail(
              "ws_unanswered_frame",
              "attacker could not attach 5 times in a row",
              undefined,
              String(error),
            );
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
      }
      const index = ctx.nextCase("ws");
      if (index === undefined) break;
      const ref: CaseRef = { phase: "ws", index, input: "" };
      const done = ctx.findings.begin(ref);
      try {
        if (!await runCase(ctx, attached, ref, index)) {
          inspect(ctx, attached.socket.take(), ref);
          await attached.socket.dispose();
          attached = undefined;
        }
      } catch (error) {
        if (ctx.signal.aborted) break;
        ctx.log(`ws case ${index}: ${error instanceof Error ? error.message : error}`);
        await attached?.socket.dispose();
        attached = undefined;
      } finally {
        done();
      }
    }
  } finally {
    await attached?.socket.dispose();
  }
}
