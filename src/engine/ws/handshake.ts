/**
 * The `hello` handshake: checks the protocol version and the key, then creates or finds the session.
 * Every refusal comes with the documented error code and close code.
 *
 * @module
 */
import type { ErrorCode, HelloFrame } from "../../generated/protocol.ts";
import { CloseCode, PROTOCOL_VERSION } from "../../generated/protocol_schema.ts";
import type { Auth, Caller } from "../auth.ts";
import { ApiError } from "../http/errors.ts";
import type { SessionHandle, Sessions } from "../session/sessions.ts";

/** The outcome of a handshake. */
export type Handshake =
  | { ok: true; caller: Caller; runtime: SessionHandle; resumed: boolean; lastSeq: number }
  | { ok: false; code: ErrorCode; close: CloseCode; message: string; sessionId: string };

/** Runs the handshake for a valid `hello` frame. */
export async function handshake(
  hello: HelloFrame,
  auth: Auth,
  registry: Sessions,
): Promise<Handshake> {
  const target = hello.target;
  const sessionId = "session_id" in target ? target.session_id : "";
  const refuse = (code: ErrorCode, close: CloseCode, message: string): Handshake => ({
    ok: false,
    code,
    close,
    message,
    sessionId,
  });
  if (hello.protocol_version !== PROTOCOL_VERSION) {
    return refuse(
      "unsupported_protocol_version",
      CloseCode.unsupported_protocol_version,
      `Protocol version ${hello.protocol_version} is not supported; this engine speaks version ${PROTOCOL_VERSION}. Upgrade or downgrade the client.`,
    );
  }
  const caller = await auth.identify(hello.api_key);
  if ("code" in caller) {
    const message = caller.code === "token_expired"
      ? caller.message
      : "Invalid API key or token in hello: check VECTORSHIFT_API_KEY or the key passed to configure(); " +
        "a token must come from POST /v1/tokens on an engine with the same API keys.";
    return refuse(caller.code, CloseCode[caller.code], message);
  }
  const outOfScope = await auth.targetRefusal(caller, target);
  if (outOfScope !== undefined) return refuse("forbidden", CloseCode.forbidden, outOfScope);
  try {
    if ("session_id" in target) {
      const runtime = await registry.open(caller.org, target.session_id);
      return { ok: true, caller, runtime, resumed: true, lastSeq: target.last_seq ?? 0 };
    }
    const runtime = await registry.create(caller.org, target);
    return { ok: true, caller, runtime, resumed: false, lastSeq: 0 };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404) return refuse("not_found", CloseCode.session_not_found, error.message);
    if (error.status === 410 && error.code === "session_expired") {
      return refuse("session_expired", CloseCode.session_expired, error.message);
    }
    if (error.status === 410) {
      return refuse("session_terminated", CloseCode.session_terminated, error.message);
    }
    return refuse("invalid_frame", CloseCode.bad_handshake, error.message);
  }
}
