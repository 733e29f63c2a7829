/**
 * The shape every refused handshake and every frame error shares, checked in one place.
 *
 * @module
 */
import type { ErrorCode } from "../../src/generated/protocol.ts";
import { expect, expectEqual } from "../check.ts";
import type { Ev, WireSocket } from "../wire/socket.ts";

/** Margin on top of a server's own deadlines, for scheduling and loopback latency. */
export const CLOSE_MARGIN_MS = 2_000;

/**
 * A refusal: one connection-scoped `error` with `fatal: true` and one of `codes`, then the close
 * `closeCode`.
 */
export async function expectRefused(
  socket: WireSocket,
  codes: readonly ErrorCode[],
  closeCode: number,
  what: string,
): Promise<Ev<"error">> {
  const error = await socket.next("error");
  expect(
    codes.includes(error.data.code),
    `${what}: error code ${error.data.code}, expected ${codes.join(" or ")}`,
  );
  expectEqual(error.data.fatal, true, `${what}: error.data.fatal`);
  expectEqual(error.logged, false, `${what}: error.logged`);
  const closed = await socket.closedWithin(CLOSE_MARGIN_MS * 2, what);
  expectEqual(closed.code, closeCode, `${what}: close code`);
  return error;
}

/** A connection-scoped, non-fatal error answering one frame; the socket must stay open. */
export async function expectFrameError(
  socket: WireSocket,
  codes: readonly ErrorCode[],
  what: string,
): Promise<Ev<"error">> {
  const error = await socket.next("error");
  expect(
    codes.includes(error.data.code),
    `${what}: error code ${error.data.code}, expected ${codes.join(" or ")}`,
  );
  expectEqual(error.logged, false, `${what}: the error must be connection-scoped (logged)`);
  expect(error.data.fatal !== true, `${what}: the error is fatal, but the socket must stay open`);
  return error;
}

/** The socket still answers a ping (so it was not closed). */
export async function expectStillOpen(socket: WireSocket, what: string): Promise<void> {
  const nonce = `open-${crypto.randomUUID().slice(0, 8)}`;
  socket.send({ type: "ping", nonce });
  const pong = await socket.until(
    (e) => e.type === "pong" && e.data.nonce === nonce,
    undefined,
    `pong ${what}`,
  );
  expect(pong.length > 0, `${what}: no pong`);
}
