/**
 * Errors that answer this client's own frames (docs/protocol.md "Errors that answer a client frame"):
 * a refused post fails only its send(), rate-limited posts and approval answers are sent again after
 * retry_after_ms, a bounded number of times. A scripted server plays the engine so each case is exact.
 */
import assert from "node:assert/strict";
import {
  MessageRejectedError,
  SessionDisconnectedError,
  type SessionEvent,
  SessionRateLimitError,
  VectorshiftError,
} from "../../mod.ts";
import { type ClientFrameJson, connected, frame, scriptedServer, session } from "./scripted_server.ts";

type Post = { type: "post"; message: { post_id: string } };
type Batch = { type: "post_batch"; batch_id: string; messages: { post_id: string }[] };

function send(socket: WebSocket, value: unknown): void {
  socket.send(JSON.stringify(value));
}

function refusal(data: Record<string, unknown>) {
  return frame("error", 0, data, { logged: false });
}

/** Acknowledges a post or batch with the next logged seq. */
function acker() {
  let seq = 0;
  return (socket: WebSocket, value: ClientFrameJson) => {
    if (value.type === "post") {
      const post_id = (value as Post).message.post_id;
      send(
        socket,
        frame("message_posted", ++seq, { post_id, duplicate: false }, { message_id: `msg_${seq}` }),
      );
    } else if (value.type === "post_batch") {
      const batch = value as Batch;
      const post_ids = batch.messages.map((m) => m.post_id);
      const message_ids = post_ids.map((_, i) => `msg_${seq}_${i}`);
      send(
        socket,
        frame("messages_posted", ++seq, {
          batch_id: batch.batch_id,
          post_ids,
          message_ids,
          duplicate: false,
        }),
      );
    }
  };
}

const posts = (frames: ClientFrameJson[]) => frames.filter((f) => f.type === "post") as Post[];

