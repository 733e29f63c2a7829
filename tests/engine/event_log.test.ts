import assert from "node:assert/strict";
import { EventLog } from "../../src/engine/store/event_log.ts";
import { makeEvent } from "../../src/engine/events.ts";
Deno.test("EventLog round-trips compact and generic rows, retention, afterSeq", () => {
  const log = new EventLog("ses_1");
  const all: unknown[] = [];
  for (let seq = 1; seq <= 3000; seq++) {
    const e = seq % 7 === 0
      ? makeEvent("participant_status", { seq, logged: true, session_id: "ses_1", message_id: "msg_1" }, {
        participant: "assistant",
        status: "typing",
      })
      : seq % 11 === 0
      ? {
        ...makeEvent("message_delta", { seq, logged: true, session_id: "ses_1", message_id: "msg_1" }, {
          delta: " x",
          index: seq,
        }),
        ts: "2026-02-30T00:00:00.000Z",
      }
      : makeEvent("message_delta", { seq, logged: true, session_id: "ses_1", message_id: "msg_2" }, {
        delta: ` w${seq}`,
        index: seq,
      });
    all.push(e);
    log.append(e as never, 1000);
  }
  assert.equal(log.head, 3000);
  assert.equal(log.oldestSeq, 2001);
  const read = log.read(2500);
  assert.deepEqual(read, all.slice(2500));
  assert.equal(JSON.stringify(read), JSON.stringify(all.slice(2500)));
  assert.deepEqual(log.read(0), all.slice(2000));
  assert.deepEqual(log.read(3000), []);
});
