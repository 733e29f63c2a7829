/**
 * Liveness and limits: ping/pong, the heartbeat close, and frames over the announced size.
 *
 * @module
 */
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import { type Check, CheckSkipped, expectEqual } from "../check.ts";
import { CLOSE_MARGIN_MS } from "./expect_close.ts";

/** Largest frame the kit sends to test the size limit. */
const MAX_OVERSIZE_BYTES = 64 * 1024 * 1024;

/** The liveness checks. */
export const livenessChecks: readonly Check[] = [
  {
    id: "liveness.ping_pong",
    guarantee: "ping is answered by a connection-scoped pong echoing the nonce",
    async run(ctx) {
      const { socket } = await ctx.newSession("plain");
      socket.send({ type: "ping", nonce: "conformance-1" });
      const pong = await socket.next("pong");
      expectEqual(pong.logged, false, "pong.logged");
      expectEqual(pong.data.nonce, "conformance-1", "pong.data.nonce");
      socket.send({ type: "ping" });
      const bare = await socket.next("pong");
      expectEqual(bare.data.nonce, undefined, "pong.data.nonce for a ping without one");
    },
  },
  {
    id: "liveness.heartbeat_timeout",
    guarantee: "a socket that sends nothing for twice heartbeat_interval_ms is closed with 4000",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const socket = await ctx.open();
      socket.hello(ctx.key, { agent_id: agent.id });
      const connected = await socket.next("session_connected");
      const silence = connected.data.heartbeat_interval_ms * 2;
      if (silence + CLOSE_MARGIN_MS > ctx.options.maxHeartbeatWaitMs) {
        throw new CheckSkipped(
          `the server announces heartbeat_interval_ms ${connected.data.heartbeat_interval_ms}; waiting ${silence} ms ` +
            `exceeds maxHeartbeatWaitMs (${ctx.options.maxHeartbeatWaitMs}); raise it or shorten the server's interval`,
        );
      }
      const closed = await socket.closedWithin(
        silence + CLOSE_MARGIN_MS,
        `a socket silent for ${silence} ms`,
      );
      expectEqual(closed.code, CloseCode.heartbeat_timeout, "close code of a silent socket");
    },
  },
  {
    id: "liveness.oversize_frame",
    guarantee: "a frame larger than limits.max_frame_bytes closes the socket with 1009",
    async run(ctx) {
      const { socket, connected } = await ctx.newSession("plain");
      const limit = connected.data.limits.max_frame_bytes;
      if (limit + 1 > MAX_OVERSIZE_BYTES) {
        throw new CheckSkipped(
          `the server announces max_frame_bytes ${limit}; the kit sends at most ${MAX_OVERSIZE_BYTES} bytes`,
        );
      }
      const text = "x".repeat(limit);
      socket.send(
        JSON.stringify({ type: "post", message: { post_id: "oversize", content: { kind: "text", text } } }),
      );
      const closed = await socket.closedWithin(ctx.options.waitMs, `a frame of ${limit + 60} bytes`);
      expectEqual(closed.code, CloseCode.frame_too_large, "close code for a frame over max_frame_bytes");
    },
  },
];
