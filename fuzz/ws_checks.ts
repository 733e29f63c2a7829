/**
 * The checks every engine frame and every close must pass, whichever attack provoked them: each
 * frame matches the protocol schema, each `error` code is in the schema's `ErrorCode` enum, and each
 * close the engine chose carries a code from the `CloseCode` table (a close with no code, 1005 or
 * 1006, means the engine dropped the connection without saying why).
 *
 * @module
 */
import { validateServerEvent } from "../src/protocol/validate.ts";
import { bump, type FuzzContext } from "./context.ts";
import type { CaseRef } from "./findings.ts";
import { type CloseInfo, frameData, frameType, type Received } from "./ws_client.ts";

/** What a batch of engine frames said. */
export interface Inspection {
  /** Connection-scoped `error` events. */
  errors: Record<string, unknown>[];
  /** Acknowledgements (`message_posted`, `messages_posted`, `pong`) not matching the barrier nonce. */
  acks: number;
  /** Whether an `error` with `fatal: true` came (the engine must close right after it). */
  fatal: boolean;
  /** Approval request ids seen. */
  requestIds: string[];
  /** Whether `session_terminated` came. */
  terminated: boolean;
}

/** Replaces ids, numbers and quoted values so one defect makes one signature. */
export function normalize(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b(?:ses|agt|agent|req|call|msg|tool|run|cb|chatbot|doc)_[A-Za-z0-9]+/g, "<id>")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}

/** Checks frames from the engine and sums them up. */
export function inspect(ctx: FuzzContext, frames: Received[], ref: CaseRef, barrier?: string): Inspection {
  const out: Inspection = { errors: [], acks: 0, fatal: false, requestIds: [], terminated: false };
  for (const frame of frames) {
    const type = frameType(frame);
    if (frame.value === undefined || type === undefined) {
      ctx.findings.fail(
        "ws_invalid_server_frame",
        "engine sent a frame that is not a JSON event",
        ref,
        frame.raw,
      );
      continue;
    }
    const validation = validateServerEvent(frame.value);
    if (!validation.ok) {
      ctx.findings.fail("ws_invalid_server_frame", `${type}: ${normalize(validation.error)}`, ref, frame.raw);
    }
    const data = frameData(frame);
    const logged = (frame.value as { logged?: unknown }).logged === true;
    switch (type) {
      case "error": {
        const code = String(data.code);
        bump(ctx.counters.errorCodes, code);
        if (!ctx.facts.errorCodes.has(code)) {
          ctx.findings.fail("ws_bad_error_code", `error code ${code} is not in ErrorCode`, ref, frame.raw);
        }
        if (data.fatal === true) out.fatal = true;
        if (!logged) out.errors.push(data);
        break;
      }
      case "pong":
        if (barrier === undefined || data.nonce !== barrier) out.acks++;
        break;
      case "message_posted":
      case "messages_posted":
        out.acks++;
        break;
      case "approval_request":
        if (typeof data.request_id === "string") out.requestIds.push(data.request_id);
        break;
      case "session_terminated":
        out.terminated = true;
        break;
    }
  }
  return out;
}

/** Codes a client reports when no close frame arrived (Deno reports 0 for a reset connection). */
const NO_CODE = new Set([0, 1005, 1006]);

/**
 * Checks a close the engine chose (a close this side started is not judged). A close without a code
 * is a failure, unless the engine process died meanwhile: that is reported once, as the crash.
 */
export async function checkClose(
  ctx: FuzzContext,
  info: CloseInfo,
  ref: CaseRef,
  what: string,
): Promise<void> {
  bump(ctx.counters.closeCodes, info.code);
  if (info.byUs && (info.code === 1000 || NO_CODE.has(info.code))) return;
  if (NO_CODE.has(info.code)) {
    // The crash watch learns of an exit a little after the sockets drop.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (ctx.signal.aborted) return;
    ctx.findings.fail(
      "ws_close_without_code",
      `engine closed with no code (${info.code}) after ${what}`,
      ref,
      info.reason,
    );
    return;
  }
  if (!ctx.facts.closeCodes.has(info.code)) {
    ctx.findings.fail(
      "ws_undocumented_close",
      `close code ${info.code} is not in CloseCode (${what})`,
      ref,
      info.reason,
    );
  }
}
