/**
 * Handles the frames of an attached socket: posts, batches, approval answers, cancel, terminate,
 * ping, and a repeated hello.
 *
 * @module
 */
import type { ClientFrame, ErrorCode, UserMessage } from "../../generated/protocol.ts";
import type { Caller } from "../auth.ts";
import { ApiError } from "../http/errors.ts";
import type { PostOutcome } from "../session/posts.ts";
import type { Subscriber } from "../session/fanout.ts";
import type { SessionHandle, Sessions } from "../session/sessions.ts";
import type { ErrorFields, FrameRef } from "./frame_ref.ts";

/** Largest `confirm` of an approval answer, as JSON: it is logged with the tool call it overrides. */
const MAX_CONFIRM_BYTES = 64 * 1024;

/** What the dispatcher may do on its socket (which is also the session's subscriber). */
export interface FrameReplies extends Subscriber {
  /** Sends a serialized frame to this socket only. */
  send(frame: string): void;
  /** Sends a connection-scoped, non-fatal `error` event; `fields` name the frame it answers. */
  error(code: ErrorCode, message: string, fields?: ErrorFields): void;
}

/** The socket's session and the engine services it uses. */
export interface Attached {
  caller: Caller;
  runtime: SessionHandle;
  registry: Sessions;
  maxMessageBytes: number;
}

/** Decoded size of a user message; the base64 was validated with the frame, so no decoding is needed. */
function messageBytes(message: UserMessage): number {
  let total = 0;
  for (const part of [message.content, ...(message.files ?? [])]) {
    if (part.kind === "text") {
      total += utf8Length(part.text);
      continue;
    }
    const b64 = part.data_base64;
    const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
    total += (b64.length / 4) * 3 - padding;
  }
  return total;
}

/** UTF-8 length without allocating the encoded bytes. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks every message of a post or batch; reports the first problem, naming the post or batch (`ref`),
 * and returns false. The post or batch is then not applied.
 */
function checkMessages(
  messages: UserMessage[],
  ref: FrameRef,
  attached: Attached,
  replies: FrameReplies,
): boolean {
  for (const message of messages) {
    const size = messageBytes(message);
    if (size > attached.maxMessageBytes) {
      replies.error(
        "message_too_large",
        `Post ${message.post_id} is ${size} bytes; the limit is ${attached.maxMessageBytes}. Send a smaller message or file.`,
        { ...ref, details: { post_id: message.post_id, bytes: size, limit: attached.maxMessageBytes } },
      );
      return false;
    }
  }
  return true;
}

function refusedError(replies: FrameReplies, outcome: PostOutcome, ref: FrameRef): void {
  if ("busy" in outcome) {
    replies.error(
      "limit_exceeded",
      `Posts waiting for their turn in this session already hold over ${outcome.busy} bytes; nothing was applied. Wait for a message_complete, then send it again (same id).`,
      { ...ref, details: { waiting_limit_bytes: outcome.busy } },
    );
  }
  if ("limit" in outcome) {
    replies.error(
      "limit_exceeded",
      `This session already holds its limit of ${outcome.limit} user messages; nothing was applied. Start a new session.`,
      { ...ref, details: { limit: outcome.limit } },
    );
  }
  if ("conflict" in outcome) {
    const what = "post_id" in outcome.conflict
      ? `post_id ${outcome.conflict.post_id}`
      : `batch_id ${outcome.conflict.batch_id}`;
    replies.error(
      "idempotency_conflict",
      `${what} was already applied in this session with other content; nothing was applied. Send new content with a new id (reuse an id only to retry the very same content).`,
      { ...ref, details: outcome.conflict },
    );
  }
  if ("reused" in outcome) {
    replies.error(
      "invalid_frame",
      `post_id ${outcome.reused} was already used in this session (or twice in the batch); give every message a new post_id.`,
      { ...ref, details: { post_id: outcome.reused } },
    );
  }
}

/** Handles one validated frame of an attached socket. */
export async function dispatch(frame: ClientFrame, attached: Attached, replies: FrameReplies): Promise<void> {
  const { runtime } = attached;
  switch (frame.type) {
    case "hello":
      replies.error("already_connected", "This socket is already attached; send hello only once per socket.");
      return;
    case "ping":
      replies.send(runtime.scoped(replies, "pong", frame.nonce === undefined ? {} : { nonce: frame.nonce }));
      return;
    case "post": {
      if (!checkMessages([frame.message], { post_id: frame.message.post_id }, attached, replies)) return;
      const outcome = await runtime.post(frame.message);
      // The acknowledgement is logged, so it is sent once stored: later frames on this socket wait for
      // it, so a client always gets a frame's answer before the answers to the frames after it.
      await runtime.logged();
      if ("receipt" in outcome && outcome.receipt.kind === "post") {
        const { post_id, message_id } = outcome.receipt;
        replies.send(runtime.scoped(replies, "message_posted", { post_id, duplicate: true }, message_id));
      }
      refusedError(replies, outcome, { post_id: frame.message.post_id });
      return;
    }
    case "post_batch": {
      if (!checkMessages(frame.messages, { batch_id: frame.batch_id }, attached, replies)) return;
      const outcome = await runtime.batch(frame.batch_id, frame.messages);
      await runtime.logged();
      if ("receipt" in outcome && outcome.receipt.kind === "batch") {
        const { batch_id, post_ids, message_ids } = outcome.receipt;
        replies.send(
          runtime.scoped(replies, "messages_posted", { batch_id, post_ids, message_ids, duplicate: true }),
        );
      }
      refusedError(replies, outcome, { batch_id: frame.batch_id });
      return;
    }
    case "approval_response": {
      const confirmBytes = frame.confirm === undefined ? 0 : JSON.stringify(frame.confirm).length;
      if (confirmBytes > MAX_CONFIRM_BYTES) {
        replies.error(
          "invalid_frame",
          `confirm is ${confirmBytes} bytes of JSON; at most ${MAX_CONFIRM_BYTES} (it overrides tool arguments). Send smaller overrides.`,
          { request_id: frame.request_id, details: { bytes: confirmBytes, limit: MAX_CONFIRM_BYTES } },
        );
        return;
      }
      const outcome = await runtime.answer(frame);
      if (outcome === "not_found") {
        replies.error(
          "approval_not_found",
          `No approval request ${frame.request_id} in this session; answer the request_id of an approval_request event.`,
          { request_id: frame.request_id, details: { request_id: frame.request_id } },
        );
      } else if (outcome === "already_resolved") {
        replies.error(
          "approval_already_resolved",
          `Approval request ${frame.request_id} was already answered (or its turn ended); nothing changed.`,
          { request_id: frame.request_id, details: { request_id: frame.request_id } },
        );
      }
      return;
    }
    case "cancel_turn":
      await runtime.cancel(frame.reason);
      return;
    case "terminate":
      try {
        await attached.registry.terminate(attached.caller.org, runtime.sessionId, frame.reason);
      } catch (error) {
        // Terminated by someone else meanwhile: this socket is being closed with 4010 anyway.
        if (!(error instanceof ApiError)) throw error;
      }
      return;
  }
}
