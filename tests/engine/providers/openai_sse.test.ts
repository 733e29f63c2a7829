import assert from "node:assert/strict";
import { readSseData } from "../../../src/engine/providers/openai_sse.ts";
import { parseChatStream } from "../../../src/engine/providers/openai_stream.ts";

/** A body that delivers the given pieces as separate reads. */
function body(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function all(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

Deno.test("readSseData() joins events split across reads, CRLF line ends included", async () => {
  const pieces = [
    'data: {"a"',
    ":1}\r",
    "\n\r\n: keep-alive comment\n\nda",
    'ta: {"b":2}\n\n',
    "data: [DONE]\n\n",
  ];
  assert.deepEqual(await all(readSseData(body(pieces))), ['{"a":1}', '{"b":2}']);
});

Deno.test("readSseData() joins multi-line data, ignores other fields and stops at [DONE]", async () => {
  const text = "event: message\nid: 7\ndata: line one\ndata: line two\n\ndata: [DONE]\n\ndata: never\n\n";
  assert.deepEqual(await all(readSseData(body([text]))), ["line one\nline two"]);
});

Deno.test("readSseData() yields a last event that lacks its blank line", async () => {
  assert.deepEqual(await all(readSseData(body(['data: {"x":1}']))), ['{"x":1}']);
});

Deno.test("parseChatStream() skips keep-alive chunks without choices and rejects non-JSON events", async () => {
  async function* events(items: string[]) {
    for (const item of items) yield await Promise.resolve(item);
  }
  const chunks = [];
  for await (
    const chunk of parseChatStream(events(['{"choices":[]}', '{"choices":[{"delta":{"content":"hi"}}]}']))
  ) {
    chunks.push(chunk);
  }
  assert.deepEqual(chunks, [{ type: "text", delta: "hi" }]);
  await assert.rejects(async () => {
    for await (const _ of parseChatStream(events(["not json"]))) { /* drain */ }
  }, /not JSON/);
});
