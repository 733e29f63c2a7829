/**
 * Scale-out (issue 11), proven end to end: two or three standalone engine processes on one real
 * `redis-server`, a loopback TCP proxy as the load balancer, and the public SDK. Any node serves any
 * session; one node runs it; terminate, cancel and approvals cross nodes; a SIGKILLed node's session
 * is taken over; a Redis restart is survived.
 */
import assert from "node:assert/strict";
import {
  type Agent,
  Session,
  type SessionEvent,
  SessionEventType,
  SessionTerminatedError,
  ToolApprovalConfig,
} from "../../mod.ts";
import { type Cluster, CLUSTER_KEY, startCluster } from "../support/cluster.ts";
import { redisTest } from "../support/redis_server.ts";
import {
  assertRemembersBoston,
  ESSAY,
  introduceAlice,
  newAgent,
  untilComplete,
  untilCompleteWith,
} from "../lifecycle/support.ts";

const RECONNECT = { initialDelayMs: 50, maxDelayMs: 500, maxRetries: 60 };

/** Logged seqs must follow each other exactly: no gap, no duplicate. */
function assertGapFree(events: SessionEvent[], from?: number): void {
  const seqs = events.filter((e) => e.logged).map((e) => e.seq);
  if (from !== undefined) assert.equal(seqs[0], from, `first seq ${seqs[0]}, expected ${from}`);
  for (let i = 1; i < seqs.length; i++) {
    assert.equal(seqs[i], seqs[i - 1]! + 1, `seq ${seqs[i]} after ${seqs[i - 1]} (all: ${seqs.join(",")})`);
  }
}

/** Logged events from `from` on, as `seq:type`. */
function logged(events: SessionEvent[], from = 1): string[] {
  return events.filter((e) => e.logged && e.seq >= from).map((e) => `${e.seq}:${e.type}`);
}

/** A session attached through one node. */
async function attach(cluster: Cluster, node: number | "proxy", sessionId: string, lastSeq?: number) {
  cluster.use(node);
  const session = new Session({
    sessionId,
    reconnect: RECONNECT,
    ...(lastSeq === undefined ? {} : { lastSeq }),
  });
  await session.connect();
  return session;
}

/** Listens until the session closes; returns what arrived and the error that ended it. */
async function untilClosed(session: Session): Promise<{ events: SessionEvent[]; error: unknown }> {
  const events: SessionEvent[] = [];
  try {
    for await (const event of session.listen({ maxSize: 0 })) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

async function rest(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(`${url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${CLUSTER_KEY}`, "Content-Type": "application/json" },
  });
}

/** A cluster test fails (instead of hanging) when a guarantee breaks so that an event never comes. */
const TEST_DEADLINE_MS = 60_000;

/**
 * Runs `fn` against a fresh cluster and stops it after. `persistentRedis` gives Redis a data directory
 * (AOF, fsync always) so a restarted Redis keeps the data.
 */
