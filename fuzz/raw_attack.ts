/**
 * Garbage below the protocol: malformed HTTP upgrade requests (no `Sec-WebSocket-Key`, bad versions,
 * wrong methods, huge or binary headers) and, after a valid upgrade, invalid WebSocket frames (reserved
 * opcodes, unmasked client frames, reserved bits, overlong or lying lengths, fragmented control
 * frames, invalid UTF-8, bad close frames, truncated frames). The engine must answer an upgrade with
 * a non-5xx status (or close), and end a broken socket with a close frame whose code is documented or
 * RFC 6455's (1002/1003/1007/1009/1011), or by dropping the TCP connection, which RFC 6455 §7.1.7
 * allows for protocol violations; never by keeping it open past its documented timeouts.
 *
 * @module
 */
import { type FuzzContext, runCases } from "./context.ts";
import type { CaseRef } from "./findings.ts";
import type { Rng } from "./random.ts";
import {
  encodeFrame,
  type FrameSpec,
  httpStatus,
  RawConn,
  rawWebSocket,
  readToClose,
  upgradeRequest,
} from "./raw_socket.ts";

const ANSWER_TIMEOUT_MS = 10_000;

function badUpgrade(rng: Rng, host: string): { what: string; request: string | Uint8Array } {
  const variants: [string, () => string | Uint8Array][] = [
    ["no Sec-WebSocket-Key", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Key": null })],
    ["empty Sec-WebSocket-Key", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Key": "" })],
    [
      "non-base64 Sec-WebSocket-Key",
      () =>
        upgradeRequest(host, undefined, {
          "Sec-WebSocket-Key": rng.hostileString(4).replace(/[\r\n]/g, "") || "!!",
        }),
    ],
    ["Sec-WebSocket-Version 8", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Version": "8" })],
    ["Sec-WebSocket-Version 99", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Version": "99" })],
    ["Sec-WebSocket-Version abc", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Version": "abc" })],
    ["no Sec-WebSocket-Version", () => upgradeRequest(host, undefined, { "Sec-WebSocket-Version": null })],
    ["no Connection header", () => upgradeRequest(host, undefined, { Connection: null })],
    ["Connection: close", () => upgradeRequest(host, undefined, { Connection: "close" })],
    ["Upgrade: h2c", () => upgradeRequest(host, undefined, { Upgrade: "h2c" })],
    ["POST upgrade", () => upgradeRequest(host, undefined, {}, "POST /v1/sessions/ws HTTP/1.1")],
    ["HTTP/1.0 upgrade", () => upgradeRequest(host, undefined, {}, "GET /v1/sessions/ws HTTP/1.0")],
    [
      "garbage request line",
      () => upgradeRequest(host, undefined, {}, rng.hostileString(6).replace(/[\r\n]/g, "") || "GARBAGE"),
    ],
    ["64 KiB header", () => upgradeRequest(host, undefined, { "X-Big": "a".repeat(64 * 1024) })],
    ["1 MiB header", () => upgradeRequest(host, undefined, { "X-Big": "a".repeat(1024 * 1024) })],
    ["non-ASCII header bytes", () => {
      const text = upgradeRequest(host, undefined, { "X-Odd": "PLACEHOLDER" });
      const bytes = new TextEncoder().encode(text);
      const at = text.indexOf("PLACEHOLDER");
      bytes.set([0xff, 0x00, 0xc3, 0x28, 0x80, 0x7f, 0xfe], at);
      return bytes;
    }],
    ["percent garbage path", () => upgradeRequest(host, "/v1/sessions/ws%ZZ%00?x=%")],
    [
      "two keys",
      () =>
        upgradeRequest(host, undefined, {
          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==",
        }),
    ],
    ["websocket upgrade on a REST path", () => upgradeRequest(host, "/v1/agents")],
    ["bare LF line endings", () => upgradeRequest(host).replaceAll("\r\n", "\n")],
  ];
  const [what, make] = rng.pick(variants);
  return { what, request: make() };
}

function badFrame(rng: Rng): { what: string; bytes: Uint8Array; truncated: boolean } {
  const ping = JSON.stringify({ type: "ping", nonce: "x" });
  const variants: [string, () => Uint8Array, boolean?][] = [
    [
      "reserved opcode",
      () => encodeFrame(ping, { opcode: rng.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) }),
    ],
    ["unmasked client frame", () => encodeFrame(ping, { mask: false })],
    ["reserved bits set", () => encodeFrame(ping, { rsv: rng.int(1, 7) })],
    ["64-bit length 2^63-1", () => encodeFrame(ping, { declaredLength: 2n ** 63n - 1n }), true],
    ["64-bit length with top bit", () => encodeFrame(ping, { declaredLength: 2n ** 64n - 1n }), true],
    ["length 2^40", () => encodeFrame(ping, { declaredLength: 2n ** 40n }), true],
    ["ping control frame of 200 bytes", () => encodeFrame("p".repeat(200), { opcode: 9 })],
    ["fragmented ping", () => encodeFrame("p", { opcode: 9, fin: false })],
    ["continuation without start", () => encodeFrame(ping, { opcode: 0 })],
    ["invalid UTF-8 text", () => encodeFrame(new Uint8Array([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]))],
    ["close frame with 1-byte payload", () => encodeFrame(new Uint8Array([3]), { opcode: 8 })],
    ["close with code 999", () => encodeFrame(new Uint8Array([0x03, 0xe7]), { opcode: 8 })],
    ["close with code 1005", () => encodeFrame(new Uint8Array([0x03, 0xed]), { opcode: 8 })],
    [
      "close with invalid UTF-8 reason",
      () => encodeFrame(new Uint8Array([0x03, 0xe8, 0xff, 0xfe]), { opcode: 8 }),
    ],
    ["text frame during fragmented message", () => {
      const a = encodeFrame('{"type":', { fin: false });
      const b = encodeFrame(ping);
      const out = new Uint8Array(a.byteLength + b.byteLength);
      out.set(a);
      out.set(b, a.byteLength);
      return out;
    }],
    ["non-minimal 64-bit length", () => encodeFrame(ping, { lengthForm: 64 } as FrameSpec)],
    ["truncated frame", () => encodeFrame(ping).subarray(0, rng.int(1, 8)), true],
    ["random bytes", () => crypto.getRandomValues(new Uint8Array(rng.int(1, 512)))],
    ["unfinished fragmented text then silence", () => encodeFrame('{"type":"pi', { fin: false }), true],
  ];
  const [what, make, truncated = false] = rng.pick(variants);
  return { what, bytes: make(), truncated };
}

async function upgradeCase(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const { what, request } = badUpgrade(rng, new URL(ctx.fixtures.url).host);
  ref.input = `upgrade: ${what}`;
  const conn = await RawConn.open(ctx.fixtures.url);
  try {
    await conn.write(request);
    await conn.readUntil((b) => httpStatus(b) !== undefined, ANSWER_TIMEOUT_MS);
    const head = httpStatus(conn.buffered);
    if (head && head.status >= 500) {
      ctx.findings.fail("raw_bad_answer", `HTTP ${head.status} for a malformed upgrade (${what})`, ref);
    } else if (!head && !conn.eof) {
      ctx.findings.fail(
        "raw_bad_answer",
        `no answer and no close within ${ANSWER_TIMEOUT_MS} ms (${what})`,
        ref,
      );
    }
  } finally {
    await conn.close();
  }
}

async function frameCase(ctx: FuzzContext, rng: Rng, ref: CaseRef): Promise<void> {
  const attachFirst = rng.chance(0.6);
  const { what, bytes, truncated } = badFrame(rng);
  ref.input = `${attachFirst ? "after hello" : "before hello"}: ${what}`;
  const conn = await rawWebSocket(ctx.fixtures.url, ANSWER_TIMEOUT_MS);
  if (!conn) {
    ctx.findings.fail("raw_bad_answer", "valid raw upgrade refused", ref);
    return;
  }
  try {
    if (attachFirst) {
      const hello = {
        type: "hello",
        protocol_version: 1,
        api_key: ctx.fixtures.a.key,
        target: { agent_id: ctx.fixtures.a.agentId },
      };
      await conn.write(encodeFrame(JSON.stringify(hello)));
    }
    await conn.write(bytes);
    ctx.counters.wsFrames++;
    const hb = ctx.options.heartbeatIntervalMs;
    const deadline = (attachFirst ? 2.5 * hb : ctx.options.handshakeTimeoutMs) + ctx.options.graceMs;
    const { close } = await readToClose(conn, deadline);
    if (close === "open") {
      ctx.findings.fail(
        "ws_past_timeout",
        `${truncated ? "truncated" : "invalid"} frame: socket still open after ${deadline} ms (${what})`,
        ref,
      );
    } else if (close !== "eof") {
      ctx.counters.closeCodes[close] = (ctx.counters.closeCodes[close] ?? 0) + 1;
      if (!ctx.facts.wsLayerCodes.has(close)) {
        ctx.findings.fail(
          "ws_undocumented_close",
          `close code ${close} for WebSocket-layer garbage (${what})`,
          ref,
        );
      }
    }
  } finally {
    await conn.close();
  }
}

/** One raw-TCP attacker. */
export async function rawWorker(ctx: FuzzContext): Promise<void> {
  await runCases(ctx, "raw", async (rng, ref) => {
    ctx.counters.rawCases++;
    if (rng.chance(0.45)) await upgradeCase(ctx, rng, ref);
    else await frameCase(ctx, rng, ref);
  });
}
