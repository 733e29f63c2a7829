/**
 * The kit can fail, and says why: each broken server is a real engine behind a proxy that breaks one
 * guarantee, and the kit must fail the check of that guarantee with a message that names what the
 * server did. The same checks through an honest proxy pass, so the proxy itself breaks nothing.
 */
import assert from "node:assert/strict";
import { startEngine } from "../../src/engine/mod.ts";
import { formatResult, runConformance } from "../../conformance/mod.ts";
import { KIT_ENGINE_OPTIONS, KIT_TIMING } from "./support/conformant.ts";
import { editJson, type Rewrites, startRewritingProxy } from "./support/rewriting_proxy.ts";

interface Broken {
  /** What the server does wrong. */
  name: string;
  rewrites: Rewrites;
  /** The checks to run against it. */
  only: string[];
  /** Each check that must fail, with what its message must say. */
  fails: Record<string, RegExp>;
}

const data = (v: Record<string, unknown>) => v.data as Record<string, unknown>;
const AGAIN = "-applied-again";
/** Short waits: every expected event of these checks arrives within a second on a healthy engine. */
const WAIT = { ...KIT_TIMING, waitMs: 3_000 };

const BROKEN: Broken[] = [
  {
    name: "ignores last_seq (replays the whole log on every resume)",
    rewrites: {
      toServer: (frame) =>
        editJson(frame, (v) => {
          if (v.type === "hello") delete (v.target as Record<string, unknown>).last_seq;
        }),
    },
    only: ["replay.after_cursor", "replay.whole_log"],
    fails: { "replay.after_cursor": /replay_from_seq: expected \d+, got 0/ },
  },
  {
    name: "reuses a seq (every delta repeats the seq before it)",
    rewrites: {
      toClient: (frame) =>
        editJson(frame, (v) => {
          if (v.type === "message_delta" && v.logged) v.seq = (v.seq as number) - 1;
        }),
    },
    only: ["log.seq_numbering"],
    fails: { "log.seq_numbering": /message_delta has seq (\d+) after seq \1: the seq reused/ },
  },
  {
    name: "never sends message_complete after a cancel",
    rewrites: {
      toClient: (frame) =>
        frame.includes('"cancelled"') && JSON.parse(frame).type === "message_complete" ? undefined : frame,
    },
    only: ["cancel", "turns.event_order"],
    fails: {
      "cancel.running_turn": /no message_complete within \d+ ms/,
      "cancel.waiting_post": /no message_complete after the cancel within \d+ ms.*turn_cancelled/,
    },
  },
  {
    name: "drops the gap event (a silent gap)",
    rewrites: { toClient: (frame) => JSON.parse(frame).type === "resync_required" ? undefined : frame },
    only: ["replay.gap_event"],
    fails: { "replay.gap_event": /the first event was \w+#\d+, not resync_required/ },
  },
  {
    name: "applies a retried post again (post ids are not idempotent)",
    rewrites: {
      // The engine sees a fresh id for every retry, and the client sees its own id in the answer.
      toServer: (frame, connection) =>
        editJson(frame, (v) => {
          if (v.type !== "post") return;
          const message = v.message as Record<string, unknown>;
          const seen = connection.get(String(message.post_id)) === true;
          connection.set(String(message.post_id), true);
          if (seen) message.post_id = `${message.post_id}${AGAIN}`;
        }),
      toClient: (frame) =>
        editJson(frame, (v) => {
          if (typeof v.data === "object") {
            const d = data(v);
            if (typeof d.post_id === "string") d.post_id = d.post_id.replace(AGAIN, "");
            if (Array.isArray(d.post_ids)) d.post_ids = d.post_ids.map((id: string) => id.replace(AGAIN, ""));
          }
        }),
    },
    only: ["posts.idempotent", "posts.acknowledged"],
    fails: {
      "posts.idempotent": /message_posted.data.duplicate for a retried post_id: expected true, got false/,
    },
  },
  {
    name: "closes a bad key with 1008 instead of 4001",
    rewrites: { closeCode: (code) => code === 4001 ? 1008 : code },
    only: ["handshake.bad_key", "handshake.bad_version"],
    fails: { "handshake.bad_key": /close code: expected 4001, got 1008/ },
  },
  {
    name: "answers pong without the ping's nonce",
    rewrites: {
      toClient: (frame) =>
        editJson(frame, (v) => {
          if (v.type === "pong" && data(v).nonce !== "conformance-keepalive") delete data(v).nonce;
        }),
    },
    only: ["liveness.ping_pong"],
    fails: { "liveness.ping_pong": /pong.data.nonce: expected "conformance-1", got undefined/ },
  },
  {
    name: "answers 404 instead of 410 for a terminated session",
    rewrites: { restStatus: (_method, _path, status) => status === 410 ? 404 : status },
    only: ["terminate.rest"],
    fails: {
      "terminate.rest": /GET \/v1\/sessions\/\{session_id\} of a terminated session: expected 410, got 404/,
    },
  },
];

Deno.test("the kit fails each broken server on the guarantee it breaks, and passes the same checks through an honest proxy", async (t) => {
  await using engine = await startEngine(KIT_ENGINE_OPTIONS);
  const honest = await startRewritingProxy(engine.url);
  try {
    const everyCheck = [...new Set(BROKEN.flatMap((b) => b.only))];
    const control = await runConformance({
      url: honest.url,
      key: engine.apiKey,
      only: everyCheck,
      ...WAIT,
    });
    assert.ok(
      control.ok,
      `through an honest proxy:\n${
        control.results.filter((r) => r.status !== "pass").map(formatResult).join("\n")
      }`,
    );
  } finally {
    await honest.close();
  }
  for (const broken of BROKEN) {
    await t.step(broken.name, async () => {
      const proxy = await startRewritingProxy(engine.url, broken.rewrites);
      try {
        const report = await runConformance({
          url: proxy.url,
          key: engine.apiKey,
          only: broken.only,
          ...WAIT,
        });
        const all = report.results.map(formatResult).join("\n");
        for (const [id, message] of Object.entries(broken.fails)) {
          const result = report.results.find((r) => r.id === id);
          assert.equal(result?.status, "fail", `${id} should fail:\n${all}`);
          assert.match(result.message ?? "", message, all);
        }
        const others = report.results.filter((r) => !(r.id in broken.fails) && r.status === "fail");
        assert.equal(
          others.length,
          0,
          `only the broken guarantee fails:\n${others.map(formatResult).join("\n")}`,
        );
        assert.equal(report.ok, false);
      } finally {
        await proxy.close();
      }
    });
  }
});
