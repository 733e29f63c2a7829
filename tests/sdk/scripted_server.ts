/**
 * A tiny scripted WebSocket server that stands in for the engine, so tests can send what a real engine
 * never would (or exactly when they want).
 */
import { Session } from "../../mod.ts";

export const SESSION_ID = "ses_raw";

/** A logged (or connection-scoped) server frame. */
export function frame(
  type: string,
  seq: number,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return { type, seq, logged: seq > 0, session_id: SESSION_ID, ts: new Date().toISOString(), data, ...extra };
}

/** A logged `message_delta` of message `msg_1`, as sent text. */
export function deltaText(seq: number, index: number): string {
  return JSON.stringify(frame("message_delta", seq, { delta: `d${index}`, index }, { message_id: "msg_1" }));
}

/** A logged `message_complete` of message `msg_1`, as sent text. */
export function completeText(seq: number): string {
  return JSON.stringify(
    frame("message_complete", seq, { text: "done", status: "complete", post_ids: [] }, {
      message_id: "msg_1",
    }),
  );
}

export function connected(headSeq: number) {
  return frame("session_connected", 0, {
    protocol_version: 1,
    resumed: true,
    replay_from_seq: headSeq,
    head_seq: headSeq,
    agent_id: "agt_raw",
    model: { provider: "scripted", model_id: "none", simulated: true },
    heartbeat_interval_ms: 60_000,
    limits: { max_frame_bytes: 1 << 20, retained_events: 100 },
  }, { logged: false });
}

export interface Hello {
  target: { session_id?: string; last_seq?: number };
}

/** A client frame after the hello, as received. */
export type ClientFrameJson = { type: string; [field: string]: unknown };

/**
 * Serves `/v1/sessions/ws`; `onHello` scripts each connection (n counts from 1), `onFrame` answers the
 * frames after the hello (pings included; all are recorded in `frames`).
 */
export function scriptedServer(
  onHello: (socket: WebSocket, hello: Hello, n: number) => void,
  onFrame: (socket: WebSocket, frame: ClientFrameJson) => void = () => {},
) {
  const sockets = new Set<WebSocket>();
  const hellos: Hello[] = [];
  const frames: ClientFrameJson[] = [];
  const rest: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (request.headers.get("upgrade") !== "websocket") {
      // REST calls are recorded and answered with an empty success.
      rest.push(`${request.method} ${new URL(request.url).pathname}`);
      return Response.json({});
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    sockets.add(socket);
    socket.onclose = () => sockets.delete(socket);
    socket.onmessage = (message) => {
      const value = JSON.parse(String(message.data));
      if (value.type !== "hello") {
        frames.push(value);
        onFrame(socket, value);
        return;
      }
      hellos.push(value);
      onHello(socket, value, hellos.length);
    };
    return response;
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    hellos,
    frames,
    rest,
    async close() {
      for (const socket of sockets) socket.close();
      await server.shutdown();
    },
  };
}

export function session(baseUrl: string, extra: Partial<ConstructorParameters<typeof Session>[0]> = {}) {
  return new Session({
    sessionId: SESSION_ID,
    lastSeq: 0,
    apiKey: "vs-test",
    baseUrl,
    reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}
