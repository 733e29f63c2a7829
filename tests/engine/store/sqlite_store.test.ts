import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrate, SCHEMA_VERSION, schemaVersion } from "../../../src/engine/store/sqlite_migrations.ts";
import { SqliteStore } from "../../../src/engine/store/sqlite_store.ts";
import {
  agent,
  approval,
  chatbot,
  event,
  events,
  memory,
  message,
  openTurn,
  seqs,
  session,
} from "./fixtures.ts";
import { storeContract } from "./store_contract.ts";

storeContract("SqliteStore(:memory:)", () => Promise.resolve(SqliteStore.open(":memory:")));

const dir = await Deno.makeTempDir({ prefix: "sqlite_store_test_" });
let files = 0;
const freshPath = () => `${dir}/store-${++files}.db`;
storeContract("SqliteStore(file)", () => Promise.resolve(SqliteStore.open(freshPath())));

Deno.test("SqliteStore: reopening a file keeps everything", async () => {
  const path = freshPath();
  const store = SqliteStore.open(path);
  await store.putAgent("org_a", agent("agt_1"));
  await store.putChatbot("org_a", chatbot("cb_1"));
  await store.putSession(
    session("ses_1", { chatbot_id: "cb_1", last_active_at: "2026-01-02T00:00:00.000Z" }),
  );
  await store.putSession(session("ses_2", { state: "expired" }));
  for (let seq = 1; seq <= 120; seq++) void store.appendEvents("ses_1", [event("ses_1", seq)], 50);
  await store.putMessage(message("ses_1", "msg_1"));
  await store.putReceipt("ses_1", { kind: "post", post_id: "p_1", message_id: "msg_1" });
  await store.putMemory("ses_1", memory("remember"));
  await store.putOpenTurn("ses_1", openTurn("msg_2"));
  await store.putApproval("ses_1", approval("ses_1", "apr_1"));
  await store.addDocument("org_a", { id: "doc_1", title: "T", text: "Body" });
  // Pending appends are committed by close.
  void store.appendEvents("ses_1", events("ses_1", 121, 125), 50);
  await store.close();

  const again = SqliteStore.open(path);
  try {
    assert.deepEqual(await again.getAgent("org_a", "agt_1"), agent("agt_1"));
    assert.deepEqual(await again.listChatbots("org_a"), [chatbot("cb_1")]);
    assert.deepEqual(
      await again.getSession("org_a", "ses_1"),
      session("ses_1", { chatbot_id: "cb_1", last_active_at: "2026-01-02T00:00:00.000Z" }),
    );
    assert.deepEqual(await again.countSessions(), { active: 1, terminated: 0, expired: 1 });
    assert.deepEqual(await again.readEvents("ses_1", 0), {
      events: events("ses_1", 76, 125),
      oldestSeq: 76,
      headSeq: 125,
    });
    assert.deepEqual(await again.listMessages("ses_1"), [message("ses_1", "msg_1")]);
    assert.deepEqual(await again.listReceipts("ses_1"), [{
      kind: "post",
      post_id: "p_1",
      message_id: "msg_1",
    }]);
    assert.deepEqual(await again.getMemory("ses_1"), memory("remember"));
    assert.deepEqual((await again.listOpenTurns()).map((o) => o.turn), [openTurn("msg_2")]);
    assert.deepEqual(await again.listApprovals("ses_1"), [approval("ses_1", "apr_1")]);
    assert.deepEqual(await again.listDocuments("org_a"), [{ id: "doc_1", title: "T", text: "Body" }]);
    // The log continues after the stored head, and retention goes on from where it was.
    await again.appendEvents("ses_1", [event("ses_1", 126)], 50);
    assert.equal((await again.readEvents("ses_1", 0)).oldestSeq, 77);
    await assert.rejects(again.appendEvents("ses_1", [event("ses_1", 126)], 50), /expected seq 127/);
  } finally {
    await again.close();
  }
});

