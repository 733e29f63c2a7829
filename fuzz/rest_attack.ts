/**
 * The REST attack: sends the generated requests (`rest_cases.ts`) and fails on any 5xx or on a request
 * that gets no answer. Requests cut off mid-body go over raw TCP (fetch cannot disconnect mid-body),
 * and a few idle connections check that the engine does not keep half-sent requests open forever.
 *
 * @module
 */
import { bump, type FuzzContext, runCases } from "./context.ts";
import type { CaseRef } from "./findings.ts";
import { RawConn } from "./raw_socket.ts";
import { type RestCase, restCase, type RestSpec } from "./rest_cases.ts";

const ANSWER_TIMEOUT_MS = 30_000;

async function sendFetch(ctx: FuzzContext, c: RestCase, ref: CaseRef): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${ctx.fixtures.url}${c.path}`, {
      method: c.method,
      headers: c.headers,
      ...(c.body === undefined ? {} : { body: c.body }),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
  } catch (error) {
    if (ctx.signal.aborted) return;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Requests that fetch itself refuses to build (header values outside Latin-1) never left this process.
    if (
      error instanceof TypeError && /header|ByteString|invalid/i.test(message) &&
      !/connect|reset|closed/i.test(message)
    ) return;
    ctx.findings.fail(
      "http_no_answer",
      `${c.template}: ${message.replace(/\d+/g, "N").slice(0, 100)}`,
      ref,
      message,
    );
    return;
  }
  ctx.counters.restRequests++;
  bump(ctx.counters.restStatuses, response.status);
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 500) {
    ctx.counters.rest5xx++;
    ctx.findings.fail("http_5xx", `${c.template} (sent ${c.method}) answered ${response.status}`, ref);
  }
}

/** `text` with characters above U+00FF replaced, so it fits an HTTP/1.1 head byte for byte. */
function latin1(text: string): string {
  return Array.from(text, (ch) => ch.charCodeAt(0) > 0xff ? "?" : ch).join("");
}

/** Sends the head and part of the body, then disconnects. */
async function sendCut(ctx: FuzzContext, c: RestCase): Promise<void> {
  const body = typeof c.body === "string" ? new TextEncoder().encode(c.body) : c.body ?? new Uint8Array();
  const host = new URL(ctx.fixtures.url).host;
  const headers = Object.entries(c.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  const head =
    `${c.method} ${c.path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Content-Length: ${body.byteLength}\r\n\r\n`;
  const conn = await RawConn.open(ctx.fixtures.url);
  try {
    await conn.write(new TextEncoder().encode(latin1(head)));
    await conn.write(body.subarray(0, c.cutAfter ?? 0));
    ctx.counters.restRequests++;
  } finally {
    await conn.close();
  }
  // The engine notices the disconnect a moment later; keep the case in flight so a log line it
  // causes is blamed on it.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** One REST attacker. */
export async function restWorker(ctx: FuzzContext, spec: RestSpec): Promise<void> {
  await runCases(ctx, "rest", async (rng, ref) => {
    const c = restCase(rng, spec, ctx.fixtures, ctx.options.maxFrameBytes);
    ref.input = c.input;
    if (c.cutAfter !== undefined) await sendCut(ctx, c);
    else await sendFetch(ctx, c, ref);
  });
}

/**
 * Connections that stop mid-request: nothing sent, half a request head, a head whose body never comes.
 * Each must be closed by the engine within `httpIdleLimitMs`.
 */
export async function idleChecks(ctx: FuzzContext): Promise<void> {
  const limit = ctx.options.httpIdleLimitMs;
  if (limit <= 0) return;
  const host = new URL(ctx.fixtures.url).host;
  const cases: [string, string][] = [
    ["connection that sends nothing", ""],
    ["half a request head", `GET /v1/health HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `],
    [
      "request head whose body never comes",
      `POST /v1/agents HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${ctx.fixtures.a.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    ],
  ];
  await Promise.all(cases.map(async ([what, text], i) => {
    const ref: CaseRef = { phase: "idle", index: i, input: what };
    const conn = await RawConn.open(ctx.fixtures.url);
    try {
      if (text) await conn.write(text);
      const deadline = performance.now() + limit;
      // Read (and discard) until EOF or the limit: a 408 answer followed by a close is fine too.
      while (!conn.eof && performance.now() < deadline && !ctx.signal.aborted) {
        await conn.readUntil(() => false, Math.min(1000, deadline - performance.now()));
        conn.consume(conn.buffered.byteLength);
      }
      if (!conn.eof && !ctx.signal.aborted) {
        ctx.findings.fail(
          "http_no_answer",
          `${what}: connection still open after ${limit} ms (no idle timeout)`,
          ref,
        );
      }
    } finally {
      await conn.close();
    }
  }));
}