Deno.test("a post refused as rate_limited is sent again (same id) after retry_after_ms, then acknowledged", async () => {
  const ack = acker();
  let refused = 0;
  const server = scriptedServer((socket) => send(socket, connected(0)), (socket, value) => {
    if (value.type === "post" && refused < 2) {
      refused++;
      const post_id = (value as Post).message.post_id;
      send(socket, refusal({ error: "Too many frames.", code: "rate_limited", post_id, retry_after_ms: 15 }));
      return;
    }
    ack(socket, value);
  });
  const client = session(server.baseUrl);
  try {
    const receipt = await client.send("Hello");
    assert.equal(receipt.duplicate, false);
    assert.equal(receipt.messageId, "msg_1");
    assert.deepEqual(posts(server.frames).map((p) => p.message.post_id), Array(3).fill(receipt.postId));
    const seen: SessionEvent[] = [];
    for await (const event of client.listen()) {
      seen.push(event);
      if (event.type === "message_posted") break;
    }
    assert.deepEqual(
      seen.map((e) => e.type),
      ["session_connected", "message_posted"],
      "handled refusals stay internal",
    );
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a post still rate limited after the bounded re-sends fails with SessionRateLimitError", async () => {
  const server = scriptedServer((socket) => send(socket, connected(0)), (socket, value) => {
    if (value.type !== "post") return;
    const post_id = (value as Post).message.post_id;
    send(socket, refusal({ error: "Slow down.", code: "rate_limited", post_id, retry_after_ms: 1 }));
  });
  const client = session(server.baseUrl);
  try {
    await assert.rejects(client.send("Hello", { postId: "post-mine-1" }), (error: unknown) => {
      assert.ok(error instanceof SessionRateLimitError, `got ${error}`);
      assert.ok(error instanceof MessageRejectedError);
      assert.equal(error.code, "rate_limited");
      assert.equal(error.postId, "post-mine-1");
      assert.equal(error.retryAfterMs, 1);
      assert.match(error.message, /Slow down\./);
      return true;
    });
    assert.equal(posts(server.frames).length, 6, "one send and five re-sends");
    assert.equal(client.isConnected, true, "the session is unaffected");
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a refused post or batch fails only its own call with MessageRejectedError; the next send works", async () => {
  const ack = acker();
  const server = scriptedServer((socket) => send(socket, connected(0)), (socket, value) => {
    if (value.type === "post" && (value as Post).message.post_id === "too-big") {
      const error = "Post too-big is 9000000 bytes; the limit is 4194304. Send a smaller message or file.";
      send(socket, refusal({ error, code: "message_too_large", post_id: "too-big" }));
    } else if (value.type === "post_batch" && (value as Batch).batch_id === "bad-batch") {
      send(
        socket,
        refusal({ error: "Batch bad-batch: bad base64.", code: "invalid_frame", batch_id: "bad-batch" }),
      );
    } else {
      ack(socket, value);
    }
  });
  const client = session(server.baseUrl);
  try {
    await assert.rejects(client.send("huge", { postId: "too-big" }), (error: unknown) => {
      assert.ok(error instanceof MessageRejectedError, `got ${error}`);
      assert.equal(error.code, "message_too_large");
      assert.equal(error.postId, "too-big");
      assert.equal(error.sessionId, "ses_raw");
      assert.match(error.message, /the limit is 4194304/);
      return true;
    });
    await assert.rejects(client.sendMany(["a", "b"], { batchId: "bad-batch" }), (error: unknown) => {
      assert.ok(error instanceof MessageRejectedError, `got ${error}`);
      assert.equal(error.code, "invalid_frame");
      assert.equal(error.batchId, "bad-batch");
      return true;
    });
    const receipt = await client.send("small");
    assert.equal(receipt.duplicate, false);
    const batch = await client.sendMany(["c", "d"], { batchId: "good-batch" });
    assert.equal(batch.batchId, "good-batch");
    assert.equal(batch.messageIds.length, 2);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("an approval answer refused as rate_limited is sent again after retry_after_ms", async () => {
  const request = {
    request_id: "apr_1",
    call_id: "call_1",
    tool_name: "calc",
    tool_id: "tool_1",
    tool_type: "calculator",
    arguments: { x: 1 },
  };
  let refused = false;
  const server = scriptedServer((socket) => {
    send(socket, connected(0));
    send(socket, frame("approval_request", 1, request, { message_id: "msg_a" }));
  }, (socket, value) => {
    if (value.type !== "approval_response" || refused) return;
    refused = true;
    send(
      socket,
      refusal({ error: "Slow down.", code: "rate_limited", request_id: "apr_1", retry_after_ms: 10 }),
    );
  });
  const client = session(server.baseUrl);
  try {
    for await (const event of client.listen()) {
      if (event.type === "approval_request") {
        await client.respond(event, { approved: true });
        break;
      }
    }
    const answers = () => server.frames.filter((f) => f.type === "approval_response");
    for (let i = 0; i < 200 && answers().length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(answers().length, 2, "the refused answer was sent again");
    assert.deepEqual(answers()[1], answers()[0]);
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("postId / batchId options name the send; an ambiguous disconnect carries them", async () => {
  const server = scriptedServer((socket) => send(socket, connected(0))); // never acknowledges
  const client = session(server.baseUrl);
  try {
    await client.connect();
    const sending = client.send("Are you there?", { postId: "post-abc" });
    const batching = client.sendMany(["one", "two"], { batchId: "batch-abc" });
    await assert.rejects(client.send("again", { postId: "post-abc" }), /already waiting/);
    while (server.frames.length < 2) await new Promise((r) => setTimeout(r, 2));
    assert.equal((server.frames[0] as Post).message.post_id, "post-abc");
    assert.equal((server.frames[1] as Batch).batch_id, "batch-abc");
    await client.disconnect();
    await assert.rejects(sending, (error: unknown) => {
      assert.ok(error instanceof SessionDisconnectedError, `got ${error}`);
      assert.equal(error.postId, "post-abc");
      assert.equal(error.batchId, undefined);
      assert.match(error.message, /postId: "post-abc"/);
      return true;
    });
    await assert.rejects(batching, (error: unknown) => {
      assert.ok(error instanceof SessionDisconnectedError, `got ${error}`);
      assert.equal(error.batchId, "batch-abc");
      return true;
    });
    await assert.rejects(client.send("x", { postId: "" }), (error: unknown) => {
      assert.ok(error instanceof VectorshiftError);
      assert.match(String(error), /post_id.*postId option/);
      return true;
    });
  } finally {
    await client.disconnect();
    await server.close();
  }
});

Deno.test("a terminate refused as rate_limited (it names no id) is finished over REST without waiting", async () => {
  const server = scriptedServer((socket) => send(socket, connected(0)), (socket, value) => {
    if (value.type !== "terminate") return;
    send(socket, refusal({ error: "Slow down.", code: "rate_limited", retry_after_ms: 50 }));
  });
  // Without the REST fallback, terminate() would wait this long for a confirmation.
  const client = session(server.baseUrl, { handshakeTimeoutMs: 60_000 });
  try {
    await client.connect();
    await client.terminate();
    assert.deepEqual(server.rest, ["POST /v1/sessions/ses_raw/terminate"]);
    assert.equal(client.isConnected, false);
  } finally {
    await client.disconnect();
    await server.close();
  }
});
