/**
 * The {@link EngineStore} contract, written once: `storeContract(name, make)` registers a `Deno.test`
 * for each part of it, run against a fresh store from `make()` (closed at the end of the test).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EngineStore, SessionRecord } from "../../../src/engine/store/store.ts";
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

type Body = (store: EngineStore) => Promise<void>;

function byId(records: SessionRecord[]): SessionRecord[] {
  return [...records].sort((a, b) => a.id.localeCompare(b.id));
}

/** Registers the contract tests of one store implementation. */
export function storeContract(name: string, make: () => Promise<EngineStore>): void {
  const test = (title: string, body: Body) =>
    Deno.test(`${name}: ${title}`, async () => {
      const store = await make();
      try {
        await body(store);
      } finally {
        await store.close().catch(() => {});
      }
    });

  test("agents: put, get, replace in place, find by name, pages, delete, tenancy", async (store) => {
    assert.equal(await store.getAgent("org_a", "agt_1"), undefined);
    assert.deepEqual(await store.listAgents("org_a", { limit: 10, offset: 0 }), { agents: [], total: 0 });
    for (const id of ["agt_1", "agt_2", "agt_3"]) await store.putAgent("org_a", agent(id));
    await store.putAgent("org_b", agent("agt_9", "Agent agt_1"));
    assert.deepEqual(await store.getAgent("org_a", "agt_2"), agent("agt_2"));
    // Replacing keeps the agent's place (oldest first is by creation).
    await store.putAgent("org_a", agent("agt_1", "Renamed"));
    const page = await store.listAgents("org_a", { limit: 2, offset: 0 });
    assert.equal(page.total, 3);
    assert.deepEqual(page.agents, [agent("agt_1", "Renamed"), agent("agt_2")]);
    assert.deepEqual(await store.listAgents("org_a", { limit: 2, offset: 2 }), {
      agents: [agent("agt_3")],
      total: 3,
    });
    assert.deepEqual(await store.listAgents("org_a", { limit: 5, offset: 9 }), { agents: [], total: 3 });
    assert.deepEqual(await store.findAgentByName("org_a", "Renamed"), agent("agt_1", "Renamed"));
    assert.equal(await store.findAgentByName("org_a", "Agent agt_1"), undefined);
    assert.deepEqual(await store.findAgentByName("org_b", "Agent agt_1"), agent("agt_9", "Agent agt_1"));
    // Tenancy: another organisation sees nothing and deletes nothing.
    assert.equal(await store.getAgent("org_b", "agt_1"), undefined);
    assert.equal(await store.deleteAgent("org_b", "agt_1"), false);
    assert.equal((await store.listAgents("org_b", { limit: 10, offset: 0 })).total, 1);
    assert.equal(await store.deleteAgent("org_a", "agt_1"), true);
    assert.equal(await store.deleteAgent("org_a", "agt_1"), false);
    assert.equal(await store.getAgent("org_a", "agt_1"), undefined);
    assert.deepEqual(
      (await store.listAgents("org_a", { limit: 10, offset: 0 })).agents.map((a) => a.id),
      ["agt_2", "agt_3"],
    );
  });

  test("chatbots: put, get, list oldest first, delete, tenancy", async (store) => {
    assert.deepEqual(await store.listChatbots("org_a"), []);
    await store.putChatbot("org_a", chatbot("cb_1"));
    await store.putChatbot("org_a", chatbot("cb_2"));
    await store.putChatbot("org_a", { ...chatbot("cb_1"), name: "Replaced" });
    await store.putChatbot("org_b", chatbot("cb_3"));
    assert.deepEqual(await store.getChatbot("org_a", "cb_1"), { ...chatbot("cb_1"), name: "Replaced" });
    assert.deepEqual((await store.listChatbots("org_a")).map((c) => c.id), ["cb_1", "cb_2"]);
    assert.equal(await store.getChatbot("org_b", "cb_1"), undefined);
    assert.equal(await store.deleteChatbot("org_b", "cb_1"), false);
    assert.equal(await store.deleteChatbot("org_a", "cb_1"), true);
    assert.equal(await store.deleteChatbot("org_a", "cb_1"), false);
    assert.deepEqual((await store.listChatbots("org_a")).map((c) => c.id), ["cb_2"]);
    assert.deepEqual((await store.listChatbots("org_b")).map((c) => c.id), ["cb_3"]);
  });

  test("sessions: put, get by org, replace, list of an agent, count all states", async (store) => {
    assert.deepEqual(await store.countSessions(), { active: 0, terminated: 0, expired: 0 });
    await store.putSession(session("ses_1"));
    await store.putSession(
      session("ses_2", { chatbot_id: "cb_1", last_active_at: "2026-01-02T00:00:00.000Z" }),
    );
    await store.putSession(session("ses_3", { agent_id: "agt_2", state: "terminated" }));
    await store.putSession(session("ses_4", { org: "org_b", state: "expired" }));
    const got = await store.getSession("org_a", "ses_1");
    assert.deepEqual(got, session("ses_1"));
    // Absent optional fields stay absent (not present as undefined or null).
    assert.ok(got && !("chatbot_id" in got) && !("last_active_at" in got));
    assert.deepEqual(
      await store.getSession("org_a", "ses_2"),
      session("ses_2", { chatbot_id: "cb_1", last_active_at: "2026-01-02T00:00:00.000Z" }),
    );
    assert.equal(await store.getSession("org_b", "ses_1"), undefined);
    assert.equal(await store.getSession("org_a", "ses_4"), undefined);
    assert.equal(await store.getSession("org_a", "ses_nope"), undefined);
    assert.deepEqual((await store.listSessionsOfAgent("org_a", "agt_1")).map((s) => s.id), [
      "ses_1",
      "ses_2",
    ]);
    assert.deepEqual((await store.listSessionsOfAgent("org_b", "agt_1")).map((s) => s.id), ["ses_4"]);
    assert.deepEqual(await store.listSessionsOfAgent("org_a", "agt_9"), []);
    assert.deepEqual(await store.countSessions(), { active: 2, terminated: 1, expired: 1 });
    // Replacing is whole: fields left out of the new record are gone.
    await store.putSession(session("ses_2", { state: "terminated" }));
    assert.deepEqual(await store.getSession("org_a", "ses_2"), session("ses_2", { state: "terminated" }));
    assert.deepEqual(await store.countSessions(), { active: 1, terminated: 2, expired: 1 });
  });

  test("copies not aliases: what goes in or comes out cannot change what is stored", async (store) => {
    const a = agent("agt_1");
    await store.putAgent("org_a", a);
    a.name = "mutated";
    a.llm_info.model_id = "mutated";
    const gotAgent = await store.getAgent("org_a", "agt_1");
    assert.deepEqual(gotAgent, agent("agt_1"));
    if (gotAgent) gotAgent.tools.length = 0;
    assert.deepEqual(await store.getAgent("org_a", "agt_1"), agent("agt_1"));
    const listed = await store.listAgents("org_a", { limit: 1, offset: 0 });
    listed.agents[0]!.llm_info.provider = "mutated";
    assert.deepEqual(await store.findAgentByName("org_a", "Agent agt_1"), agent("agt_1"));

    const c = chatbot("cb_1");
    await store.putChatbot("org_a", c);
    c.name = "mutated";
    (await store.listChatbots("org_a"))[0]!.name = "mutated";
    assert.deepEqual(await store.getChatbot("org_a", "cb_1"), chatbot("cb_1"));

    const s = session("ses_1");
    await store.putSession(s);
    s.state = "expired";
    const gotSession = await store.getSession("org_a", "ses_1");
    if (gotSession) gotSession.state = "terminated";
    (await store.listSessionsOfAgent("org_a", "agt_1"))[0]!.state = "terminated";
    assert.deepEqual(await store.getSession("org_a", "ses_1"), session("ses_1"));

    const logged = events("ses_1", 1, 5);
    await store.appendEvents("ses_1", logged, 100);
    for (const e of logged) (e as { seq: number }).seq = 99;
    (logged[4]!.data as { status: string }).status = "mutated";
    const window = await store.readEvents("ses_1", 0);
    (window.events[4]!.data as { status: string }).status = "mutated";
    assert.deepEqual((await store.readEvents("ses_1", 0)).events, events("ses_1", 1, 5));

    const m = message("ses_1", "msg_1");
    await store.putMessage(m);
    m.text = "mutated";
    (await store.listMessages("ses_1"))[0]!.text = "mutated";
    assert.deepEqual(await store.listMessages("ses_1"), [message("ses_1", "msg_1")]);

    const r = { kind: "batch" as const, batch_id: "b_1", post_ids: ["p_1"], message_ids: ["m_1"] };
    await store.putReceipt("ses_1", r);
    r.post_ids.push("mutated");
    const receipts = await store.listReceipts("ses_1");
    if (receipts[0]?.kind === "batch") receipts[0].post_ids.push("mutated");
    assert.deepEqual(await store.listReceipts("ses_1"), [
      { kind: "batch", batch_id: "b_1", post_ids: ["p_1"], message_ids: ["m_1"] },
    ]);

    const mem = memory("hi");
    await store.putMemory("ses_1", mem);
    mem.length = 0;
    (await store.getMemory("ses_1")).length = 0;
    assert.deepEqual(await store.getMemory("ses_1"), memory("hi"));

    const turn = openTurn("msg_2");
    await store.putOpenTurn("ses_1", turn);
    turn.post_ids.push("mutated");
    (await store.listOpenTurns())[0]!.turn.post_ids.push("mutated");
    assert.deepEqual(await store.listOpenTurns(), [{ session: session("ses_1"), turn: openTurn("msg_2") }]);

    const ap = approval("ses_1", "apr_1");
    await store.putApproval("ses_1", ap);
    ap.checkpoint.text = "mutated";
    ap.checkpoint.turn_messages.length = 0;
    (await store.listApprovals("ses_1"))[0]!.checkpoint.calls.length = 0;
    const stored = await store.listApprovals("ses_1");
    assert.equal(stored.length, 1);
    assert.deepEqual(stored, [approval("ses_1", "apr_1")]);

    const doc = { id: "doc_1", title: "T", text: "Body" };
    await store.addDocument("org_a", doc);
    doc.text = "mutated";
    (await store.listDocuments("org_a"))[0]!.text = "mutated";
    assert.deepEqual(await store.listDocuments("org_a"), [{ id: "doc_1", title: "T", text: "Body" }]);
  });

  test("events: an empty log, appends in call order, windows after a cursor", async (store) => {
    assert.deepEqual(await store.readEvents("ses_1", 0), { events: [], oldestSeq: 1, headSeq: 0 });
    assert.deepEqual(await store.readEvents("ses_1", 5), { events: [], oldestSeq: 1, headSeq: 0 });
    await store.appendEvents("ses_1", [], 100);
    assert.deepEqual(await store.readEvents("ses_1", 0), { events: [], oldestSeq: 1, headSeq: 0 });
    // One call per event, none awaited before the next (as the engine streams tokens), two sessions.
    const pending: Promise<void>[] = [];
    for (let seq = 1; seq <= 40; seq++) {
      pending.push(store.appendEvents("ses_1", [event("ses_1", seq)], 1000));
      if (seq <= 20) pending.push(store.appendEvents("ses_2", [event("ses_2", seq)], 1000));
    }
    pending.push(store.appendEvents("ses_1", events("ses_1", 41, 50), 1000));
    await Promise.all(pending);
    const all = await store.readEvents("ses_1", 0);
    assert.deepEqual(all, { events: events("ses_1", 1, 50), oldestSeq: 1, headSeq: 50 });
    // Replayed events serialize exactly like the live ones.
    assert.equal(JSON.stringify(all.events), JSON.stringify(events("ses_1", 1, 50)));
    assert.deepEqual(await store.readEvents("ses_2", 0), {
      events: events("ses_2", 1, 20),
      oldestSeq: 1,
      headSeq: 20,
    });
    assert.deepEqual(seqs((await store.readEvents("ses_1", 45)).events), [46, 47, 48, 49, 50]);
    assert.deepEqual(await store.readEvents("ses_1", 50), { events: [], oldestSeq: 1, headSeq: 50 });
    assert.deepEqual(await store.readEvents("ses_1", 900), { events: [], oldestSeq: 1, headSeq: 50 });
    assert.deepEqual((await store.readEvents("ses_1", -3)).events.length, 50);
  });

  test("events: appends that do not continue the head are refused and change nothing", async (store) => {
    await assert.rejects(store.appendEvents("ses_1", [event("ses_1", 2)], 100), /expected seq 1, got 2/);
    await store.appendEvents("ses_1", events("ses_1", 1, 3), 100);
    await assert.rejects(store.appendEvents("ses_1", [event("ses_1", 3)], 100), /expected seq 4, got 3/);
    await assert.rejects(
      store.appendEvents("ses_1", [event("ses_1", 4), event("ses_1", 6)], 100),
      /expected seq 5, got 6/,
    );
    await assert.rejects(store.appendEvents("ses_1", [event("ses_1", 4)], -1), RangeError);
    assert.deepEqual(await store.readEvents("ses_1", 0), {
      events: events("ses_1", 1, 3),
      oldestSeq: 1,
      headSeq: 3,
    });
    await store.appendEvents("ses_1", [event("ses_1", 4)], 100);
    assert.equal((await store.readEvents("ses_1", 0)).headSeq, 4);
  });

  test("events: retention keeps the newest `retain`, and the window reports it", async (store) => {
    for (let seq = 1; seq <= 300; seq++) void store.appendEvents("ses_1", [event("ses_1", seq)], 10);
    await store.appendEvents("ses_1", [], 10);
    let window = await store.readEvents("ses_1", 0);
    assert.equal(window.headSeq, 300);
    assert.equal(window.oldestSeq, 291);
    assert.deepEqual(window.events, events("ses_1", 291, 300));
    // A cursor older than the oldest retained event gets what is retained; a newer one its tail.
    assert.deepEqual(seqs((await store.readEvents("ses_1", 100)).events), seqs(events("ses_1", 291, 300)));
    assert.deepEqual(seqs((await store.readEvents("ses_1", 297)).events), [298, 299, 300]);
    // A larger retain later does not bring trimmed events back.
    await store.appendEvents("ses_1", [event("ses_1", 301)], 1000);
    window = await store.readEvents("ses_1", 0);
    assert.equal(window.oldestSeq, 291);
    assert.equal(window.events.length, 11);
    // A smaller one trims at once, in the same call.
    await store.appendEvents("ses_1", events("ses_1", 302, 305), 3);
    assert.deepEqual(await store.readEvents("ses_1", 0), {
      events: events("ses_1", 303, 305),
      oldestSeq: 303,
      headSeq: 305,
    });
    // Retaining nothing: oldest is head + 1.
    await store.appendEvents("ses_1", [event("ses_1", 306)], 0);
    assert.deepEqual(await store.readEvents("ses_1", 0), { events: [], oldestSeq: 307, headSeq: 306 });
    assert.deepEqual(await store.readEvents("ses_1", 306), { events: [], oldestSeq: 307, headSeq: 306 });
    // Another session is not affected.
    await store.appendEvents("ses_2", events("ses_2", 1, 4), 2);
    assert.deepEqual(await store.readEvents("ses_2", 0), {
      events: events("ses_2", 3, 4),
      oldestSeq: 3,
      headSeq: 4,
    });
    assert.equal((await store.readEvents("ses_1", 0)).headSeq, 306);
  });

  test("events: every resolved append is visible to reads and other writes", async (store) => {
    await store.putSession(session("ses_1"));
    let resolved = 0;
    const all: Promise<void>[] = [];
    for (let seq = 1; seq <= 200; seq++) {
      all.push(
        store.appendEvents("ses_1", [event("ses_1", seq)], 1000).then(() => {
          resolved = seq;
        }),
      );
      // Interleave other calls; a read never sees fewer events than have resolved before it started.
      if (seq % 50 === 0) {
        const before = resolved;
        const window = await store.readEvents("ses_1", 0);
        assert.ok(window.headSeq >= before, `head ${window.headSeq} < resolved ${before}`);
        assert.deepEqual(seqs(window.events), Array.from({ length: window.headSeq }, (_, i) => i + 1));
        await store.touchSession("ses_1", `2026-01-0${seq / 50}T00:00:00.000Z`);
      }
    }
    await Promise.all(all);
    assert.equal(resolved, 200);
    assert.deepEqual((await store.readEvents("ses_1", 0)).events, events("ses_1", 1, 200));
  });

  test("history: upsert by id keeps its place, oldest first, per session", async (store) => {
    assert.deepEqual(await store.listMessages("ses_1"), []);
    await store.putMessage(message("ses_1", "msg_1"));
    await store.putMessage(message("ses_1", "msg_2"));
    await store.putMessage(message("ses_2", "msg_3"));
    await store.putMessage(message("ses_1", "msg_1", "edited"));
    await store.putMessage(message("ses_1", "msg_4"));
    assert.deepEqual(await store.listMessages("ses_1"), [
      message("ses_1", "msg_1", "edited"),
      message("ses_1", "msg_2"),
      message("ses_1", "msg_4"),
    ]);
    assert.deepEqual(await store.listMessages("ses_2"), [message("ses_2", "msg_3")]);
  });

  test("receipts: every kind, in order, per session", async (store) => {
    assert.deepEqual(await store.listReceipts("ses_1"), []);
    const post = { kind: "post" as const, post_id: "p_1", message_id: "m_1" };
    const batch = {
      kind: "batch" as const,
      batch_id: "b_1",
      post_ids: ["p_2", "p_3"],
      message_ids: ["m_2", "m_3"],
    };
    await store.putReceipt("ses_1", post);
    await store.putReceipt("ses_1", batch);
    await store.putReceipt("ses_2", post);
    assert.deepEqual(await store.listReceipts("ses_1"), [post, batch]);
    assert.deepEqual(await store.listReceipts("ses_2"), [post]);
  });

  test("memory: empty by default, replaced whole", async (store) => {
    assert.deepEqual(await store.getMemory("ses_1"), []);
    await store.putMemory("ses_1", memory("one"));
    await store.putMemory("ses_1", memory("two"));
    await store.putMemory("ses_2", []);
    assert.deepEqual(await store.getMemory("ses_1"), memory("two"));
    assert.deepEqual(await store.getMemory("ses_2"), []);
  });

  test("open turns: set, replace, clear; listed with their session when it exists", async (store) => {
    assert.deepEqual(await store.listOpenTurns(), []);
    await store.putSession(session("ses_1"));
    await store.putSession(session("ses_2", { org: "org_b" }));
    await store.putOpenTurn("ses_1", openTurn("msg_1"));
    await store.putOpenTurn("ses_2", openTurn("msg_2"));
    await store.putOpenTurn("ses_orphan", openTurn("msg_3"));
    await store.putOpenTurn("ses_1", openTurn("msg_4"));
    assert.deepEqual(await store.listOpenTurns(), [
      { session: session("ses_1"), turn: openTurn("msg_4") },
      { session: session("ses_2", { org: "org_b" }), turn: openTurn("msg_2") },
    ]);
    await store.putOpenTurn("ses_1", undefined);
    await store.putOpenTurn("ses_nope", undefined);
    assert.deepEqual(await store.listOpenTurns(), [{
      session: session("ses_2", { org: "org_b" }),
      turn: openTurn("msg_2"),
    }]);
  });

  test("approvals: keyed by request id, replaced in place, deleted, per session", async (store) => {
    assert.deepEqual(await store.listApprovals("ses_1"), []);
    await store.putApproval("ses_1", approval("ses_1", "apr_1"));
    await store.putApproval("ses_1", approval("ses_1", "apr_2", 9));
    await store.putApproval("ses_2", approval("ses_2", "apr_1"));
    await store.putApproval("ses_1", approval("ses_1", "apr_1", 7, "more text"));
    const listed = await store.listApprovals("ses_1");
    assert.deepEqual(listed, [approval("ses_1", "apr_1", 7, "more text"), approval("ses_1", "apr_2", 9)]);
    assert.deepEqual(listed.map((a) => [a.event.data.request_id, a.checkpoint.text]), [
      ["apr_1", "more text"],
      ["apr_2", "so far"],
    ]);
    await store.deleteApproval("ses_1", "apr_1");
    await store.deleteApproval("ses_1", "apr_nope");
    await store.deleteApproval("ses_3", "apr_1");
    assert.deepEqual((await store.listApprovals("ses_1")).map((a) => a.event.data.request_id), ["apr_2"]);
    assert.deepEqual((await store.listApprovals("ses_2")).map((a) => a.event.data.request_id), ["apr_1"]);
  });

  test("idle sessions: active ones whose last activity (or creation) is before the time", async (store) => {
    assert.deepEqual(await store.listIdleSessions("2100-01-01T00:00:00.000Z", 10), []);
    await store.putSession(session("ses_1", { created_at: "2026-01-01T00:00:00.000Z" }));
    await store.putSession(
      session("ses_2", {
        created_at: "2026-01-01T00:00:00.000Z",
        last_active_at: "2026-01-05T00:00:00.000Z",
      }),
    );
    await store.putSession(session("ses_3", { created_at: "2026-01-02T00:00:00.000Z", org: "org_b" }));
    await store.putSession(session("ses_4", { created_at: "2026-01-01T00:00:00.000Z", state: "terminated" }));
    await store.putSession(session("ses_5", { created_at: "2026-01-01T00:00:00.000Z", state: "expired" }));
    const ids = async (before: string, limit = 10) =>
      byId(await store.listIdleSessions(before, limit)).map((s) => s.id);
    assert.deepEqual(await ids("2026-01-03T00:00:00.000Z"), ["ses_1", "ses_3"]);
    assert.deepEqual(await ids("2026-01-02T00:00:00.000Z"), ["ses_1"]); // strictly before
    assert.deepEqual(await ids("2026-01-06T00:00:00.000Z"), ["ses_1", "ses_2", "ses_3"]);
    assert.equal((await store.listIdleSessions("2026-01-06T00:00:00.000Z", 2)).length, 2);
    assert.deepEqual(await store.listIdleSessions("2026-01-06T00:00:00.000Z", 0), []);
    // Touching moves a session out of the idle set; touching an unknown session does nothing.
    await store.touchSession("ses_1", "2026-01-10T00:00:00.000Z");
    await store.touchSession("ses_nope", "2026-01-10T00:00:00.000Z");
    assert.deepEqual(await ids("2026-01-06T00:00:00.000Z"), ["ses_2", "ses_3"]);
    assert.equal((await store.getSession("org_a", "ses_1"))?.last_active_at, "2026-01-10T00:00:00.000Z");
    assert.equal(await store.getSession("org_a", "ses_nope"), undefined);
    // The listed records are whole.
    const [record] = await store.listIdleSessions("2026-01-03T00:00:00.000Z", 10);
    assert.deepEqual(record, session("ses_3", { created_at: "2026-01-02T00:00:00.000Z", org: "org_b" }));
  });

  test("deleteSessionData frees everything of the session but its record", async (store) => {
    for (const id of ["ses_1", "ses_2"]) {
      await store.putSession(session(id));
      await store.appendEvents(id, events(id, 1, 30), 100);
      await store.putMessage(message(id, `msg_${id}`));
      await store.putReceipt(id, { kind: "post", post_id: "p_1", message_id: "m_1" });
      await store.putMemory(id, memory(id));
      await store.putOpenTurn(id, openTurn(`msg_${id}`));
      await store.putApproval(id, approval(id, "apr_1"));
    }
    // Appends still pending when the data is deleted land first, then go with the rest.
    void store.appendEvents("ses_1", events("ses_1", 31, 32), 100);
    await store.putSession(session("ses_1", { state: "terminated" }));
    await store.deleteSessionData("ses_1");
    assert.deepEqual(await store.getSession("org_a", "ses_1"), session("ses_1", { state: "terminated" }));
    assert.deepEqual(await store.readEvents("ses_1", 0), { events: [], oldestSeq: 1, headSeq: 0 });
    assert.deepEqual(await store.listMessages("ses_1"), []);
    assert.deepEqual(await store.listReceipts("ses_1"), []);
    assert.deepEqual(await store.getMemory("ses_1"), []);
    assert.deepEqual(await store.listApprovals("ses_1"), []);
    assert.deepEqual((await store.listOpenTurns()).map((o) => o.session.id), ["ses_2"]);
    // The other session is untouched.
    assert.equal((await store.readEvents("ses_2", 0)).headSeq, 30);
    assert.equal((await store.listMessages("ses_2")).length, 1);
    assert.equal((await store.listReceipts("ses_2")).length, 1);
    assert.deepEqual(await store.getMemory("ses_2"), memory("ses_2"));
    assert.equal((await store.listApprovals("ses_2")).length, 1);
    // Deleting twice, or a session with nothing, is harmless; a fresh log starts at 1.
    await store.deleteSessionData("ses_1");
    await store.deleteSessionData("ses_nope");
    await store.appendEvents("ses_1", events("ses_1", 1, 2), 100);
    assert.equal((await store.readEvents("ses_1", 0)).headSeq, 2);
  });

  test("documents: per organisation, in order", async (store) => {
    assert.deepEqual(await store.listDocuments("org_a"), []);
    await store.addDocument("org_a", { id: "doc_1", title: "One", text: "First." });
    await store.addDocument("org_a", { id: "doc_2", title: "Two", text: "Second." });
    await store.addDocument("org_b", { id: "doc_3", title: "Three", text: "Third." });
    assert.deepEqual(await store.listDocuments("org_a"), [
      { id: "doc_1", title: "One", text: "First." },
      { id: "doc_2", title: "Two", text: "Second." },
    ]);
    assert.deepEqual((await store.listDocuments("org_b")).map((d) => d.id), ["doc_3"]);
  });

  test("close: commits pending appends, is idempotent, later calls reject", async (store) => {
    const pending = store.appendEvents("ses_1", events("ses_1", 1, 3), 100);
    await store.close();
    await pending;
    await store.close();
    const calls: Array<() => Promise<unknown>> = [
      () => store.putAgent("org_a", agent("agt_1")),
      () => store.getAgent("org_a", "agt_1"),
      () => store.findAgentByName("org_a", "x"),
      () => store.listAgents("org_a", { limit: 1, offset: 0 }),
      () => store.deleteAgent("org_a", "agt_1"),
      () => store.putChatbot("org_a", chatbot("cb_1")),
      () => store.getChatbot("org_a", "cb_1"),
      () => store.listChatbots("org_a"),
      () => store.deleteChatbot("org_a", "cb_1"),
      () => store.putSession(session("ses_1")),
      () => store.getSession("org_a", "ses_1"),
      () => store.listSessionsOfAgent("org_a", "agt_1"),
      () => store.countSessions(),
      () => store.appendEvents("ses_1", [event("ses_1", 4)], 100),
      () => store.readEvents("ses_1", 0),
      () => store.putMessage(message("ses_1", "msg_1")),
      () => store.listMessages("ses_1"),
      () => store.putReceipt("ses_1", { kind: "post", post_id: "p", message_id: "m" }),
      () => store.listReceipts("ses_1"),
      () => store.putMemory("ses_1", []),
      () => store.getMemory("ses_1"),
      () => store.putOpenTurn("ses_1", undefined),
      () => store.listOpenTurns(),
      () => store.putApproval("ses_1", approval("ses_1", "apr_1")),
      () => store.deleteApproval("ses_1", "apr_1"),
      () => store.listApprovals("ses_1"),
      () => store.touchSession("ses_1", "2026-01-01T00:00:00.000Z"),
      () => store.listIdleSessions("2026-01-01T00:00:00.000Z", 1),
      () => store.deleteSessionData("ses_1"),
      () => store.addDocument("org_a", { id: "d", title: "t", text: "x" }),
      () => store.listDocuments("org_a"),
    ];
    for (const call of calls) await assert.rejects(call(), /closed/);
  });
}