Deno.test("SqliteStore: opens a database written by schema version 1 and migrates it", async () => {
  const path = freshPath();
  const v1 = new DatabaseSync(path);
  assert.equal(migrate(v1, path, 1), 1);
  const insert = (sql: string, ...values: string[]) => v1.prepare(sql).run(...values);
  insert(
    "INSERT INTO agents (org, id, name, json) VALUES (?, ?, ?, ?)",
    "org_a",
    "agt_1",
    "Agent agt_1",
    JSON.stringify(agent("agt_1")),
  );
  insert(
    "INSERT INTO sessions (id, org, agent_id, chatbot_id, state, created_at) VALUES (?, ?, ?, NULL, ?, ?)",
    "ses_1",
    "org_a",
    "agt_1",
    "active",
    "2026-01-01T00:00:00.000Z",
  );
  insert("INSERT INTO event_logs (session_id, head, oldest) VALUES (?, '3', '1')", "ses_1");
  for (const e of events("ses_1", 1, 3)) {
    v1.prepare("INSERT INTO events (session_id, seq, json) VALUES (?, ?, ?)").run(
      "ses_1",
      e.seq,
      JSON.stringify(e),
    );
  }
  insert(
    "INSERT INTO messages (session_id, id, json) VALUES (?, ?, ?)",
    "ses_1",
    "msg_1",
    JSON.stringify(message("ses_1", "msg_1")),
  );
  insert(
    "INSERT INTO open_turns (session_id, json) VALUES (?, ?)",
    "ses_1",
    JSON.stringify(openTurn("msg_2")),
  );
  // v1 has neither `last_active_at` nor approvals.
  assert.throws(() => v1.prepare("SELECT last_active_at FROM sessions").all(), /no such column/);
  assert.throws(() => v1.prepare("SELECT * FROM approvals").all(), /no such table/);
  v1.close();

  const store = SqliteStore.open(path);
  try {
    assert.deepEqual(await store.getAgent("org_a", "agt_1"), agent("agt_1"));
    assert.deepEqual(await store.getSession("org_a", "ses_1"), session("ses_1"));
    assert.deepEqual(await store.readEvents("ses_1", 1), {
      events: events("ses_1", 2, 3),
      oldestSeq: 1,
      headSeq: 3,
    });
    assert.deepEqual(await store.listMessages("ses_1"), [message("ses_1", "msg_1")]);
    assert.deepEqual(await store.listOpenTurns(), [{ session: session("ses_1"), turn: openTurn("msg_2") }]);
    // Old rows fall back to their creation time for idleness; what v2 added works.
    assert.deepEqual(await store.listIdleSessions("2026-01-02T00:00:00.000Z", 10), [session("ses_1")]);
    await store.touchSession("ses_1", "2026-01-03T00:00:00.000Z");
    assert.deepEqual(await store.listIdleSessions("2026-01-02T00:00:00.000Z", 10), []);
    await store.putApproval("ses_1", approval("ses_1", "apr_1"));
    assert.deepEqual(await store.listApprovals("ses_1"), [approval("ses_1", "apr_1")]);
    await store.appendEvents("ses_1", [event("ses_1", 4)], 100);
    assert.deepEqual(seqs((await store.readEvents("ses_1", 0)).events), [1, 2, 3, 4]);
  } finally {
    await store.close();
  }
  const raw = new DatabaseSync(path);
  assert.equal(schemaVersion(raw), SCHEMA_VERSION);
  assert.equal(SCHEMA_VERSION, 3);
  raw.close();
});

