/**
 * Connection-level WebSocket attacks, where the timing is the input: a first frame that is not a
 * valid `hello` (or frames before it), sockets that never send `hello`, half a `hello` frame, attached
 * sockets that go silent, many sockets at once, and consumers that stop reading. Each must end the
 * documented way (4400 / 4001 / 4003 / 4004 / 4010 / 1009 for bad hellos, 4002 within the handshake
 * timeout, 4000 within the heartbeat timeout, 1011 for slow consumers) plus a grace period.
 *
 * @module
 */
import { CloseCode } from "../src/generated/protocol_schema.ts";
import { type FuzzContext, runCases } from "./context.ts";
import type { CaseRef } from "./findings.ts";
import type { Rng } from "./random.ts";
import { encodeFrame, rawWebSocket, readToClose } from "./raw_socket.ts";
import { checkClose, inspect } from "./ws_checks.ts";
import { validFrame, wsCase, type WsTargets } from "./ws_cases.ts";
import { FuzzSocket } from "./ws_client.ts";

const OPEN_TIMEOUT_MS = 10_000;

function targets(ctx: FuzzContext): WsTargets {
  const { a, b } = ctx.fixtures;
  return {
    apiKey: a.key,
    otherKey: b.key,
    agentId: a.agentId,
    chatbotId: a.chatbotId,
    sessionId: a.sessionId,
    otherSessionId: b.sessionId,
    requestIds: [],
    postIds: [],
    maxFrameBytes: ctx.options.maxFrameBytes,
  };
}

function handshakeDeadline(ctx: FuzzContext): number {
  return ctx.options.handshakeTimeoutMs + ctx.options.graceMs;
}

function heartbeatDeadline(ctx: FuzzContext): number {
  const hb = ctx.options.heartbeatIntervalMs;
  return 2 * hb + hb / 2 + ctx.options.graceMs;
}

/** Waits for the engine to close `socket`; checks the code (and `expected`, when given). */
async function expectClose(
  ctx: FuzzContext,
  socket: FuzzSocket,
  ref: CaseRef,
  deadlineMs: number,
  what: string,
  expected?: number,
): Promise<void> {
  const info = await socket.waitClosed(deadlineMs);
  inspect(ctx, socket.take(), ref);
  if (!info) {
    ctx.findings.fail("ws_past_timeout", `${what}: socket still open ${deadlineMs} ms later`, ref);
    await socket.dispose();
    return;
  }
  await checkClose(ctx, info, ref, what);
  if (expected !== undefined && info.code !== expected && info.code !== 1005 && info.code !== 1006) {
    ctx.findings.fail(
      "ws_undocumented_close",
      `${what}: closed with ${info.code}, documented ${expected}`,
      ref,
    );
  }
}

/** A first frame (or frames) other than a valid hello; or a valid one, which must connect. */
async function firstFrame(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const t = targets(ctx);
  const socket = await FuzzSocket.open(ctx.fixtures.wsUrl, OPEN_TIMEOUT_MS);
  const frames = rng.chance(0.5)
    ? [wsCase(rng, t, rng.chance(0.1))]
    : [{ ...wsCase(rng, t, false), data: JSON.stringify(mutateHello(rng, validFrame(rng, "hello", t))) }];
  if (rng.chance(0.2)) frames.push(wsCase(rng, t, false));
  ref.input = frames.map((f) => f.input).join(" | then ");
  for (const frame of frames) {
    socket.send(frame.data);
    ctx.counters.wsFrames++;
  }
  const answer = await socket.waitFor(
    (f) => (f.value as { type?: string } | undefined)?.type === "session_connected",
    handshakeDeadline(ctx),
  );
  if (answer !== "closed" && answer !== "timeout") {
    inspect(ctx, socket.take(), ref);
    await socket.dispose();
    return;
  }
  await expectClose(ctx, socket, ref, handshakeDeadline(ctx), "bad first frame");
}

function mutateHello(rng: Rng, hello: Record<string, unknown>): Record<string, unknown> {
  switch (rng.int(0, 7)) {
    case 0:
      return { ...hello, protocol_version: rng.pick([0, 2, 999, -1, 1.5, 2 ** 53]) };
    case 1:
      return { ...hello, api_key: rng.hostileString(6) || "x" };
    case 2:
      return { ...hello, target: { session_id: rng.hostileString(6) || "\u{1F600}" } };
    case 3:
      return { ...hello, target: { agent_id: rng.hugeString(rng.pick([200, 5000, 100_000])) } };
    case 4:
      return {
        ...hello,
        target: { session_id: `ses_${rng.hostileString(40)}${"\u00e9".repeat(rng.int(40, 200))}` },
      };
    case 5:
      return { ...hello, target: { chatbot_id: rng.hostileString(4) || "x", agent_id: "x" } };
    case 6:
      return { ...hello, extra: true };
    default:
      return hello;
  }
}

async function neverHello(ctx: FuzzContext, ref: CaseRef): Promise<void> {
  ref.input = "socket that never sends hello";
  const socket = await FuzzSocket.open(ctx.fixtures.wsUrl, OPEN_TIMEOUT_MS);
  await expectClose(ctx, socket, ref, handshakeDeadline(ctx), "no hello", CloseCode.handshake_timeout);
}

async function silentAttached(ctx: FuzzContext, ref: CaseRef): Promise<void> {
  ref.input = "attached socket that goes silent";
  const socket = await FuzzSocket.open(ctx.fixtures.wsUrl, OPEN_TIMEOUT_MS);
  socket.sendJson({
    type: "hello",
    protocol_version: 1,
    api_key: ctx.fixtures.a.key,
    target: { agent_id: ctx.fixtures.a.agentId },
  });
  ctx.counters.wsFrames++;
  await expectClose(
    ctx,
    socket,
    ref,
    heartbeatDeadline(ctx) + 1000,
    "silent attached socket",
    CloseCode.heartbeat_timeout,
  );
}

