/**
 * The events the benchmark servers stream, built from the generated protocol types, plus the tiny
 * "stream plan" a client sends to ask for a stream (in the text of a `post`, or a socket.io event).
 *
 * @module
 */
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { validateServerEvent } from "../../src/protocol/validate.ts";

/** The event of one protocol type. */
export type EventOf<T extends ServerEvent["type"]> = Extract<ServerEvent, { type: T }>;

/** What a client asks a benchmark server to stream. */
export interface StreamPlan {
  /** `burst`: every delta as fast as the socket takes them; `paced`: one delta per `intervalMs`. */
  mode: "burst" | "paced";
  /** How many `message_delta` events. */
  count: number;
  /** Gap between paced deltas. @default {1} */
  intervalMs?: number;
}

/** The assistant message id every streamed delta belongs to. */
const STREAM_MESSAGE_ID = "msg_bench_reply";

/** A chunk of fixed text, the size of a typical simulator token, for burst streams. */
export const BURST_DELTA = " history";

/** The most deltas any server streams for one plan, whatever a client asks. */
export const MAX_STREAM_EVENTS = 1_000_000;

/** Encodes a plan as post text. */
export function planText(plan: StreamPlan): string {
  return JSON.stringify(plan);
}

/** Decodes post text into a plan; undefined when the text is not one. */
export function parsePlan(text: string): StreamPlan | undefined {
  try {
    const value = JSON.parse(text) as Partial<StreamPlan>;
    if ((value.mode !== "burst" && value.mode !== "paced") || typeof value.count !== "number") {
      return undefined;
    }
    const plan: StreamPlan = {
      mode: value.mode,
      count: Math.max(0, Math.min(value.count, MAX_STREAM_EVENTS)),
    };
    if (typeof value.intervalMs === "number") plan.intervalMs = value.intervalMs;
    return plan;
  } catch {
    return undefined;
  }
}

function ts(): string {
  return new Date().toISOString();
}

/** The `session_connected` answer to a `hello`. */
export function sessionConnected(sessionId: string, head: number): EventOf<"session_connected"> {
  return {
    type: "session_connected",
    seq: head,
    logged: false,
    session_id: sessionId,
    ts: ts(),
    data: {
      protocol_version: PROTOCOL_VERSION,
      resumed: true,
      replay_from_seq: head,
      head_seq: head,
      agent_id: "agent_bench_firehose",
      model: { provider: "firehose", model_id: "firehose-1", simulated: true },
      heartbeat_interval_ms: 60_000,
      limits: { max_frame_bytes: 8 * 1024 * 1024, retained_events: 10_000 },
    },
  };
}

/** The acknowledgement of a post. */
export function messagePosted(sessionId: string, seq: number, postId: string): EventOf<"message_posted"> {
  return {
    type: "message_posted",
    seq,
    logged: true,
    session_id: sessionId,
    message_id: `msg_bench_user_${seq}`,
    ts: ts(),
    data: { post_id: postId, duplicate: false },
  };
}

/** One streamed chunk. */
export function messageDelta(
  sessionId: string,
  seq: number,
  index: number,
  delta: string,
): EventOf<"message_delta"> {
  return {
    type: "message_delta",
    seq,
    logged: true,
    session_id: sessionId,
    message_id: STREAM_MESSAGE_ID,
    ts: ts(),
    data: { delta, index },
  };
}

/** The end of a stream. */
export function messageComplete(
  sessionId: string,
  seq: number,
  postIds: string[],
): EventOf<"message_complete"> {
  return {
    type: "message_complete",
    seq,
    logged: true,
    session_id: sessionId,
    message_id: STREAM_MESSAGE_ID,
    ts: ts(),
    data: { text: "", status: "complete", post_ids: postIds },
  };
}

/** The answer to a ping. */
export function pong(sessionId: string, head: number, nonce: string | undefined): EventOf<"pong"> {
  return {
    type: "pong",
    seq: head,
    logged: false,
    session_id: sessionId,
    ts: ts(),
    data: nonce === undefined ? {} : { nonce },
  };
}

/**
 * Throws unless `event` is schema-valid: a benchmark that feeds clients invalid frames would measure
 * the SDK's error path, not its normal one.
 */
export function assertValid(event: ServerEvent): void {
  const result = validateServerEvent(event);
  if (!result.ok) throw new Error(`Benchmark server built an invalid ${event.type} frame: ${result.error}`);
}
