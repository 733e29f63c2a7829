/**
 * Terminate: generation stops, `session_terminated` is the last event on every attached socket, the
 * sockets close with 4010, and REST answers 410 from then on.
 *
 * @module
 */
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import type { components } from "../../src/generated/rest.ts";
import { type Check, expect, expectEqual } from "../check.ts";
import type { CheckContext } from "../context.ts";
import { afterTerminatedProblem } from "../invariants.ts";
import type { WireSocket } from "../wire/socket.ts";
import { CLOSE_MARGIN_MS } from "./expect_close.ts";
import { newId } from "./read_turn.ts";

type ErrorBody = components["schemas"]["Error"];
type SessionInfo = components["schemas"]["SessionInfo"];

/** Every socket ends with session_terminated (logged, nothing after it) and close 4010. */
async function expectTerminated(sockets: WireSocket[], what: string): Promise<void> {
  for (const [i, socket] of sockets.entries()) {
    const name = `${what}, socket ${i + 1} of ${sockets.length}`;
    const event = await socket.next("session_terminated");
    expectEqual(event.logged, true, `${name}: session_terminated.logged`);
    const closed = await socket.closedWithin(CLOSE_MARGIN_MS, name);
    expectEqual(closed.code, CloseCode.session_terminated, `${name}: close code`);
    const problem = afterTerminatedProblem(socket.events);
    expect(problem === undefined, `${name}: ${problem}`);
    const complete = socket.events.find((e) => e.type === "message_complete" && e.data.status === "complete");
    expect(complete === undefined, `${name}: the interrupted turn still completed`);
  }
}

/** Every REST route of the session answers 410 with code session_terminated. */
async function expectGone(ctx: CheckContext, sessionId: string): Promise<void> {
  const params = { session_id: sessionId };
  for (
    const [method, route] of [
      ["GET", "/v1/sessions/{session_id}"],
      ["GET", "/v1/sessions/{session_id}/messages"],
      ["POST", "/v1/sessions/{session_id}/terminate"],
    ] as const
  ) {
    const answer = await ctx.rest<ErrorBody>(method, route, { params });
    expectEqual(answer.status, 410, `${method} ${route} of a terminated session`);
    expectEqual(answer.body.code, "session_terminated", `${method} ${route}: body.code`);
  }
}

/** The terminate checks. */
export const terminateChecks: readonly Check[] = [
  {
    id: "terminate.frame",
    guarantee:
      "terminate stops generation at once: session_terminated is the last event on every attached socket, each closed with 4010; REST then answers 410",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("essay");
      const { socket: other } = await ctx.attach({ session_id: sessionId, last_seq: 1 });
      socket.post(newId("p"), "Write the essay.");
      await socket.next("message_delta");
      socket.send({ type: "terminate", reason: "conformance" });
      await expectTerminated([socket, other], "terminate frame");
      await expectGone(ctx, sessionId);
    },
  },
  {
    id: "terminate.rest",
    guarantee:
      "POST /v1/sessions/{id}/terminate answers 200 (state terminated), and attached sockets get session_terminated and close 4010",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("essay");
      socket.post(newId("p"), "Write the essay.");
      await socket.next("message_delta");
      const answer = await ctx.rest<SessionInfo>("POST", "/v1/sessions/{session_id}/terminate", {
        params: { session_id: sessionId },
      });
      expectEqual(answer.status, 200, "POST /v1/sessions/{id}/terminate status");
      expectEqual(answer.body.state, "terminated", "the answer's state");
      await expectTerminated([socket], "REST terminate");
      await expectGone(ctx, sessionId);
    },
  },
];
