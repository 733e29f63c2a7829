/**
 * Errors that answer a client frame: connection-scoped, naming the frame's id, the frame not applied,
 * the socket kept open; and malformed or unknown frames after the handshake.
 *
 * @module
 */
import type { components } from "../../src/generated/rest.ts";
import { type Check, expect, expectEqual } from "../check.ts";
import { describeTypes } from "../wire/socket.ts";
import { expectFrameError, expectStillOpen } from "./expect_close.ts";
import { newId } from "./read_turn.ts";

type MessageList = components["schemas"]["SessionMessageList"];

/** The frame-error checks. */
export const frameChecks: readonly Check[] = [
  {
    id: "errors.name_the_frame",
    guarantee:
      "an error answering a post, post_batch or approval_response is connection-scoped and names its post_id, batch_id or request_id; the frame is not applied",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("plain");
      const postId = newId("p");
      socket.send({ type: "post", message: { post_id: postId, content: { kind: "nonsense" } } });
      const postError = await expectFrameError(socket, ["invalid_frame"], "an invalid post");
      expectEqual(postError.data.post_id, postId, "error.data.post_id for an invalid post");
      const batchId = newId("b");
      socket.send({ type: "post_batch", batch_id: batchId, messages: [] });
      const batchError = await expectFrameError(socket, ["invalid_frame"], "an empty post_batch");
      expectEqual(batchError.data.batch_id, batchId, "error.data.batch_id for an invalid batch");
      const requestId = newId("apr");
      socket.send({ type: "approval_response", request_id: requestId, approved: true });
      const answerError = await expectFrameError(
        socket,
        ["approval_not_found"],
        "an answer to an unknown approval",
      );
      expectEqual(answerError.data.request_id, requestId, "error.data.request_id for an unknown approval");
      await expectStillOpen(socket, "after three refused frames");
      const applied = socket.drain().filter((e) => e.logged);
      expect(applied.length === 0, `a refused frame was applied: ${describeTypes(applied)}`);
      const history = await ctx.rest<MessageList>("GET", "/v1/sessions/{session_id}/messages", {
        params: { session_id: sessionId },
      });
      expectEqual(history.body.messages.length, 0, "messages in the history after refused posts");
    },
  },
  {
    id: "errors.malformed_frames_keep_socket",
    guarantee:
      "malformed JSON, invalid frames and unknown frame types after the handshake get a connection-scoped error and the socket stays open",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      const cases: [string, string][] = [
        ["text that is not JSON", "{oops"],
        ["an unknown frame type", JSON.stringify({ type: "dance" })],
        ["a post without a message", JSON.stringify({ type: "post" })],
      ];
      for (const [what, frame] of cases) {
        socket.send(frame);
        await expectFrameError(socket, ["invalid_json", "invalid_frame", "unknown_frame_type"], what);
        await expectStillOpen(socket, `after ${what}`);
      }
    },
  },
];
