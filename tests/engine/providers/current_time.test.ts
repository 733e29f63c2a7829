import assert from "node:assert/strict";
import { currentTime } from "../../../src/engine/tools/current_time.ts";
import { toolContext } from "./helpers.ts";

const now = new Date("2024-05-01T12:00:00Z");

Deno.test("current_time reports context.now() in UTC by default and in a named zone", async () => {
  const utc = await currentTime.run({}, toolContext({ now }));
  assert.match(utc, /Wednesday, 1 May 2024.*12:00:00/);
  assert.match(utc, /UTC; ISO 2024-05-01T12:00:00\.000Z/);
  const paris = await currentTime.run({ timezone: "Europe/Paris" }, toolContext({ now }));
  assert.match(paris, /14:00:00/);
  assert.match(paris, /Europe\/Paris/);
  const tokyo = await currentTime.run({ timezone: "Asia/Tokyo" }, toolContext({ now }));
  assert.match(tokyo, /21:00:00/);
});

Deno.test("current_time rejects an unknown time zone with a clear message", async () => {
  await assert.rejects(currentTime.run({ timezone: "Mars/Olympus_Mons" }, toolContext({ now })), (error) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /Unknown time zone "Mars\/Olympus_Mons"/);
    assert.match(error.message, /IANA name such as "Europe\/Paris"/);
    return true;
  });
  await assert.rejects(currentTime.run({ timezone: 5 }, toolContext({ now })), /must be a string/);
});

Deno.test("current_time throws the abort reason when aborted", async () => {
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(currentTime.run({}, toolContext({ signal: controller.signal })), /stop/);
});
