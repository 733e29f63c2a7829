/**
 * A turn's event order, and cancelling a turn (running, or still waiting for its turn).
 *
 * @module
 */
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { type Check, ConformanceFailure, expect, expectEqual, show } from "../check.ts";
import { deltaProblem } from "../invariants.ts";
import { describeTypes } from "../wire/socket.ts";
import { isIdle, newId, readTurn } from "./read_turn.ts";

/** Events that may appear between `message_streaming` and `message_complete`. */
const BODY = new Set([
  "message_delta",
  "tool_call",
  "search_result",
  "approval_request",
  "tool_result",
  "participant_status",
  "thinking",
]);

/** What is wrong with the order of one turn's logged events, if anything. */
function orderProblem(turn: readonly ServerEvent[]): string | undefined {
  const events = turn.filter((e) => e.logged && e.type !== "message_posted" && e.type !== "messages_posted");
  const types = events.map((e) => e.type);
  const first = events[0];
  if (first?.type !== "participant_status" || first.data.status !== "thinking") {
    return `the turn starts with ${types[0]}, not participant_status thinking`;
  }
  const streaming = types.indexOf("message_streaming");
  if (streaming === -1) return "no message_streaming";
  if (types.slice(1, streaming).some((t) => t !== "thinking")) {
    return `before message_streaming only thinking may come; got ${types.slice(1, streaming).join(", ")}`;
  }
  const complete = types.indexOf("message_complete");
  if (complete === -1) return "no message_complete";
  const body = types.slice(streaming + 1, complete).filter((t) => !BODY.has(t));
  if (body.length > 0) return `between message_streaming and message_complete came ${body.join(", ")}`;
  if (types.filter((t) => t === "message_complete").length !== 1) return "more than one message_complete";
  const last = events.at(-1);
  if (last === undefined || !isIdle(last) || complete !== events.length - 2) {
    return `after message_complete: ${
      types.slice(complete + 1).join(", ") || "nothing"
    }, expected participant_status idle`;
  }
  const message = events[streaming]?.message_id;
  const strays = events.filter((e) =>
    (e.type === "message_delta" || e.type === "message_complete") && e.message_id !== message
  );
  if (strays.length > 0) {
    return `${strays[0]?.type} has message_id ${strays[0]?.message_id}, not the streaming ${message}`;
  }
  return deltaProblem(events);
}

/** The turn checks. */
export const turnChecks: readonly Check[] = [
  {
    id: "turns.event_order",
    guarantee:
      "a turn is participant_status thinking, message_streaming, deltas and tool events, exactly one message_complete, then participant_status idle",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      const postId = newId("p");
      socket.post(postId, "Tell me about volcanoes.");
      const turn = await readTurn(socket);
      const problem = orderProblem(turn);
      if (problem !== undefined) throw new ConformanceFailure(`${problem}; the turn: ${describeTypes(turn)}`);
      const complete = turn.find((e) => e.type === "message_complete");
      expect(complete?.type === "message_complete", "no message_complete");
      expectEqual(complete.data.status, "complete", "message_complete.data.status");
      expectEqual(show(complete.data.post_ids), show([postId]), "message_complete.data.post_ids");
    },
  },
  {
    id: "cancel.running_turn",
    guarantee:
      "cancel_turn stops the running turn: turn_cancelled, then message_complete (cancelled), and the session stays usable",
    async run(ctx) {
      const { socket } = await ctx.newSession("essay");
      socket.post(newId("p"), "Write the essay.");
      await socket.next("message_delta");
      socket.send({ type: "cancel_turn", reason: "conformance" });
      const events = await socket.until(
        (e) => e.type === "turn_cancelled" || e.type === "message_complete",
        undefined,
        "turn_cancelled",
      );
      const cancelled = events.at(-1);
      if (cancelled?.type !== "turn_cancelled") {
        throw new ConformanceFailure(
          `cancel_turn after the first delta did not cancel: ${cancelled?.type} came first` +
            (cancelled?.type === "message_complete"
              ? ` (status ${cancelled.data.status}; a model that answers this fast cannot be cancelled)`
              : ""),
        );
      }
      expectEqual(cancelled.data.reason, "conformance", "turn_cancelled.data.reason");
      const rest = await readTurn(socket);
      const complete = rest.find((e) => e.type === "message_complete");
      expect(complete?.type === "message_complete", "no message_complete");
      expectEqual(complete.data.status, "cancelled", "message_complete.data.status after cancel_turn");
      const late = rest.filter((e) => e.type === "message_delta");
      expect(late.length === 0, `${late.length} message_delta events came after turn_cancelled`);
      socket.post(newId("p"), "Hello again.");
      const next = (await readTurn(socket)).find((e) => e.type === "message_complete");
      expect(next?.type === "message_complete", "no message_complete");
      expectEqual(next.data.status, "complete", "status of the turn after a cancelled one");
    },
  },
  {
    id: "cancel.waiting_post",
    guarantee:
      "cancel_turn right after a post cancels it before its turn: turn_cancelled, message_streaming, message_complete (cancelled) with its post_ids",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      const postId = newId("p");
      socket.post(postId, "Tell me about glaciers.");
      socket.send({ type: "cancel_turn" });
      const events = await socket.until(
        (e) => e.type === "message_complete",
        undefined,
        "message_complete after the cancel",
      );
      const complete = events.at(-1);
      expect(complete?.type === "message_complete", "no message_complete");
      expectEqual(
        complete.data.status,
        "cancelled",
        "message_complete.data.status of a post cancelled while waiting",
      );
      expectEqual(show(complete.data.post_ids), show([postId]), "message_complete.data.post_ids");
      expect(
        events.some((e) => e.type === "turn_cancelled"),
        `no turn_cancelled before message_complete: ${describeTypes(events)}`,
      );
    },
  },
];
