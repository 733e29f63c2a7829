/**
 * Approvals: a `requires_approval` tool pauses the turn; answers approve (with argument overrides) or
 * deny (with a reason); unanswered requests come again after a resume; a second answer is harmless.
 *
 * @module
 */
import { type Check, ConformanceFailure, expect, expectEqual, show } from "../check.ts";
import { ARITHMETIC_QUESTION, type CheckContext } from "../context.ts";
import { describeTypes, type Ev } from "../wire/socket.ts";
import { expectFrameError } from "./expect_close.ts";
import { newId, readTurn } from "./read_turn.ts";

/** A session paused on an approval request, with the events that led to it. */
async function pendingApproval(ctx: CheckContext) {
  const open = await ctx.newSession("approval");
  open.socket.post(newId("p"), ARITHMETIC_QUESTION);
  const read = await open.socket.until(
    (e) => e.type === "approval_request" || e.type === "message_complete",
    undefined,
    "approval_request",
  );
  const request = read.at(-1);
  if (request?.type !== "approval_request") {
    throw new ConformanceFailure(
      `the agent's requires_approval calculator was not proposed for "${ARITHMETIC_QUESTION}": ${
        describeTypes(read)
      } ` +
        `(the kit needs a model that calls the calculator tool; see llmInfo)`,
    );
  }
  return { ...open, read, request };
}

/** The approval checks. */
export const approvalChecks: readonly Check[] = [
  {
    id: "approvals.pause",
    guarantee:
      "a requires_approval tool pauses the turn with awaiting_approval and a logged approval_request; nothing runs before the answer",
    async run(ctx) {
      const { read, request } = await pendingApproval(ctx);
      expectEqual(request.logged, true, "approval_request.logged");
      expect(
        read.some((e) => e.type === "participant_status" && e.data.status === "awaiting_approval"),
        `no participant_status awaiting_approval: ${describeTypes(read)}`,
      );
      const ran = read.filter((e) => e.type === "tool_call" || e.type === "tool_result");
      expect(ran.length === 0, `the tool ran before it was approved: ${describeTypes(ran)}`);
    },
  },
  {
    id: "approvals.approve_with_override",
    guarantee: "approved: true runs the tool with confirm merged over the proposed arguments",
    async run(ctx) {
      const { socket, request } = await pendingApproval(ctx);
      const confirm = { expression: "6 * 7" };
      socket.send({
        type: "approval_response",
        request_id: request.data.request_id,
        approved: true,
        confirm,
      });
      const turn = await readTurn(socket);
      const call = turn.find((e): e is Ev<"tool_call"> => e.type === "tool_call");
      expect(call !== undefined, `no tool_call after the approval: ${describeTypes(turn)}`);
      expectEqual(
        show(call.data.arguments),
        show({ ...request.data.arguments, ...confirm }),
        "tool_call.data.arguments",
      );
      expectEqual(call.data.call_id, request.data.call_id, "tool_call.data.call_id");
      const result = turn.find((e): e is Ev<"tool_result"> => e.type === "tool_result");
      expectEqual(result?.data.status, "success", "tool_result.data.status");
      const complete = turn.find((e) => e.type === "message_complete");
      expectEqual(
        complete?.type === "message_complete" && complete.data.status,
        "complete",
        "message_complete status",
      );
    },
  },
  {
    id: "approvals.deny_with_reason",
    guarantee:
      "approved: false gives the model a denied tool_result carrying deny_reason, and the tool does not run",
    async run(ctx) {
      const { socket, request } = await pendingApproval(ctx);
      const reason = "Not allowed by the conformance kit.";
      socket.send({
        type: "approval_response",
        request_id: request.data.request_id,
        approved: false,
        deny_reason: reason,
      });
      const turn = await readTurn(socket);
      expect(!turn.some((e) => e.type === "tool_call"), "a tool_call came after the denial");
      const result = turn.find((e): e is Ev<"tool_result"> => e.type === "tool_result");
      expect(result !== undefined, `no tool_result after the denial: ${describeTypes(turn)}`);
      expectEqual(result.data.status, "denied", "tool_result.data.status");
      expect(
        result.data.result.includes(reason),
        `tool_result.data.result ${show(result.data.result)} does not carry the deny_reason`,
      );
    },
  },
  {
    id: "approvals.redelivered_after_resume",
    guarantee:
      "an unanswered approval_request at or before last_seq is sent again after the replay (logged: false, same request_id) and can be answered there",
    async run(ctx) {
      const { socket, sessionId, request } = await pendingApproval(ctx);
      await socket.close();
      const { socket: resumed } = await ctx.attach({ session_id: sessionId, last_seq: request.seq });
      const copy = await resumed.next("approval_request");
      expectEqual(copy.logged, false, "the re-sent approval_request's logged");
      expectEqual(show(copy.data), show(request.data), "the re-sent approval_request's data");
      const { socket: replayed } = await ctx.attach({ session_id: sessionId, last_seq: request.seq - 1 });
      const replay = await replayed.until(
        (e) => e.type === "approval_request",
        undefined,
        "the replayed approval_request",
      );
      expectEqual(replay.at(-1)?.logged, true, "a cursor before the request replays the logged original");
      const extra = (await replayed.collect(200)).filter((e) => e.type === "approval_request");
      expect(extra.length === 0, "a socket that replayed the original also got a copy");
      resumed.send({ type: "approval_response", request_id: copy.data.request_id, approved: true });
      const complete = (await readTurn(resumed)).find((e) => e.type === "message_complete");
      expectEqual(
        complete?.type === "message_complete" && complete.data.status,
        "complete",
        "the answered turn's status",
      );
    },
  },
  {
    id: "approvals.answered_twice",
    guarantee:
      "a second answer to the same request is harmless: a connection-scoped error approval_already_resolved naming the request",
    async run(ctx) {
      const { socket, request } = await pendingApproval(ctx);
      socket.send({ type: "approval_response", request_id: request.data.request_id, approved: true });
      await readTurn(socket);
      socket.send({ type: "approval_response", request_id: request.data.request_id, approved: false });
      const error = await expectFrameError(
        socket,
        ["approval_already_resolved"],
        "a second answer to an approval",
      );
      expectEqual(error.data.request_id, request.data.request_id, "error.data.request_id");
      const after = (await socket.collect(300)).filter((e) => e.logged);
      expect(after.length === 0, `the second answer changed the session: ${describeTypes(after)}`);
    },
  },
];
