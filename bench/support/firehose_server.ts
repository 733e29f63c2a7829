/**
 * A minimal server (on `Deno.serve`) that speaks just enough of the session protocol for the latency
 * benchmark: it answers `hello` with a valid `session_connected`, `ping` with `pong`, and a `post`
 * whose text is a paced {@link StreamPlan} with `message_posted`, one `message_delta` per interval
 * (increasing seq) and `message_complete`. The SDK (`new Session({ sessionId })` + `listen()`) and a
 * raw `WebSocket` read the same bytes from it. Each delta carries the sender's `performance.now()` in
 * `data.delta`, so a client in the same process can measure send-to-receive latency. (Bursts for the
 * throughput benchmark come from `wire_server.ts`, which is not limited by per-frame writes.)
 *
 * @module
 */
import type { ClientFrame } from "../../src/generated/protocol.ts";
import {
  assertValid,
  messageComplete,
  messageDelta,
  messagePosted,
  parsePlan,
  pong,
  sessionConnected,
  type StreamPlan,
} from "./frames.ts";
import { sleep } from "./timing.ts";

/** A running firehose server. */
export interface FirehoseServer {
  /** Base URL such as `http://127.0.0.1:40123` (what the SDK's `baseUrl` takes). */
  readonly url: string;
  /** The session WebSocket URL. */
  readonly wsUrl: string;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

/** No stream may run longer than this. */
const STREAM_LIMIT_MS = 120_000;
/** Stands in for the send time until just before `send()`; plain text so JSON keeps it verbatim. */
const STAMP = "@@send-time@@";

/** Starts a firehose server on 127.0.0.1, port 0. */
export function startFirehose(): FirehoseServer {
  const sockets = new Set<WebSocket>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("firehose: open /v1/sessions/ws with a WebSocket client", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    sockets.add(socket);
    serveSocket(socket, () => sockets.delete(socket));
    return response;
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${server.addr.port}/v1/sessions/ws`,
    close: async () => {
      for (const socket of sockets) closeQuietly(socket);
      await server.shutdown();
    },
  };
}

function closeQuietly(socket: WebSocket): void {
  try {
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(1001);
    }
  } catch {
    // Already closing.
  }
}

function serveSocket(socket: WebSocket, onGone: () => void): void {
  let sessionId = "";
  let head = 0;
  socket.onclose = onGone;
  socket.onerror = () => {};
  socket.onmessage = (message) => {
    if (typeof message.data !== "string") return;
    const frame = JSON.parse(message.data) as ClientFrame;
    if (frame.type === "hello") {
      const target = frame.target;
      sessionId = "session_id" in target ? target.session_id : `ses_bench_${crypto.randomUUID()}`;
      head = "session_id" in target ? target.last_seq ?? 0 : 0;
      const connected = sessionConnected(sessionId, head);
      assertValid(connected);
      socket.send(JSON.stringify(connected));
    } else if (frame.type === "ping") {
      socket.send(JSON.stringify(pong(sessionId, head, frame.nonce)));
    } else if (frame.type === "post") {
      const content = frame.message.content;
      const plan = content.kind === "text" ? parsePlan(content.text) : undefined;
      const posted = messagePosted(sessionId, ++head, frame.message.post_id);
      assertValid(posted);
      socket.send(JSON.stringify(posted));
      if (!plan) return;
      const first = head + 1;
      head += plan.count + 1;
      stream(socket, sessionId, first, plan, frame.message.post_id).catch(() => closeQuietly(socket));
    }
  };
}

async function stream(socket: WebSocket, sessionId: string, first: number, plan: StreamPlan, postId: string) {
  const end = performance.now() + STREAM_LIMIT_MS;
  await paced(socket, sessionId, first, plan, end);
  if (socket.readyState !== WebSocket.OPEN) return;
  const complete = messageComplete(sessionId, first + plan.count, [postId]);
  assertValid(complete);
  socket.send(JSON.stringify(complete));
}

/** One delta per interval; each carries the send time, taken just before `send()`. */
async function paced(socket: WebSocket, sessionId: string, first: number, plan: StreamPlan, end: number) {
  const interval = plan.intervalMs ?? 1;
  for (let i = 0; i < plan.count && performance.now() < end; i++) {
    await sleep(interval);
    if (socket.readyState !== WebSocket.OPEN) return;
    const template = messageDelta(sessionId, first + i, i, STAMP);
    if (i === 0) assertValid(template);
    const [before = "", after = ""] = JSON.stringify(template).split(STAMP);
    socket.send(before + performance.now().toFixed(4) + after);
  }
}