async function withCluster(
  count: number,
  args: string[],
  fn: (cluster: Cluster) => Promise<void>,
  { persistentRedis = false }: { persistentRedis?: boolean } = {},
): Promise<void> {
  const dataDir = persistentRedis ? await Deno.makeTempDir({ prefix: "vectorshift-redis-" }) : undefined;
  const cluster = await startCluster(count, args, dataDir === undefined ? {} : { dataDir });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cluster test still waiting after ${TEST_DEADLINE_MS} ms: an event never came`)),
      TEST_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([fn(cluster), deadline]);
  } finally {
    clearTimeout(timer);
    await cluster.dispose();
    if (dataDir !== undefined) await Deno.remove(dataDir, { recursive: true });
  }
}

/** A session with memory on, created through `node` (which then runs it). */
async function memorySession(cluster: Cluster, node: number | "proxy" = 0): Promise<Session> {
  cluster.use(node);
  const agent = await newAgent("You are helpful.", { memory_config: { enable_session_memory: true } });
  return await agent.createSession({ reconnect: RECONNECT });
}

redisTest("cluster: any node serves any session; every socket gets every event once, in order", async () => {
  await withCluster(3, ["--offline-tokens-per-second", "2000"], async (cluster) => {
    cluster.use(0);
    const agent: Agent = await newAgent("You are helpful.", {
      memory_config: { enable_session_memory: true },
    });
    await using a = await agent.createSession({ reconnect: RECONNECT });
    await a.connect();
    const id = a.sessionId!;
    await using b = await attach(cluster, 1, id);
    await using c = await attach(cluster, 2, id);

    // Posted through node 2, run by node 0 (it created the session), seen on nodes 0 and 1.
    const onA = untilComplete(a);
    const onB = untilComplete(b);
    await c.send("My name is Alice and I live in Boston.");
    const [eventsA, eventsB, eventsC] = await Promise.all([onA, onB, untilComplete(c)]);
    assertGapFree(eventsA, 1);
    assertGapFree(eventsB);
    assertGapFree(eventsC);
    // The sockets that attached by id listen from the post on (what came before was replayed at connect).
    assert.deepEqual(logged(eventsB, 2), logged(eventsA, 2));
    assert.deepEqual(logged(eventsC, 2), logged(eventsA, 2));
    assert.equal(logged(eventsA, 2)[0], "2:message_posted");
    assert.equal(eventsB.at(-1)!.text, eventsA.at(-1)!.text);

    // Memory follows the session, whichever node the next post reaches.
    const answer = untilComplete(a);
    await b.send("Where do I live?");
    assert.match((await answer).at(-1)!.text ?? "", /Boston/);
    await untilComplete(b);
    await untilComplete(c);

    // Replay after a cursor, on a node that never had a socket for it.
    const head = Number((await (await rest(cluster.nodes[1]!.url, `/v1/sessions/${id}`)).json()).head_seq);
    assert.ok(head > 8);
    await using late = await attach(cluster, 2, id, 3);
    const replayed: SessionEvent[] = [];
    for await (const event of late.listen({ maxSize: 0 })) {
      replayed.push(event);
      if (event.logged && event.seq === head) break;
    }
    assertGapFree(replayed, 4);

    // History and session info are the same on every node.
    for (const node of cluster.nodes) {
      const history = await (await rest(node.url, `/v1/sessions/${id}/messages`)).json();
      assert.equal(history.messages.length, 4);
      const info = await (await rest(node.url, `/v1/sessions/${id}`)).json();
      assert.equal(info.head_seq, head);
      assert.equal(info.generating, false);
    }
  });
});

redisTest(
  "cluster: approvals and cancel sent through another node reach the node running the turn",
  async () => {
    await withCluster(2, ["--offline-tokens-per-second", "300"], async (cluster) => {
      cluster.use(0);
      const agent = await newAgent("Use the calculator for arithmetic.", {
        tools: [{
          name: "calc",
          tool_type: "calculator",
          approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
        }],
      });
      await using owner = await agent.createSession({ reconnect: RECONNECT });
      await owner.connect();
      await using other = await attach(cluster, 1, owner.sessionId!);
      const onOwner = untilComplete(owner);
      await owner.send("What is 6 * 7?");
      let complete: SessionEvent | undefined;
      for await (const event of other.listen({ maxSize: 0 })) {
        if (event.type === SessionEventType.APPROVAL_REQUEST) {
          await other.respondApproval(event, { approved: true, confirm: { expression: "6*7+1" } });
          // Answering twice is harmless, also across nodes.
          await other.respondApproval(event, { approved: true }).catch(() => {});
        }
        if (event.isComplete) {
          complete = event;
          break;
        }
      }
      assert.equal(complete?.data.status, "complete");
      assert.match(complete?.text ?? "", /43/);
      assert.equal((await onOwner).at(-1)!.text, complete?.text);

      // Cancel through node 1 stops the essay node 0 is writing.
      const essay = await newAgent(ESSAY);
      cluster.use(0);
      await using writer = await essay.createSession({ reconnect: RECONNECT });
      await writer.connect();
      await using stopper = await attach(cluster, 1, writer.sessionId!);
      await writer.send("Go ahead.");
      let deltas = 0;
      let ended: SessionEvent | undefined;
      for await (const event of stopper.listen({ maxSize: 0 })) {
        if (event.type === SessionEventType.MESSAGE_DELTA && ++deltas === 3) await stopper.cancelTurn();
        if (event.isComplete) {
          ended = event;
          break;
        }
      }
      assert.equal(ended?.data.status, "cancelled");
    });
  },
);

redisTest(
  "cluster: terminate through node 2 stops generation on node 0 and closes every socket on every node",
  async () => {
    await withCluster(3, ["--offline-tokens-per-second", "300"], async (cluster) => {
      cluster.use(0);
      const agent = await newAgent(ESSAY);
      const owner = await agent.createSession({ reconnect: RECONNECT });
      await owner.connect();
      const id = owner.sessionId!;
      const watcher = await attach(cluster, 1, id);
      const killer = await attach(cluster, 2, id);
      const onOwner = untilClosed(owner);
      const onWatcher = untilClosed(watcher);
      await owner.send("Write it.");
      for await (const event of killer.listen({ maxSize: 0 })) {
        if (event.type === SessionEventType.MESSAGE_DELTA) break;
      }
      await killer.terminate();
      for (const { events, error } of [await onOwner, await onWatcher]) {
        assert.ok(error instanceof SessionTerminatedError, `expected SessionTerminatedError, got ${error}`);
        const types = events.filter((e) => e.logged).map((e) => e.type);
        assert.equal(types.at(-1), "session_terminated", "session_terminated is the last logged event");
        assert.ok(types.includes("message_delta"), "generation had started on node 0");
        assertGapFree(events);
      }
      assert.equal(owner.isConnected, false);
      assert.equal(watcher.isConnected, false);
      // Refused everywhere afterwards, over WebSocket and REST.
      for (let node = 0; node < 3; node++) {
        await assert.rejects(() => attach(cluster, node, id), SessionTerminatedError);
        const response = await rest(cluster.nodes[node]!.url, `/v1/sessions/${id}`);
        assert.equal(response.status, 410);
        assert.equal((await response.json()).code, "session_terminated");
      }
      // Nothing is still generating anywhere.
      for (const node of cluster.nodes) {
        const metrics = await (await rest(node.url, "/metrics")).text();
        assert.match(metrics, /vectorshift_active_generations 0/);
      }
    });
  },
);

redisTest(
  "cluster: SIGKILL of the node running a turn; another node takes over and the client resumes gap-free",
  async () => {
    await withCluster(2, ["--offline-tokens-per-second", "200"], async (cluster) => {
      // The balancer sends everyone to node 0 until it dies.
      cluster.proxy.retarget([cluster.nodes[0]!.url]);
      await using session = await memorySession(cluster, "proxy");
      const events = await introduceAlice(session);
      await session.send(ESSAY);
      events.push(
        ...await untilCompleteWith(session, (deltas) => deltas === 5 ? cluster.kill(0) : undefined),
      );
      assertGapFree(events, 1);
      const error = events.find((e) => e.type === SessionEventType.ERROR);
      assert.equal(error?.data.code, "turn_interrupted");
      assert.equal(events.at(-1)!.data.status, "error");
      // The survivor serves the next turn, with the session's memory.
      await assertRemembersBoston(session);
    });
  },
);

redisTest(
  "cluster: Redis restarted mid-session: 503 and close 1013 meanwhile, then everything recovers by itself",
  async () => {
    await withCluster(2, ["--offline-tokens-per-second", "2000"], async (cluster) => {
      await using session = await memorySession(cluster);
      const first = await introduceAlice(session);
      const id = session.sessionId!;

      await cluster.redis.kill();
      const down = await rest(cluster.nodes[1]!.url, `/v1/sessions/${id}`);
      assert.equal(down.status, 503);
      assert.equal((await down.json()).code, "store_unavailable");
      assert.equal(down.headers.get("retry-after"), "1");
      // A socket attaching meanwhile is closed with 1013 (the SDK would retry; this one gives up).
      cluster.use(1);
      const refused = new Session({ sessionId: id, reconnect: { maxRetries: 0 } });
      await assert.rejects(() => refused.connect(), /1013|store/i);

      await cluster.redis.restart();
      // The listening client reconnects by itself and the session goes on where it was.
      const answer = await assertRemembersBoston(session);
      assertGapFree([...first, ...answer], 1);
      const history = await (await rest(cluster.nodes[1]!.url, `/v1/sessions/${id}/messages`)).json();
      assert.equal(history.messages.length, 4);
    }, { persistentRedis: true });
  },
);

redisTest(
  "cluster: Redis killed mid-answer: the turn ends interrupted once it is back, and the session goes on",
  async () => {
    await withCluster(2, ["--offline-tokens-per-second", "200"], async (cluster) => {
      await using session = await memorySession(cluster);
      const events = await introduceAlice(session);
      await session.send(ESSAY);
      events.push(
        ...await untilCompleteWith(session, async (deltas) => {
          if (deltas !== 5) return;
          await cluster.redis.kill();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await cluster.redis.restart();
        }),
      );
      assertGapFree(events, 1);
      assert.equal(events.find((e) => e.type === SessionEventType.ERROR)?.data.code, "turn_interrupted");
      assert.equal(events.at(-1)!.data.status, "error");
      await assertRemembersBoston(session);
    }, { persistentRedis: true });
  },
);

redisTest("cluster: a node stopped with SIGTERM hands its sessions over at once", async () => {
  await withCluster(2, ["--offline-tokens-per-second", "2000", "--lease-ms", "30000"], async (cluster) => {
    cluster.proxy.retarget([cluster.nodes[0]!.url]);
    await using session = await memorySession(cluster, "proxy");
    await introduceAlice(session);
    cluster.proxy.retarget([cluster.nodes[1]!.url]);
    const stopped = await cluster.nodes[0]!.terminate();
    assert.equal(stopped.code, 0, stopped.log);
    // The lease (30 s here) was given back on the way out: node 1 runs the next turn at once.
    const started = performance.now();
    await assertRemembersBoston(session);
    assert.ok(performance.now() - started < 10_000, "no wait for the lease to expire");
  });
});

redisTest(
  "cluster: idle sessions expire on any node; a socket on another node keeps its session alive",
  async () => {
    await withCluster(
      2,
      ["--offline-tokens-per-second", "2000", "--session-idle-expiry", "1500"],
      async (cluster) => {
        cluster.use(0);
        const agent = await newAgent("You are helpful.");
        const idle = await agent.createSession();
        await idle.connect();
        await idle.disconnect();
        const used = await agent.createSession();
        await used.connect();
        await used.disconnect();
        // A socket on node 1 for the second session; nobody for the first.
        await using watcher = await attach(cluster, 1, used.sessionId!);
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        for (const node of cluster.nodes) {
          const gone = await rest(node.url, `/v1/sessions/${idle.sessionId}`);
          assert.equal(gone.status, 410);
          assert.equal((await gone.json()).code, "session_expired");
          const alive = await rest(node.url, `/v1/sessions/${used.sessionId}`);
          assert.equal(alive.status, 200);
          await alive.body?.cancel();
        }
        assert.equal(watcher.isConnected, true);
      },
    );
  },
);

redisTest(
  "cluster: a document added over REST on one node is searched by the node running the turn",
  async () => {
    await withCluster(2, ["--offline-tokens-per-second", "2000"], async (cluster) => {
      const added = await rest(cluster.nodes[1]!.url, "/v1/knowledge/documents", {
        method: "POST",
        body: JSON.stringify({
          title: "Zorblax launch window",
          text: "The Zorblax probe launch window opens on 14 March 2031 from Kourou.",
        }),
      });
      assert.equal(added.status, 201, await added.clone().text());
      cluster.use(0);
      const agent = await newAgent("Search the knowledge base before answering.", {
        tools: [{
          name: "search",
          tool_type: "knowledge_search",
          approval_config: ToolApprovalConfig.AUTO_RUN,
        }],
      });
      await using session = await agent.createSession({ reconnect: RECONNECT });
      await session.send("Search the knowledge base: when does the Zorblax launch window open?");
      const events = await untilComplete(session);
      const result = events.find((e) => e.type === SessionEventType.TOOL_RESULT);
      assert.match(
        JSON.stringify(result?.data ?? {}),
        /Kourou/,
        "node 0 searched the document added on node 1",
      );
    });
  },
);

redisTest("cluster: a key's rate limit holds across nodes", async () => {
  await withCluster(2, ["--rate-limit", "10", "--rate-limit-burst", "10"], async (cluster) => {
    // Both nodes have seen each other once a heartbeat has passed.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await rest(cluster.nodes[i % 2]!.url, "/v1/agents");
      await response.body?.cancel();
      statuses.push(response.status);
    }
    const seconds = (performance.now() - started) / 1000;
    const accepted = statuses.filter((s) => s === 200).length;
    // One key's budget in all: a burst of 10 plus 10/s, not 10 per node.
    assert.ok(
      accepted <= 10 + Math.ceil(10 * seconds) + 1,
      `${accepted} accepted in ${seconds.toFixed(2)} s`,
    );
    assert.ok(statuses.includes(429));
  });
});
