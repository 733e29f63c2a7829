/**
 * A local OpenAI-compatible server (port 0) that streams a Chat Completions answer slowly and
 * reports when the engine stops reading, so tests can see an abort reach the provider.
 *
 * @module
 */

/** The server and what it saw. */
export interface SlowOpenAI {
  /** Base URL to put in `llm_info.base_url`. */
  baseUrl: string;
  /** Resolves when a stream was cancelled by the client (the engine aborted the request). */
  cancelled: Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the server; each request streams `word ` chunks every `intervalMs` for up to 10 s. */
export function startSlowOpenAI(intervalMs = 10): SlowOpenAI {
  const cancelled = Promise.withResolvers<void>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.body?.cancel();
    const encoder = new TextEncoder();
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      clearInterval(timer);
      if (timer !== undefined) timers.delete(timer);
    };
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => {
          const chunk = { choices: [{ index: 0, delta: { content: sent === 0 ? "The" : " word" } }] };
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
          if (++sent > 1000) {
            stop();
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          }
        }, intervalMs);
        timers.add(timer);
      },
      cancel() {
        stop();
        cancelled.resolve();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    cancelled: cancelled.promise,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await server.shutdown();
    },
  };
}
