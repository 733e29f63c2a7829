/** The SDK's shared helpers: one abortable wait, one definedOnly, the queue's hand-back of unread items. */
import assert from "node:assert/strict";
import { abortable, delay } from "../../src/internal/abortable.ts";
import { definedOnly } from "../../src/internal/defined.ts";
import { EventQueue } from "../../src/internal/event_queue.ts";
import { pickClient, resolveConfig } from "../../src/config.ts";
import { reconnectPolicy } from "../../src/reconnect.ts";

Deno.test("delay() and abortable() reject with the signal's reason and leave no timer behind", async () => {
  await delay(1);
  const controller = new AbortController();
  const reason = new Error("stop waiting");
  const waiting = delay(60_000, controller.signal); // a leaked timer would fail the sanitizer
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  await assert.rejects(delay(1, controller.signal), (error) => error === reason);
  const never = new Promise<never>(() => {});
  const other = new AbortController();
  const racing = abortable(never, other.signal);
  other.abort(reason);
  await assert.rejects(racing, (error) => error === reason);
  assert.equal(await abortable(Promise.resolve(7), undefined), 7);
});

Deno.test("definedOnly() drops undefined fields, so defaults survive a spread", () => {
  assert.deepEqual(definedOnly({ a: 1, b: undefined, c: null, d: 0 }), { a: 1, c: null, d: 0 });
  assert.deepEqual(pickClient({ apiKey: "vs-k", baseUrl: undefined } as never), { apiKey: "vs-k" });
  assert.equal(reconnectPolicy({ maxRetries: undefined } as never).maxRetries, 8);
  assert.equal(
    resolveConfig({ apiKey: "vs-k", baseUrl: "http://127.0.0.1:1/" }).baseUrl,
    "http://127.0.0.1:1",
  );
});

Deno.test("EventQueue.prepend() puts unread items back in front, beyond the bound, and wakes a waiter", async () => {
  const queue = new EventQueue<string>({ maxSize: 2 });
  queue.push("c");
  queue.prepend(["a", "b"]);
  assert.equal(queue.size, 3);
  assert.equal(queue.push("d"), false, "later pushes still respect the bound");
  assert.deepEqual([queue.take(), queue.take(), queue.take()], ["a", "b", "c"]);
  const waiting = queue.next();
  queue.prepend(["x", "y"]);
  assert.deepEqual(await waiting, { done: false, value: "x" });
  assert.equal(queue.take(), "y");
});
