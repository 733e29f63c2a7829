/**
 * The "what users would pick instead" contender: a socket.io server (on `node:http`, port 0) and a
 * socket.io client, websocket transport only, streaming the same event objects as the firehose
 * server. A client emits `stream` with a {@link StreamPlan}; the server answers with `event` emits,
 * the last one being `message_complete`.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "npm:socket.io@^4.8.4";
import { io, type Socket as ClientSocket } from "npm:socket.io-client@^4.8.4";
import {
  BURST_DELTA,
  type EventOf,
  MAX_STREAM_EVENTS,
  messageComplete,
  messageDelta,
  type StreamPlan,
} from "./frames.ts";
import { sleep, within } from "./timing.ts";

/** A running socket.io server. */
export interface SocketIoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

/** What a socket.io client receives: the same objects the firehose server sends as text. */
export type StreamedEvent = EventOf<"message_delta"> | EventOf<"message_complete">;

const CHUNK = 512;
const STREAM_LIMIT_MS = 120_000;
const SESSION_ID = "ses_bench_socketio";

/** Starts a socket.io server on 127.0.0.1, port 0, accepting the websocket transport only. */
export async function startSocketIoServer(): Promise<SocketIoServer> {
  const http = createServer();
  const server = new Server(http, { transports: ["websocket"], serveClient: false });
  server.on("connection", (socket: ServerSocket) => {
    socket.on("stream", (plan: StreamPlan) => {
      stream(socket, plan).catch(() => socket.disconnect(true));
    });
  });
  const listening = new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
  await within(listening, 5_000, "socket.io server listen");
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.disconnectSockets(true);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await within(closed, 5_000, "socket.io server close").catch(() => {});
    },
  };
}

async function stream(socket: ServerSocket, requested: StreamPlan): Promise<void> {
  const plan = { ...requested, count: Math.min(requested.count, MAX_STREAM_EVENTS) };
  const end = performance.now() + STREAM_LIMIT_MS;
  if (plan.mode === "burst") {
    const events = Array.from(
      { length: plan.count },
      (_, i) => messageDelta(SESSION_ID, i + 2, i, BURST_DELTA),
    );
    for (let i = 0; i < events.length && performance.now() < end && socket.connected; i += CHUNK) {
      for (const event of events.slice(i, i + CHUNK)) socket.emit("event", event);
      await sleep(0);
    }
  } else {
    const interval = plan.intervalMs ?? 1;
    for (let i = 0; i < plan.count && performance.now() < end && socket.connected; i++) {
      await sleep(interval);
      const event = messageDelta(SESSION_ID, i + 2, i, "");
      event.data.delta = performance.now().toFixed(4);
      socket.emit("event", event);
    }
  }
  if (socket.connected) socket.emit("event", messageComplete(SESSION_ID, plan.count + 2, ["post_bench"]));
}

/** Connects a socket.io client (websocket transport only, no reconnection). */
export async function connectSocketIo(url: string): Promise<ClientSocket> {
  const client = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  const connected = new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", (error: Error) => reject(error));
  });
  try {
    await within(connected, 10_000, `socket.io connect to ${url}`);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/**
 * Asks for a stream and calls `onEvent` for each event until `message_complete` (resolves) or the
 * deadline (rejects). The listener is removed either way.
 */
export async function receiveStream(
  client: ClientSocket,
  plan: StreamPlan,
  limitMs: number,
  onEvent: (event: StreamedEvent) => void,
): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  const listener = (event: StreamedEvent) => {
    onEvent(event);
    if (event.type === "message_complete") resolve();
  };
  client.on("event", listener);
  try {
    client.emit("stream", plan);
    await within(promise, limitMs, `socket.io stream of ${plan.count} events`);
  } finally {
    client.off("event", listener);
  }
}