/** Half a hello: a frame header announcing more bytes than are ever sent. */
async function halfHello(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const hello = JSON.stringify({
    type: "hello",
    protocol_version: 1,
    api_key: ctx.fixtures.a.key,
    target: { agent_id: ctx.fixtures.a.agentId },
  });
  const frame = encodeFrame(hello);
  const cut = rng.int(1, frame.byteLength - 1);
  ref.input = `half a hello frame: ${cut} of ${frame.byteLength} bytes`;
  const conn = await rawWebSocket(ctx.fixtures.url, OPEN_TIMEOUT_MS);
  if (!conn) {
    ctx.findings.fail("raw_bad_answer", "valid raw upgrade refused", ref);
    return;
  }
  try {
    await conn.write(frame.subarray(0, cut));
    const { close } = await readToClose(conn, handshakeDeadline(ctx));
    if (close === "open") {
      ctx.findings.fail(
        "ws_past_timeout",
        "half a hello: socket still open after the handshake timeout",
        ref,
      );
    } else if (close === "eof") {
      ctx.findings.fail(
        "ws_close_without_code",
        "half a hello: TCP closed without a close frame (expected 4002)",
        ref,
      );
    } else await checkClose(ctx, { code: close, reason: "", byUs: false, at: 0 }, ref, "half a hello");
  } finally {
    await conn.close();
  }
}

async function manySockets(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const n = rng.int(20, 80);
  ref.input = `${n} sockets at once, half never send hello`;
  const opened = await Promise.allSettled(
    Array.from({ length: n }, () => FuzzSocket.open(ctx.fixtures.wsUrl, OPEN_TIMEOUT_MS)),
  );
  const sockets = opened.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  if (sockets.length < n) {
    ctx.findings.fail("raw_bad_answer", `only ${sockets.length} of ${n} concurrent sockets opened`, ref);
  }
  await Promise.all(sockets.map(async (socket, i) => {
    if (i % 2 === 0) {
      await expectClose(
        ctx,
        socket,
        ref,
        handshakeDeadline(ctx),
        "concurrent socket without hello",
        CloseCode.handshake_timeout,
      );
      return;
    }
    socket.sendJson({
      type: "hello",
      protocol_version: 1,
      api_key: ctx.fixtures.a.key,
      target: { agent_id: ctx.fixtures.a.agentId },
    });
    ctx.counters.wsFrames++;
    const ok = await socket.waitFor(
      (f) => (f.value as { type?: string } | undefined)?.type === "session_connected",
      OPEN_TIMEOUT_MS,
    );
    if (ok === "closed") await checkClose(ctx, socket.closeInfo!, ref, "concurrent hello");
    else if (ok === "timeout") {
      ctx.findings.fail("ws_unanswered_frame", "concurrent hello not answered in 10 s", ref);
    }
    inspect(ctx, socket.take(), ref);
    await socket.dispose();
  }));
}

/** A consumer that never reads while the engine owes it far more than its send buffer limit. */
async function slowConsumer(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const pings = rng.int(48, 96);
  const nonce = "n".repeat(512 * 1024);
  ref.input = `slow consumer: ${pings} pings with 512 KiB nonces, never reading`;
  const conn = await rawWebSocket(ctx.fixtures.url, OPEN_TIMEOUT_MS);
  if (!conn) return;
  try {
    const hello = {
      type: "hello",
      protocol_version: 1,
      api_key: ctx.fixtures.a.key,
      target: { agent_id: ctx.fixtures.a.agentId },
    };
    await conn.write(encodeFrame(JSON.stringify(hello)));
    for (let i = 0; i < pings; i++) {
      if (!await conn.write(encodeFrame(JSON.stringify({ type: "ping", nonce })))) break;
      ctx.counters.wsFrames++;
    }
    // Stop reading for a while: the engine owes ~pings * 512 KiB, far above its 16 MiB buffer limit.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { frames, close } = await readToClose(conn, heartbeatDeadline(ctx) + 5000);
    const pongs = frames.filter((f) => f.opcode === 1).length;
    if (close === "open") {
      ctx.findings.fail(
        "ws_past_timeout",
        "slow consumer: engine neither closed it (1011) nor the heartbeat timeout (4000)",
        ref,
        `${pongs} pongs read`,
      );
    } else if (close === "eof") {
      ctx.findings.fail(
        "ws_close_without_code",
        "slow consumer: TCP closed without a close frame",
        ref,
        `${pongs} pongs`,
      );
    } else {
      await checkClose(ctx, { code: close, reason: "", byUs: false, at: 0 }, ref, "slow consumer");
    }
  } finally {
    await conn.close();
  }
}

/** One connection-level attacker. */
export async function connWorker(ctx: FuzzContext): Promise<void> {
  await runCases(ctx, "conn", async (rng, ref) => {
    ctx.counters.connCases++;
    switch (rng.weighted({ first: 12, never: 2, half: 2, silent: 2, many: 1, slow: 1 })) {
      case "first":
        return await firstFrame(ctx, rng, ref);
      case "never":
        return await neverHello(ctx, ref);
      case "half":
        return await halfHello(ctx, rng, ref);
      case "silent":
        return await silentAttached(ctx, ref);
      case "many":
        return await manySockets(ctx, rng, ref);
      case "slow":
        return await slowConsumer(ctx, rng, ref);
    }
  });
}
