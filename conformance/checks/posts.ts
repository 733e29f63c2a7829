/**
 * Posts and turns: acknowledgements, idempotent retries, batches as one turn, coalescing of
 * back-to-back posts, and posts during a turn going to the next one.
 *
 * @module
 */
import type { ServerEvent } from "../../src/generated/protocol.ts";
import type { components } from "../../src/generated/rest.ts";
import { type Check, expect, expectEqual, show } from "../check.ts";
import type { CheckContext } from "../context.ts";
import { describeTypes, type Ev } from "../wire/socket.ts";
import { logged, newId, readTurn } from "./read_turn.ts";

type MessageList = components["schemas"]["SessionMessageList"];

/** How long the kit watches for a turn that must not start. */
const QUIET_MS = 400;

const completes = (events: readonly ServerEvent[]) =>
  events.filter((e): e is Ev<"message_complete"> => e.type === "message_complete");

/** The session's user messages, over REST. */
async function userMessages(ctx: CheckContext, sessionId: string) {
  const answer = await ctx.rest<MessageList>("GET", "/v1/sessions/{session_id}/messages", {
    params: { session_id: sessionId },
  });
  expectEqual(answer.status, 200, "GET /v1/sessions/{id}/messages status");
  return answer.body.messages.filter((m) => m.sender.role === "user");
}

/** A text message. */
function message(postId: string, text: string) {
  return { post_id: postId, content: { kind: "text", text } };
}

/** The post and turn checks. */
export const postChecks: readonly Check[] = [
  {
    id: "posts.acknowledged",
    guarantee: "a post is acknowledged with a logged message_posted naming its post_id (duplicate: false)",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      const postId = newId("p");
      socket.post(postId, "Hello there.");
      const ack = await socket.next("message_posted");
      expectEqual(ack.logged, true, "message_posted.logged");
      expectEqual(ack.data.post_id, postId, "message_posted.data.post_id");
      expectEqual(ack.data.duplicate, false, "message_posted.data.duplicate for a first post");
      await readTurn(socket);
    },
  },
  {
    id: "posts.idempotent",
    guarantee:
      "a retried post_id is not applied again: a connection-scoped message_posted with duplicate: true, and no new turn",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("plain");
      const postId = newId("p");
      socket.post(postId, "Hello there.");
      const ack = await socket.next("message_posted");
      await readTurn(socket);
      socket.post(postId, "Hello there.");
      const again = await socket.next("message_posted");
      expectEqual(again.data.post_id, postId, "the retry's message_posted.data.post_id");
      expectEqual(again.data.duplicate, true, "message_posted.data.duplicate for a retried post_id");
      expectEqual(again.logged, false, "the duplicate acknowledgement's logged");
      expectEqual(again.message_id, ack.message_id, "the duplicate acknowledgement's message_id");
      const after = logged(await socket.collect(QUIET_MS));
      expect(after.length === 0, `the retried post was applied again: ${describeTypes(after)}`);
      const users = await userMessages(ctx, sessionId);
      expectEqual(users.length, 1, "user messages in the history after a retried post");
    },
  },
  {
    id: "posts.batch_one_turn",
    guarantee:
      "a post_batch is acknowledged with messages_posted and answered by exactly one turn; a retried batch_id is a duplicate",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("plain");
      const batchId = newId("b");
      const postIds = [newId("p"), newId("p"), newId("p")];
      const frame = {
        type: "post_batch",
        batch_id: batchId,
        messages: postIds.map((id, i) => message(id, `Part ${i + 1} of my question about trees.`)),
      };
      socket.send(frame);
      const ack = await socket.next("messages_posted");
      expectEqual(ack.logged, true, "messages_posted.logged");
      expectEqual(ack.data.batch_id, batchId, "messages_posted.data.batch_id");
      expectEqual(show(ack.data.post_ids), show(postIds), "messages_posted.data.post_ids");
      expectEqual(ack.data.message_ids.length, 3, "messages_posted.data.message_ids length");
      expectEqual(ack.data.duplicate, false, "messages_posted.data.duplicate");
      const turn = await readTurn(socket);
      const done = [...completes(turn), ...completes(await socket.collect(QUIET_MS))];
      expectEqual(done.length, 1, "message_complete events for one batch");
      expectEqual(show(done[0]?.data.post_ids), show(postIds), "message_complete.data.post_ids of the batch");
      socket.send(frame);
      const again = await socket.next("messages_posted");
      expectEqual(again.data.duplicate, true, "messages_posted.data.duplicate for a retried batch_id");
      expectEqual(again.logged, false, "the duplicate acknowledgement's logged");
      const after = logged(await socket.collect(QUIET_MS));
      expect(after.length === 0, `the retried batch was applied again: ${describeTypes(after)}`);
      expectEqual(
        (await userMessages(ctx, sessionId)).length,
        3,
        "user messages after a batch and its retry",
      );
    },
  },
  {
    id: "posts.coalesced",
    guarantee:
      "posts sent back to back before a turn starts are answered by one turn with one message_complete",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      const postIds = [newId("p"), newId("p"), newId("p")];
      for (const [i, id] of postIds.entries()) socket.post(id, `Question ${i + 1}: what is a river?`);
      const turn = await readTurn(socket);
      const acks = turn.filter((e) => e.type === "message_posted");
      expectEqual(acks.length, 3, "message_posted events for three posts");
      const done = [...completes(turn), ...completes(await socket.collect(QUIET_MS))];
      expectEqual(done.length, 1, "message_complete events for three back-to-back posts");
      expectEqual(show(done[0]?.data.post_ids), show(postIds), "message_complete.data.post_ids");
    },
  },
  {
    id: "posts.during_turn_next_turn",
    guarantee: "a post that arrives while a turn runs is answered by the next turn",
    async run(ctx) {
      const { socket } = await ctx.newSession("essay");
      const first = newId("p");
      const second = newId("p");
      socket.post(first, "Write the essay.");
      await socket.next("message_delta");
      socket.post(second, "Thanks. And a summary?");
      const turns = [
        await readTurn(socket, ctx.options.waitMs * 3),
        await readTurn(socket, ctx.options.waitMs * 3),
      ];
      const done = turns.map((t) => completes(t)[0]);
      expectEqual(show(done[0]?.data.post_ids), show([first]), "post_ids of the running turn");
      expectEqual(show(done[1]?.data.post_ids), show([second]), "post_ids of the next turn");
    },
  },
];
