/**
 * A minimal Server-Sent Events reader for Chat Completions streams: yields the `data` of each event
 * (multi-line data joined with newlines) and stops at `data: [DONE]`.
 *
 * @module
 */

/**
 * Reads SSE events from a response body and yields each event's data.
 *
 * @param body The response body.
 * @returns The data strings, in order, without the final `[DONE]`.
 * @example Read the events of a stream
 * ```ts
 * import { readSseData } from "./openai_sse.ts";
 * const body = new Response("data: {\"a\":1}\n\ndata: [DONE]\n\n").body!;
 * for await (const data of readSseData(body)) console.log(data); // {"a":1}
 * ```
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A "\r" at the very end may be the first half of a "\r\n" split across reads: wait for more.
        if (newline === buffer.length - 1 && buffer.endsWith("\r")) break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) {
            const event = data.join("\n");
            data = [];
            if (event.trim() === "[DONE]") return;
            yield event;
          }
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
        // Comments (":") and other fields (event, id, retry) carry nothing a chat stream needs.
      }
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(buffer.startsWith("data: ") ? 6 : 5));
    const last = data.join("\n");
    if (data.length > 0 && last.trim() !== "[DONE]") yield last;
  } finally {
    // Stops the download when the consumer leaves early (abort, break); errors here mean it already ended.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
