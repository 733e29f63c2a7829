/**
 * The client frames `Session` methods send, built from what the caller passed and checked before they
 * leave: ids the caller chose are validated against the schema, and a frame larger than the engine
 * accepts fails only its own call instead of getting the socket closed (1009 is final).
 *
 * @module
 */
import type { ApprovalResponseFrame, PostBatchFrame, PostFrame } from "../generated/protocol.ts";
import { newId, type SendContent, type SendManyItem, sendManyMessage, userMessage } from "../content.ts";
import { VectorshiftError } from "../errors.ts";
import { idsOf } from "./outbox.ts";
import { validateClientFrame } from "../protocol/validate.ts";
import { MessageRejectedError } from "../send_errors.ts";
import type { SessionEvent } from "../session_event.ts";
import type { RespondOptions, SendManyOptions, SendOptions } from "../session_options.ts";

/** The `post` frame of one `send()`. */
export async function postFrame(content: SendContent, options: SendOptions): Promise<PostFrame> {
  const message = await userMessage(content, options, options.postId);
  const frame: PostFrame = { type: "post", message };
  if (options.postId !== undefined) checkCallerIds(frame, "send()", "postId");
  return frame;
}

/** The `post_batch` frame of one `sendMany()`. */
export async function batchFrame(
  items: readonly SendManyItem[],
  options: SendManyOptions,
): Promise<PostBatchFrame> {
  if (items.length === 0) throw new VectorshiftError("sendMany() needs at least one item.");
  const messages = await Promise.all(items.map(sendManyMessage));
  const frame: PostBatchFrame = {
    type: "post_batch",
    batch_id: options.batchId ?? newId("batch"),
    messages: messages as PostBatchFrame["messages"],
  };
  if (options.batchId !== undefined) checkCallerIds(frame, "sendMany()", "batchId");
  return frame;
}

function checkCallerIds(frame: PostFrame | PostBatchFrame, method: string, option: string): void {
  const result = validateClientFrame(frame);
  if (!result.ok) {
    throw new VectorshiftError(
      `${method} cannot send this message: ${result.error}. Check the ${option} option.`,
    );
  }
}

/**
 * Throws {@link MessageRejectedError} (`frame_too_large`) when `frame` serializes to more than the
 * engine's `limits.max_frame_bytes` (unknown until the first `session_connected`: then no check). The
 * engine closes the socket on such a frame (1009), so it must never leave, let alone be re-sent.
 */
export function checkFrameSize(
  frame: PostFrame | PostBatchFrame | ApprovalResponseFrame,
  maxFrameBytes: number | undefined,
  sessionId: string | undefined,
): void {
  if (maxFrameBytes === undefined) return;
  const json = JSON.stringify(frame);
  // A UTF-16 unit is at most 3 UTF-8 bytes, so only long frames need an exact count.
  if (json.length * 3 <= maxFrameBytes) return;
  const bytes = new TextEncoder().encode(json).byteLength;
  if (bytes <= maxFrameBytes) return;
  const answer = frame.type === "approval_response";
  const what = answer
    ? `This answer to approval request ${frame.request_id}`
    : frame.type === "post"
    ? "This message"
    : "This batch";
  const fix = answer
    ? "pass a smaller confirm or denyReason"
    : "send smaller content, or split files across messages";
  throw new MessageRejectedError(
    `${what} is ${bytes} bytes as a frame, over the engine's limit of ${maxFrameBytes} bytes ` +
      `(limits.max_frame_bytes), and was not sent: ${fix}.`,
    { code: "frame_too_large", sessionId, ...(answer ? {} : idsOf(frame)) },
  );
}

/**
 * The `approval_response` answering `event`. `approved` may be inferred from `confirm` (approve) or
 * `denyReason` (deny) unless `strict`, as `respondApproval()` wants it explicit.
 */
export function approvalFrame(
  method: "respond()" | "respondApproval()",
  event: SessionEvent,
  options: RespondOptions,
  strict: boolean,
): ApprovalResponseFrame {
  options ??= {}; // plain JavaScript callers may leave it out
  if (event.type !== "approval_request") {
    throw new VectorshiftError(
      `${method} answers approval_request events; got a "${event.rawType}" event.`,
    );
  }
  const approved = strict ? options.approved : options.approved ??
    (options.denyReason !== undefined ? false : options.confirm !== undefined ? true : undefined);
  if (typeof approved !== "boolean") {
    throw new VectorshiftError(
      `${method} needs approved: true or false${strict ? "" : " (or confirm / denyReason)"}.`,
    );
  }
  const frame: ApprovalResponseFrame = {
    type: "approval_response",
    request_id: event.data.request_id,
    approved,
  };
  if (options.confirm !== undefined) frame.confirm = options.confirm;
  if (options.denyReason !== undefined) frame.deny_reason = options.denyReason;
  return frame;
}
