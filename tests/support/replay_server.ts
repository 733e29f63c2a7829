/**
 * A local HTTP server (127.0.0.1, port 0) that replays recorded provider responses (Chat Completions
 * from tests/fixtures/openai/, Anthropic Messages from tests/fixtures/anthropic/) and records every
 * request it got, so real providers are tested as real HTTP without any network. `.sse` fixtures are
 * streamed one event at a time (optionally paced), `.json` fixtures are sent whole.
 */

/** Which provider API a replay server imitates: its fixtures folder and the one route it serves. */
export interface ReplayApi {
  /** Folder of the fixtures. */
  fixtures: URL;
  /** The POST route, such as `/v1/chat/completions`. */
  path: string;
}

/** OpenAI Chat Completions (the default). */
export const OPENAI_API: ReplayApi = {
  fixtures: new URL("../fixtures/openai/", import.meta.url),
  path: "/v1/chat/completions",
};

/** Anthropic Messages. */
export const ANTHROPIC_API: ReplayApi = {
  fixtures: new URL("../fixtures/anthropic/", import.meta.url),
  path: "/v1/messages",
};

/** One scripted response; requests consume steps in order. */
export interface ReplayStep {
  /** File name under tests/fixtures/openai/. */
  fixture: string;
  /** HTTP status; 200 by default. */
  status?: number;
  /** Extra response headers, such as `retry-after`. */
  headers?: Record<string, string>;
  /** Pause before each SSE event after the first, to test aborts mid-stream. */
  eventDelayMs?: number;
}

/** A request the server received. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path, such as `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body. */
  body: unknown;
}

/** The running replay server. */
export interface ReplayServer {
  /** Base URL including `/v1`, as a provider's `baseUrl`. */
  baseUrl: string;
  /** Requests received so far. */
  requests: RecordedRequest[];
  /** Resolves when a client stopped reading a stream before its end. */
  streamCancelled: Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Splits an SSE fixture into its events (each keeps its trailing blank line). */
function sseEvents(text: string): string[] {
  return text.replace(/\r\n/g, "\n").split(/\n\n+/).filter((event) => event.trim() !== "").map((event) =>
    `${event}\n\n`
  );
}

/** Streams SSE events, waiting `delayMs` between them; a cancel stops the timer at once. */
function paced(events: string[], delayMs: number, onCancel: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0 && delayMs > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delayMs);
        });
      }
      const event = events[index++];
      if (event === undefined) controller.close();
      else controller.enqueue(encoder.encode(event));
    },
    cancel() {
      clearTimeout(timer);
      wake?.();
      onCancel();
    },
  }, { highWaterMark: 0 });
}

/**
 * Starts a replay server that answers `POST` on the API's route with the given steps in order
 * (after the last step, further requests get a 500 that says the script ran out).
 *
 * @example
 * ```ts ignore
 * const server = await startReplayServer([{ fixture: "text_stream.sse" }]);
 * // ... createOpenAICompatible({ baseUrl: server.baseUrl, ... })
 * await server.close();
 * ```
 */
export async function startReplayServer(
  steps: ReplayStep[],
  api: ReplayApi = OPENAI_API,
): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const cancelled = Promise.withResolvers<void>();
  let next = 0;
  const fixtures = new Map<string, string>();
  for (const step of steps) {
    fixtures.set(step.fixture, await Deno.readTextFile(new URL(step.fixture, api.fixtures)));
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => headers[key] = value);
    const raw = await request.text();
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Recorded as text: the test will see it was not JSON.
    }
    requests.push({ method: request.method, path: url.pathname, headers, body });
    if (request.method !== "POST" || url.pathname !== api.path) {
      return Response.json({ error: { message: `No route ${request.method} ${url.pathname}` } }, {
        status: 404,
      });
    }
    const step = steps[next++];
    if (step === undefined) {
      return Response.json({ error: { message: "The replay script ran out of steps." } }, { status: 500 });
    }
    const text = fixtures.get(step.fixture) ?? "";
    const status = step.status ?? 200;
    if (step.fixture.endsWith(".sse")) {
      const stream = paced(sseEvents(text), step.eventDelayMs ?? 0, () => cancelled.resolve());
      return new Response(stream, {
        status,
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...step.headers },
      });
    }
    return new Response(text, { status, headers: { "content-type": "application/json", ...step.headers } });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    streamCancelled: cancelled.promise,
    close: () => server.shutdown(),
  };
}

/** Starts a replay server for `fn` and closes it afterwards, whatever `fn` does. */
export async function withReplayServer(
  steps: ReplayStep[],
  fn: (server: ReplayServer) => Promise<void>,
  api: ReplayApi = OPENAI_API,
): Promise<void> {
  const server = await startReplayServer(steps, api);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}
