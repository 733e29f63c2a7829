/**
 * A local OpenAI-compatible server (port 0) that records who called it with which key. Paths under
 * `/fail` answer 401 with a body holding {@link SECRET_BODY}, as an internal service might; every other
 * path streams a short answer.
 *
 * @module
 */

/** Text in the failing answer that must never reach a tenant. */
export const SECRET_BODY = "internal-only: db password is hunter2";

/** One request the server saw. */
export interface SeenRequest {
  /** Request path. */
  path: string;
  /** The Authorization header, or null. */
  authorization: string | null;
}

/** The server and what it saw. */
export interface RecordingOpenAI {
  /** Base URL of the streaming side, such as `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /** Base URL whose requests fail with 401 and {@link SECRET_BODY}. */
  failingUrl: string;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the server. */
export function startRecordingOpenAI(): RecordingOpenAI {
  const requests: SeenRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.body?.cancel();
    const path = new URL(request.url).pathname;
    requests.push({ path, authorization: request.headers.get("authorization") });
    if (path.startsWith("/fail")) {
      return Response.json({ error: { message: SECRET_BODY } }, { status: 401 });
    }
    const chunk = { choices: [{ index: 0, delta: { content: "upstream answer" } }] };
    return new Response(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`, {
      headers: { "content-type": "text/event-stream" },
    });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    baseUrl: `${origin}/v1`,
    failingUrl: `${origin}/fail/v1`,
    requests,
    close: () => server.shutdown(),
  };
}
