import assert from "node:assert/strict";
import { RedisStore } from "../../../src/engine/store/redis_store.ts";
import { StoreUnavailableError } from "../../../src/engine/store/store_unavailable.ts";
import { redisMissing, RedisServer, redisTest } from "../../support/redis_server.ts";
import { events } from "./fixtures.ts";
import { storeContract } from "./store_contract.ts";

if (!redisMissing()) {
  let server: RedisServer | undefined;
  let runs = 0;
  // One redis-server for the contract; each test gets its own key prefix.
  storeContract("RedisStore", async () => {
    server ??= await RedisServer.start();
    return await RedisStore.connect({ url: server.url, prefix: `contract${runs++}:` });
  });
  Deno.test("RedisStore: stop the contract's redis-server", async () => {
    await server?.stop();
  });
}

redisTest("RedisStore: appends are fenced by the session's lease", async () => {
  const server = await RedisServer.start();
  const a = await RedisStore.connect({ url: server.url });
  const b = await RedisStore.connect({ url: server.url });
  try {
    assert.equal(await a.acquireLease("ses_1", "node-a/1", 5_000), "node-a/1");
    assert.equal(await b.acquireLease("ses_1", "node-b/1", 5_000), "node-a/1");
    a.fence("ses_1", "node-a/1");
    await a.appendEvents("ses_1", events("ses_1", 1, 3), 100);
    // Another node cannot write the session's log, with or without a token, and nothing changes.
    await assert.rejects(
      b.appendEvents("ses_1", events("ses_1", 4, 4), 100),
      /no longer holds the session's lease/,
    );
    b.fence("ses_1", "node-b/1");
    await assert.rejects(b.appendEvents("ses_1", events("ses_1", 4, 4), 100), /lease/);
    // The same seq twice is refused, by the head check and by the stream ids.
    await assert.rejects(a.appendEvents("ses_1", events("ses_1", 3, 3), 100), /expected seq 4, got 3/);
    assert.equal((await a.readEvents("ses_1", 0)).headSeq, 3);
    // Once the lease is released, the other node takes it and continues the same log.
    await a.releaseLease("ses_1", "node-a/1");
    assert.equal(await b.acquireLease("ses_1", "node-b/1", 5_000), "node-b/1");
    await b.appendEvents("ses_1", events("ses_1", 4, 5), 100);
    await assert.rejects(a.appendEvents("ses_1", events("ses_1", 6, 6), 100), /lease/);
    assert.deepEqual((await b.readEvents("ses_1", 0)).events.map((e) => e.seq), [1, 2, 3, 4, 5]);
    // A lease that is not renewed expires.
    assert.deepEqual(await b.renewLeases([{ sessionId: "ses_1", token: "node-b/1" }], 50), [true]);
    assert.deepEqual(await a.renewLeases([{ sessionId: "ses_1", token: "node-a/1" }], 50), [false]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(await a.leaseHolder("ses_1"), null);
  } finally {
    await a.close();
    await b.close();
    await server.stop();
  }
});

redisTest(
  "RedisStore: an unreachable Redis fails fast with StoreUnavailableError, and it recovers",
  async () => {
    const server = await RedisServer.start();
    const store = await RedisStore.connect({ url: server.url });
    try {
      await server.kill();
      const started = performance.now();
      await assert.rejects(store.getAgent("org_a", "agt_1"), StoreUnavailableError);
      assert.ok(performance.now() - started < 2_000, "a command must not wait for Redis to come back");
      await server.restart();
      const deadline = performance.now() + 5_000;
      for (;;) {
        try {
          assert.equal(await store.getAgent("org_a", "agt_1"), undefined);
          break;
        } catch (error) {
          if (!(error instanceof StoreUnavailableError) || performance.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      await store.close();
      await server.stop();
    }
  },
);

Deno.test("RedisStore: a URL that is not redis:// is refused before connecting, saying what to give", async () => {
  for (const url of ["nope", "http://127.0.0.1:6379", ""]) {
    await assert.rejects(RedisStore.connect({ url }), /Invalid Redis URL .*redis:\/\/HOST:PORT/);
  }
});

redisTest("RedisStore: connecting to nothing names the URL and what to do", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    RedisStore.connect({ url: `redis://:secret@127.0.0.1:${port}`, connectTimeoutMs: 500 }),
    (error: Error) =>
      error instanceof StoreUnavailableError && error.message.includes(`127.0.0.1:${port}`) &&
      !error.message.includes("secret") && error.message.includes("redis-server"),
  );
});
