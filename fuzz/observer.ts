/**
 * The well-behaved tenant: on the other organisation's key, it keeps one session open for the whole
 * attack, pings every 50 ms and now and then posts a short message, measuring each ping's round trip.
 * An engine that survives the attack but stalls everyone else while it chews on a hostile frame fails
 * here (p99 and max bounds), and so does one that drops or closes this innocent socket.
 *
 * @module
 */
import { approvalAgent } from "./fixtures.ts";
import type { FuzzContext } from "./context.ts";
import { FuzzSocket } from "./ws_client.ts";

const PING_EVERY_MS = 50;
const PONG_TIMEOUT_MS = 5000;
const POST_EVERY = 40;

/** Round trips measured, across engine restarts. */
export class ObserverStats {
  readonly rtts: number[] = [];
  posts = 0;
  acks = 0;
  reconnects = 0;

  /** The `q` quantile (0..1) of the round trips, in ms. */
  quantile(q: number): number {
    if (this.rtts.length === 0) return 0;
    const sorted = [...this.rtts].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  }

  /** The largest round trip, in ms. */
  get max(): number {
    return this.rtts.reduce((m, v) => Math.max(m, v), 0);
  }
}

async function connect(ctx: FuzzContext, agentId: string): Promise<FuzzSocket> {
  const socket = await FuzzSocket.open(ctx.fixtures.wsUrl, 10_000);
  socket.sendJson({
    type: "hello",
    protocol_version: 1,
    api_key: ctx.fixtures.b.key,
    target: { agent_id: agentId },
  });
  const answer = await socket.waitFor(
    (f) => (f.value as { type?: string } | undefined)?.type === "session_connected",
    10_000,
  );
  if (answer === "closed" || answer === "timeout") {
    await socket.dispose();
    throw new Error(`observer could not attach: ${answer}`);
  }
  return socket;
}

/** Runs the well-behaved client until `stop` is aborted. */
export async function observe(ctx: FuzzContext, stats: ObserverStats, stop: AbortSignal): Promise<void> {
  const response = await fetch(`${ctx.fixtures.url}/v1/agents`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.fixtures.b.key}`, "content-type": "application/json" },
    body: JSON.stringify(approvalAgent(`observer-${crypto.randomUUID().slice(0, 8)}`)),
  });
  const agent = await response.json() as { id: string };
  let socket: FuzzSocket | undefined;
  let n = 0;
  try {
    // Bounded: one ping per 50 ms for at most the run's time limit.
    const maxPings = Math.ceil(ctx.options.timeLimitMs / PING_EVERY_MS) + 100;
    while (!stop.aborted && n < maxPings) {
      n++;
      if (!socket) {
        try {
          socket = await connect(ctx, agent.id);
        } catch (error) {
          if (stop.aborted || ctx.signal.aborted) break;
          ctx.findings.fail("observer", "well-behaved client could not attach", undefined, String(error));
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
      }
      if (n % POST_EVERY === 0) {
        socket.sendJson({
          type: "post",
          message: { post_id: `obs-${n}`, content: { kind: "text", text: "hi" } },
        });
        stats.posts++;
      }
      const nonce = `obs-${n}`;
      const sent = performance.now();
      socket.sendJson({ type: "ping", nonce });
      const pong = await socket.waitFor(
        (f) => (f.value as { data?: { nonce?: unknown } } | undefined)?.data?.nonce === nonce,
        PONG_TIMEOUT_MS,
      );
      const frames = socket.take();
      stats.acks += frames.filter((f) =>
        (f.value as { type?: string } | undefined)?.type === "message_posted"
      ).length;
      if (pong === "closed") {
        // A crash closes every socket; that is reported as the crash, not as this client's failure.
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (stop.aborted || ctx.signal.aborted) break;
        const info = socket.closeInfo;
        ctx.findings.fail(
          "observer",
          `well-behaved client's socket closed by the engine (${info?.code})`,
          undefined,
          info?.reason ?? "",
        );
        socket = undefined;
        stats.reconnects++;
        continue;
      }
      if (pong === "timeout") {
        if (stop.aborted || ctx.signal.aborted) break;
        stats.rtts.push(PONG_TIMEOUT_MS);
        ctx.findings.fail("observer", `well-behaved ping unanswered for ${PONG_TIMEOUT_MS} ms`, undefined);
        await socket.dispose();
        socket = undefined;
        continue;
      }
      const rtt = pong.at - sent;
      stats.rtts.push(rtt);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, PING_EVERY_MS - rtt)));
    }
  } finally {
    await socket?.dispose();
  }
}
