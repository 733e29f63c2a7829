import assert from "node:assert/strict";
import type { EventOf } from "../../src/engine/events.ts";
import { makeEvent } from "../../src/engine/events.ts";
import { Approvals, RESOLVED_REMEMBERED } from "../../src/engine/session/approvals.ts";

function request(id: string): EventOf<"approval_request"> {
  return makeEvent("approval_request", { seq: 1, logged: true, session_id: "s" }, {
    request_id: id,
    call_id: "c",
    tool_name: "t",
    tool_id: "t",
    tool_type: "calculator",
    arguments: {},
  });
}

Deno.test("resolved approvals are remembered up to a bound; the oldest then answer not_found", async () => {
  const approvals = new Approvals();
  const signal = new AbortController().signal;
  const total = RESOLVED_REMEMBERED + 10;
  for (let i = 0; i < total; i++) {
    const waiting = approvals.wait(request(`r${i}`), signal);
    assert.equal(
      approvals.answer({ type: "approval_response", request_id: `r${i}`, approved: true }),
      "accepted",
    );
    assert.equal((await waiting).approved, true);
  }
  const again = (id: string) =>
    approvals.answer({ type: "approval_response", request_id: id, approved: true });
  assert.equal(again(`r${total - 1}`), "already_resolved");
  assert.equal(again(`r${total - RESOLVED_REMEMBERED}`), "already_resolved");
  assert.equal(again("r0"), "not_found", "the bookkeeping does not grow forever");
});

Deno.test("a stopped turn's approval wait rejects with the stop reason and counts as resolved", async () => {
  const approvals = new Approvals();
  const controller = new AbortController();
  const waiting = approvals.wait(request("r"), controller.signal);
  assert.equal(approvals.pendingUpTo(1).length, 1);
  const reason = new Error("cancelled");
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  assert.equal(approvals.pendingUpTo(1).length, 0);
  assert.equal(
    approvals.answer({ type: "approval_response", request_id: "r", approved: true }),
    "already_resolved",
  );
});