Deno.test("SqliteStore: a database of a newer engine is refused and left unchanged", () => {
  const path = freshPath();
  const newer = new DatabaseSync(path);
  migrate(newer, path);
  newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 7}`);
  newer.close();
  assert.throws(
    () => SqliteStore.open(path),
    (error: Error) => {
      assert.match(error.message, new RegExp(`"${path}" has schema version ${SCHEMA_VERSION + 7}`));
      assert.match(error.message, new RegExp(`supports schema versions up to ${SCHEMA_VERSION}`));
      assert.match(error.message, /newer engine/);
      assert.equal(error.name, "NewerSchemaError");
      return true;
    },
  );
  const raw = new DatabaseSync(path);
  assert.equal(schemaVersion(raw), SCHEMA_VERSION + 7);
  assert.deepEqual({ ...raw.prepare("PRAGMA journal_mode").get() }, { journal_mode: "delete" });
  raw.close();
});

Deno.test("SqliteStore: errors opening a file name the path", async () => {
  const missing = `${dir}/no/such/dir/store.db`;
  assert.throws(() => SqliteStore.open(missing), (error: Error) => error.message.includes(`"${missing}"`));
  const junk = `${dir}/junk.db`;
  await Deno.writeTextFile(junk, "this is not an SQLite database, just some text ".repeat(20));
  assert.throws(
    () => SqliteStore.open(junk),
    (error: Error) => error.message.includes(`"${junk}"`) && /not a database/.test(error.message),
  );
  assert.throws(() => SqliteStore.open(":memory:", { commitDelayMs: -1 }), RangeError);
});

Deno.test("SqliteStore: appends of one tick share one transaction; a full batch commits at once", async () => {
  const store = SqliteStore.open(":memory:", { maxBatchRows: 10 });
  try {
    const first = store.appendEvents("ses_1", events("ses_1", 1, 3), 100);
    const second = store.appendEvents("ses_2", events("ses_2", 1, 3), 100);
    assert.equal(first, second);
    // The 10th row fills the batch: it is committed before the call returns; the next row starts a new one.
    const third = store.appendEvents("ses_1", events("ses_1", 4, 7), 100);
    assert.equal(third, first);
    const fourth = store.appendEvents("ses_1", [event("ses_1", 8)], 100);
    assert.notEqual(fourth, first);
    await Promise.all([first, fourth]);
    assert.equal((await store.readEvents("ses_1", 0)).headSeq, 8);
  } finally {
    await store.close();
  }
});

Deno.test("SqliteStore: a failed commit rejects its batch and the log goes on from what is stored", async () => {
  const path = freshPath();
  const store = SqliteStore.open(path, { busyTimeoutMs: 0 });
  const other = new DatabaseSync(path);
  try {
    await store.appendEvents("ses_1", events("ses_1", 1, 2), 100);
    other.exec("BEGIN IMMEDIATE"); // holds the write lock
    const a = store.appendEvents("ses_1", [event("ses_1", 3)], 100);
    const b = store.appendEvents("ses_2", [event("ses_2", 1)], 100);
    await assert.rejects(
      a,
      (error: Error) => error.message.includes(`"${path}" failed`) && /locked|busy/i.test(error.message),
    );
    await assert.rejects(b, /failed/);
    other.exec("ROLLBACK");
    assert.deepEqual(await store.readEvents("ses_1", 0), {
      events: events("ses_1", 1, 2),
      oldestSeq: 1,
      headSeq: 2,
    });
    assert.equal((await store.readEvents("ses_2", 0)).headSeq, 0);
    await store.appendEvents("ses_1", [event("ses_1", 3)], 100);
    assert.equal((await store.readEvents("ses_1", 0)).headSeq, 3);
  } finally {
    if (other.isTransaction) other.exec("ROLLBACK");
    other.close();
    await store.close();
  }
});

Deno.test("SqliteStore: retention deletes trimmed rows in batches; the idle query uses its index", async () => {
  const path = freshPath();
  const store = SqliteStore.open(path, { trimBatch: 8 });
  for (let seq = 1; seq <= 500; seq++) void store.appendEvents("ses_1", [event("ses_1", seq)], 20);
  await store.close();
  const raw = new DatabaseSync(path);
  try {
    const { n } = raw.prepare(
      "SELECT count(*) AS n FROM events WHERE log = (SELECT id FROM event_logs WHERE session_id = 'ses_1')",
    ).get() as {
      n: number;
    };
    assert.ok(n >= 20 && n < 20 + 8, `${n} rows kept`);
    const plan = raw.prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE state = 'active' " +
        "AND coalesce(last_active_at, created_at) < ? ORDER BY coalesce(last_active_at, created_at) LIMIT 10",
    ).all("2026-01-01") as Array<{ detail: string }>;
    assert.ok(plan.some((row) => row.detail.includes("sessions_idle")), JSON.stringify(plan));
  } finally {
    raw.close();
  }
});

Deno.test("SqliteStore: every append that resolved survives a SIGKILL, with dense seqs", async () => {
  const path = freshPath();
  const sessions = 4;
  // Not a multiple of a batch: the kill comes while a committed batch is being answered.
  const killAfter = 598;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      "--allow-run",
      new URL("./support/crash_child.ts", import.meta.url).pathname,
      path,
      String(sessions),
      String(killAfter),
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const output = await child.output();
  clearTimeout(timer);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.signal, "SIGKILL", `child was not killed: ${stderr}`);
  const resolved = new Map<string, number>();
  let lines = 0;
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    const [sessionId, seq] = line.split(" ");
    if (!sessionId || !seq) continue;
    lines++;
    resolved.set(sessionId, Math.max(resolved.get(sessionId) ?? 0, Number(seq)));
  }
  assert.equal(lines, killAfter);

  const store = SqliteStore.open(path);
  try {
    for (let s = 0; s < sessions; s++) {
      const sessionId = `ses_${s}`;
      const window = await store.readEvents(sessionId, 0);
      const atLeast = resolved.get(sessionId) ?? 0;
      assert.ok(window.headSeq >= atLeast, `${sessionId}: head ${window.headSeq} < resolved ${atLeast}`);
      assert.equal(window.oldestSeq, 1);
      // Dense: exactly 1..head, no gap, no duplicate, each event whole.
      assert.deepEqual(window.events, events(sessionId, 1, window.headSeq));
      // The log goes on after the crash.
      await store.appendEvents(sessionId, [event(sessionId, window.headSeq + 1)], 1_000_000);
    }
  } finally {
    await store.close();
  }
});

Deno.test("SqliteStore: remove the tests' temp dir", async () => {
  await Deno.remove(dir, { recursive: true });
});
