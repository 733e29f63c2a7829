/**
 * Every documented close code the SDK can meet maps to a typed error (final codes) or a reconnect
 * (retryable codes, after the pause the engine asks for); a protocol version mismatch is a
 * `ProtocolVersionError` (issue 12, semantics 4).
 */
import assert from "node:assert/strict";
import {
  AuthenticationError,
  FrameTooLargeError,
  HandshakeRejectedError,
  PermissionDeniedError,
  ProtocolVersionError,
  SessionDisconnectedError,
  SessionError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionTerminatedError,
} from "../../mod.ts";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import { connected, frame, scriptedServer, session } from "./scripted_server.ts";
import { newAgent, withEngine } from "./support.ts";

const FINAL: [number, string, abstract new (...args: never[]) => Error][] = [
  [CloseCode.unauthorized, "unauthorized", AuthenticationError],
  [CloseCode.token_expired, "token_expired", AuthenticationError],
  [CloseCode.forbidden, "forbidden", PermissionDeniedError],
  [CloseCode.unsupported_protocol_version, "unsupported_protocol_version", ProtocolVersionError],
  [CloseCode.session_not_found, "not_found", SessionNotFoundError],
  [CloseCode.session_terminated, "session_terminated", SessionTerminatedError],
  [CloseCode.session_expired, "session_expired", SessionExpiredError],
  [CloseCode.bad_handshake, "invalid_frame", HandshakeRejectedError],
  [CloseCode.frame_too_large, "frame_too_large", FrameTooLargeError],
];

Deno.test("each final close code at the handshake is its typed error, named by closeCode, never retried", async () => {
  for (const [code, wireCode, Expected] of FINAL) {
    const server = scriptedServer((socket) => {
      socket.send(
        JSON.stringify(frame("error", 0, { error: `refused (${wireCode})`, code: wireCode, fatal: true })),
      );
      socket.close(code, wireCode);
    });
    const client = session(server.baseUrl);
    try {
      const error = await client.connect().then(() => assert.fail(`${code} connected`), (e: unknown) => e);
      assert.ok(error instanceof Expected, `${code}: got ${error}`);
      if (error instanceof SessionError) assert.equal(error.closeCode, code);
      assert.equal(server.hellos.length, 1, `${code} is final: no second attempt`);
    } finally {
      await client.disconnect();
      await server.close();
    }
  }
});

Deno.test("each final close code on an open socket ends listen() with its typed error", async () => {
  for (const [code, , Expected] of FINAL) {
    const server = scriptedServer((socket) => {
      socket.send(JSON.stringify(connected(0)));
      setTimeout(() => socket.close(code, "closing"), 10);
    });
    const client = session(server.baseUrl);
    try {
      await assert.rejects(
        (async () => {
          for await (const _ of client.listen({ signal: AbortSignal.timeout(5000) })) {
            /* until the close */
          }
        })(),
        (e: unknown) => e instanceof Expected,
        `${code}`,
      );
    } finally {
      await client.disconnect();
      await server.close();
    }
  }
});

Deno.test("the engine's protocol version refusal is a ProtocolVersionError saying what to do", async () => {
  await withEngine(async ({ client }) => {
    const agent = await newAgent(client);
    const raw = new WebSocket(client.baseUrl.replace("http", "ws") + "/v1/sessions/ws");
    const events: { data: { code?: string } }[] = [];
    const closed = Promise.withResolvers<number>();
    raw.onmessage = (m) => events.push(JSON.parse(String(m.data)));
    raw.onclose = (c) => closed.resolve(c.code);
    raw.onopen = () =>
      raw.send(
        JSON.stringify({
          type: "hello",
          protocol_version: 99,
          api_key: client.apiKey,
          target: { agent_id: agent.id },
        }),
      );
    assert.equal(await closed.promise, CloseCode.unsupported_protocol_version);
    assert.equal(events[0]?.data.code, "unsupported_protocol_version");
    // The SDK maps exactly that close to its typed error (the message comes from the engine's event).
    const server = scriptedServer((socket) => {
      socket.send(
        JSON.stringify(
          frame("error", 0, {
            error: "Unsupported protocol version 1.",
            code: "unsupported_protocol_version",
            fatal: true,
          }),
        ),
      );
      socket.close(CloseCode.unsupported_protocol_version, "unsupported_protocol_version");
    });
    const sdk = session(server.baseUrl);
    try {
      const error = await sdk.connect().then(() => assert.fail("connected"), (e: unknown) => e);
      assert.ok(error instanceof ProtocolVersionError);
      assert.match(error.message, /Unsupported protocol version 1\..*Upgrade/);
    } finally {
      await sdk.disconnect();
      await server.close();
    }
  });
});

Deno.test("retryable close codes reconnect; 1013 and 4008 wait at least a second first", async () => {
  for (
    const code of [
      1001,
      1011,
      CloseCode.store_unavailable,
      CloseCode.heartbeat_timeout,
      CloseCode.rate_limited,
    ]
  ) {
    const at: number[] = [];
    const server = scriptedServer((socket, hello, n) => {
      at.push(performance.now());
      socket.send(JSON.stringify(connected(hello.target.last_seq ?? 0)));
      if (n === 1) setTimeout(() => socket.close(code, "try again"), 5);
    });
    const client = session(server.baseUrl);
    try {
      await client.connect();
      const deadline = Date.now() + 5000;
      while (server.hellos.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(server.hellos.length, 2, `${code} was retried`);
      const pause = at[1]! - at[0]!;
      const slowDown = code === CloseCode.store_unavailable || code === CloseCode.rate_limited;
      if (slowDown) assert.ok(pause >= 1000, `${code}: reconnected after ${pause} ms, before the pause`);
    } finally {
      await client.disconnect();
      await server.close();
    }
  }
});

Deno.test("retries exhausted end listen() with SessionDisconnectedError naming the last close code", async () => {
  const server = scriptedServer((socket, _hello, n) => {
    if (n === 1) socket.send(JSON.stringify(connected(0)));
    setTimeout(() => socket.close(1011, "down"), 5);
  });
  const client = session(server.baseUrl, { reconnect: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 } });
  try {
    const error = await (async () => {
      for await (const _ of client.listen({ signal: AbortSignal.timeout(5000) })) { /* until it ends */ }
    })().then(() => assert.fail("ended normally"), (e: unknown) => e);
    assert.ok(error instanceof SessionDisconnectedError, String(error));
    assert.equal(error.closeCode, 1011);
    assert.match(error.message, /lastSeq: 0/);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("an expired token (4005) is final for a fixed key, and replaced by reconnecting when apiKey is a function", async () => {
  const server = scriptedServer((socket, hello, n) => {
    const key = (hello as unknown as { api_key: string }).api_key;
    if (key === "token-1" && n > 1) return socket.close(CloseCode.token_expired, "token_expired");
    socket.send(JSON.stringify(connected(hello.target.last_seq ?? 0)));
    if (n === 1) setTimeout(() => socket.close(CloseCode.token_expired, "token_expired"), 5);
  });
  let minted = 0;
  const client = session(server.baseUrl, { apiKey: () => `token-${++minted}` });
  try {
    await client.connect();
    const deadline = Date.now() + 5000;
    while (server.hellos.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.hellos.length, 2, "reconnected with a fresh token");
    assert.equal((server.hellos[1] as unknown as { api_key: string }).api_key, "token-2");
  } finally {
    await client.disconnect();
    await server.close();
  }
});
