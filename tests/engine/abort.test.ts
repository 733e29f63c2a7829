import assert from "node:assert/strict";
import { abortable, abortableSleep, raceAbort, waitAtMost } from "../../src/engine/abort.ts";

Deno.test("abortableSleep waits, and an abort cuts it short without leaving its timer behind", async () => {
  await abortableSleep(1, new AbortController().signal);
  const controller = new AbortController();
  const sleeping = abortableSleep(60_000, controller.signal);
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(sleeping, (error) => error === reason);
  await assert.rejects(abortableSleep(1, controller.signal), (error) => error === reason, "already aborted");
});

Deno.test("raceAbort rejects with the reason at once; waitAtMost reports whether the promise settled in time", async () => {
  const controller = new AbortController();
  const never = new Promise<never>(() => {});
  const racing = raceAbort(never, controller.signal);
  controller.abort("gone");
  await assert.rejects(racing, (error) => error === "gone");
  assert.equal(await raceAbort(Promise.resolve(7), new AbortController().signal), 7);
  assert.equal(await waitAtMost(Promise.resolve(), 60_000), true);
  assert.equal(await waitAtMost(Promise.reject(new Error("failed")), 60_000), true, "settled counts");
  assert.equal(await waitAtMost(never, 1), false);
});

Deno.test("abortable stops iterating as soon as the signal aborts, without waiting for the source", async () => {
  async function* source() {
    yield 1;
    await new Promise(() => {});
  }
  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const value of abortable(source(), controller.signal)) {
      seen.push(value);
      setTimeout(() => controller.abort(new Error("cancelled")), 1);
    }
  }, /cancelled/);
  assert.deepEqual(seen, [1]);
});
