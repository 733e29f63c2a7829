/**
 * A bare protocol client on the native `WebSocket`: `hello`, wait for `session_connected`, then hand
 * every later frame, as received text, to a callback. It does no validation, dedup or queueing, which
 * is what makes it the physical-limit reference for the SDK.
 *
 * @module
 */
import type { ClientFrame, SessionTarget } from "../../src/generated/protocol.ts";
import { PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import type { EventOf } from "./frames.ts";
import { within } from "./timing.ts";

/** An attached raw socket. */
export interface RawSession {
  /** The session the engine attached the socket to. */
  readonly sessionId: string;
  /** What the engine answered to `hello`. */
  readonly connected: EventOf<"session_connected">["data"];
  /** Sends one client frame. */
  send(frame: ClientFrame): void;
  /** Closes the socket and waits (bounded) until it is closed. */
  close(): Promise<void>;
  /** Resolves when the socket closed, from either side. */
  readonly closed: Promise<void>;
}

/** How to open a raw session. */
export interface RawOpenOptions {
  /** `ws://…/v1/sessions/ws`. */
  wsUrl: string;
  /** API key sent in `hello`. */
  apiKey: string;
  /** New session (`agent_id`) or attach (`session_id`, `last_seq`). */
  target: SessionTarget;
  /** Every frame after `session_connected`, as text. */
  onFrame: (text: string) => void;
  /** Bound on open + handshake. @default {10000} */
  timeoutMs?: number;
}

/** Opens a socket and completes the handshake; rejects with the engine's reason on refusal. */
export async function openRaw(options: RawOpenOptions): Promise<RawSession> {
  const ws = new WebSocket(options.wsUrl);
  const closed = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<EventOf<"session_connected">>();
  let attached = false;
  let refusal = "";
  const send = (frame: ClientFrame) => ws.send(JSON.stringify(frame));
  ws.onopen = () => {
    send({
      type: "hello",
      protocol_version: PROTOCOL_VERSION,
      api_key: options.apiKey,
      target: options.target,
    });
  };
  ws.onmessage = (message) => {
    const text = message.data as string;
    if (attached) return options.onFrame(text);
    const event = JSON.parse(text) as { type: string; data: { error?: string } };
    if (event.type === "session_connected") {
      attached = true;
      ready.resolve(event as EventOf<"session_connected">);
    } else if (event.type === "error") {
      refusal = event.data.error ?? "";
    }
  };
  ws.onerror = () => {};
  ws.onclose = (close) => {
    closed.resolve();
    if (!attached) {
      ready.reject(new Error(`Raw socket closed before session_connected (${close.code}) ${refusal}`));
    }
  };
  const close = async () => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    await within(closed.promise, 2_000, "raw socket close").catch(() => {});
  };
  let connected: EventOf<"session_connected">;
  try {
    connected = await within(
      ready.promise,
      options.timeoutMs ?? 10_000,
      `raw handshake with ${options.wsUrl}`,
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { sessionId: connected.session_id, connected: connected.data, send, close, closed: closed.promise };
}
