/**
 * A throughput-only protocol server written on raw TCP: it does the WebSocket handshake itself and
 * writes a whole burst of pre-encoded `message_delta` frames with a few large writes, so the sender
 * is never what limits a receiving client (a regular WebSocket server pays one write per frame, and on
 * loopback that caps a raw client at the server's send rate). It speaks the same protocol subset as
 * the firehose server: `hello` → `session_connected`, `ping` → `pong`, a `post` whose text is a burst
 * {@link StreamPlan} → `message_posted`, the deltas, `message_complete`.
 *
 * @module
 */
import type { ClientFrame } from "../../src/generated/protocol.ts";
import {
  assertValid,
  BURST_DELTA,
  messageComplete,
  messageDelta,
  messagePosted,
  parsePlan,
  pong,
  sessionConnected,
} from "./frames.ts";
import { type ClientMessage, encodeFrame, FrameParser, OPCODE } from "./ws_frames.ts";

/** A running wire server. */
export interface WireServer {
  /** Base URL (for the SDK's `baseUrl`). */
  readonly url: string;
  /** The session WebSocket URL. */
  readonly wsUrl: string;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const WRITE_CHUNK = 1 << 20;
const MAX_HEADER_BYTES = 16 * 1024;
const CONNECTION_LIMIT_MS = 10 * 60_000;
const encoder = new TextEncoder();

/** Starts a wire server on 127.0.0.1, port 0. */
export function startWireServer(): WireServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      serve(conn).catch(() => {}).finally(() => {
        conns.delete(conn);
        closeQuietly(conn);
      });
    }
  })().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/sessions/ws`,
    close: async () => {
      listener.close();
      for (const conn of conns) closeQuietly(conn);
      await accepting;
    },
  };
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length;) {
    offset += await conn.write(data.subarray(offset, offset + WRITE_CHUNK));
  }
}

/** Reads the HTTP upgrade request and answers 101; returns bytes that followed the header. */
async function handshake(conn: Deno.Conn): Promise<Uint8Array> {
  const buffer = new Uint8Array(MAX_HEADER_BYTES);
  let length = 0;
  for (;;) {
    const n = await conn.read(buffer.subarray(length));
    if (n === null) throw new Error("connection closed during the WebSocket handshake");
    length += n;
    const text = new TextDecoder().decode(buffer.subarray(0, length));
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      if (length === buffer.length) throw new Error("WebSocket handshake header too large");
      continue;
    }
    const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(text.slice(0, end))?.[1];
    if (!key) throw new Error("not a WebSocket upgrade request");
    const digest = await crypto.subtle.digest("SHA-1", encoder.encode(key + WS_GUID));
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    await writeAll(
      conn,
      encoder.encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      ),
    );
    return buffer.slice(encoder.encode(text.slice(0, end + 4)).length, length);
  }
}

async function serve(conn: Deno.Conn): Promise<void> {
  const parser = new FrameParser();
  const pending = await handshake(conn);
  const state = { sessionId: "", head: 0, writes: Promise.resolve() };
  // Writes are chained so a burst and a pong never interleave inside a frame. A failed write means
  // the client left; the read loop sees that too, so the error itself carries nothing more.
  const send = (data: Uint8Array) => {
    state.writes = state.writes.then(() => writeAll(conn, data)).catch(() => {});
    return state.writes;
  };
  const end = performance.now() + CONNECTION_LIMIT_MS;
  let chunk: Uint8Array | null = pending;
  const buffer = new Uint8Array(64 * 1024);
  while (chunk !== null && performance.now() < end) {
    for (const message of parser.push(chunk)) {
      if (message.opcode === OPCODE.close) {
        await send(encodeFrame(OPCODE.close, message.payload.subarray(0, 2)));
        return;
      }
      if (message.opcode === OPCODE.ping) send(encodeFrame(OPCODE.pong, message.payload));
      if (message.opcode === OPCODE.text) onText(message, state, send);
    }
    const n = await conn.read(buffer);
    chunk = n === null ? null : buffer.slice(0, n);
  }
}

function onText(
  message: ClientMessage,
  state: { sessionId: string; head: number },
  send: (data: Uint8Array) => Promise<void>,
): void {
  const text = (value: unknown) => encodeFrame(OPCODE.text, encoder.encode(JSON.stringify(value)));
  const frame = JSON.parse(new TextDecoder().decode(message.payload)) as ClientFrame;
  if (frame.type === "hello") {
    const target = frame.target;
    state.sessionId = "session_id" in target ? target.session_id : `ses_bench_${crypto.randomUUID()}`;
    state.head = "session_id" in target ? target.last_seq ?? 0 : 0;
    const connected = sessionConnected(state.sessionId, state.head);
    assertValid(connected);
    send(text(connected));
  } else if (frame.type === "ping") {
    send(text(pong(state.sessionId, state.head, frame.nonce)));
  } else if (frame.type === "post") {
    const content = frame.message.content;
    const plan = content.kind === "text" ? parsePlan(content.text) : undefined;
    const posted = messagePosted(state.sessionId, ++state.head, frame.message.post_id);
    assertValid(posted);
    send(text(posted));
    if (!plan || plan.mode !== "burst") return;
    const first = state.head + 1;
    const frames: Uint8Array[] = [];
    for (let i = 0; i < plan.count; i++) {
      const event = messageDelta(state.sessionId, first + i, i, BURST_DELTA);
      if (i === 0) assertValid(event);
      frames.push(text(event));
    }
    state.head += plan.count + 1;
    const complete = messageComplete(state.sessionId, state.head, [frame.message.post_id]);
    assertValid(complete);
    frames.push(text(complete));
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    frames.reduce((offset, f) => (all.set(f, offset), offset + f.length), 0);
    send(all);
  }
}
