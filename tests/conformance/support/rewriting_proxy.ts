/**
 * A loopback proxy in front of a real engine that rewrites or drops protocol frames and REST
 * statuses: the cheap, honest way to build a server that breaks one guarantee and keeps the rest.
 *
 * @module
 */

/** How the proxy breaks the engine it fronts; each hook sees one frame (or answer) of one connection. */
export interface Rewrites {
  /** A client frame on its way to the engine: the text to send instead, or undefined to drop it. */
  toServer?: (frame: string, connection: Map<string, unknown>) => string | undefined;
  /** A server frame on its way to the client: the text to send instead, or undefined to drop it. */
  toClient?: (frame: string, connection: Map<string, unknown>) => string | undefined;
  /** The close code the client sees when the engine closes with `code`. */
  closeCode?: (code: number) => number;
  /** The status the client sees for a REST answer. */
  restStatus?: (method: string, path: string, status: number) => number;
}

/** A running proxy. */
export interface RewritingProxy {
  /** `http://127.0.0.1:<port>`: the broken server's base URL. */
  readonly url: string;
  /** Stops listening and closes every relayed socket. */
  close(): Promise<void>;
}

/** Starts a proxy to the engine at `target` (`http://host:port`). */
export function startRewritingProxy(target: string, rewrites: Rewrites = {}): Promise<RewritingProxy> {
  const sockets = new Set<WebSocket>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return relaySocket(request, `${target.replace(/^http/, "ws")}${url.pathname}`, rewrites, sockets);
    }
    const answer = await fetch(`${target}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    const status = rewrites.restStatus?.(request.method, url.pathname, answer.status) ?? answer.status;
    return new Response(answer.body, { status, headers: answer.headers });
  });
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      for (const socket of sockets) socket.close();
      await server.shutdown();
    },
  });
}

function relaySocket(
  request: Request,
  upstreamUrl: string,
  rewrites: Rewrites,
  sockets: Set<WebSocket>,
): Response {
  const { socket: client, response } = Deno.upgradeWebSocket(request);
  const upstream = new WebSocket(upstreamUrl);
  const connection = new Map<string, unknown>();
  const pending: string[] = [];
  sockets.add(client);
  sockets.add(upstream);
  client.onmessage = (event) => {
    const frame = rewrites.toServer ? rewrites.toServer(String(event.data), connection) : String(event.data);
    if (frame === undefined) return;
    if (upstream.readyState === WebSocket.OPEN) upstream.send(frame);
    else pending.push(frame);
  };
  upstream.onopen = () => {
    for (const frame of pending.splice(0)) upstream.send(frame);
  };
  upstream.onmessage = (event) => {
    const frame = rewrites.toClient ? rewrites.toClient(String(event.data), connection) : String(event.data);
    if (frame !== undefined && client.readyState === WebSocket.OPEN) client.send(frame);
  };
  upstream.onclose = (event) => {
    sockets.delete(upstream);
    const code = rewrites.closeCode?.(event.code) ?? event.code;
    if (client.readyState !== WebSocket.OPEN) return;
    // 1005 and 1006 are never sent on the wire; the client then sees an abnormal close as well.
    if (code === 1005 || code === 1006) client.close();
    else client.close(code, event.reason);
  };
  client.onclose = () => {
    sockets.delete(client);
    if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) {
      upstream.close(1000);
    }
  };
  client.onerror = () => {};
  upstream.onerror = () => {};
  return response;
}

/** Parses a frame, lets `edit` change it, and serialises it again. */
export function editJson(frame: string, edit: (value: Record<string, unknown>) => void): string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(frame);
  } catch {
    return frame;
  }
  edit(value);
  return JSON.stringify(value);
}
