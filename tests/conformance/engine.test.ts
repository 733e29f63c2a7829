/**
 * The engine passes the conformance kit: embedded on its memory store, and as a two-node cluster on
 * a real redis-server behind a round-robin balancer. Each target is one `assertConformant(...)`.
 */
import { startEngine } from "../../src/engine/mod.ts";
import { RedisServer, redisTest } from "../support/redis_server.ts";
import { startTcpProxy } from "../support/tcp_proxy.ts";
import { assertConformant, KIT_ENGINE_OPTIONS, KIT_TIMING } from "./support/conformant.ts";

Deno.test("the embedded engine (memory store) passes every conformance check", async () => {
  await using engine = await startEngine({
    ...KIT_ENGINE_OPTIONS,
    apiKeys: ["vs-conformance-a", "vs-conformance-b"],
  });
  await assertConformant({
    url: engine.url,
    key: "vs-conformance-a",
    otherKey: "vs-conformance-b",
    ...KIT_TIMING,
  });
});

redisTest(
  "a two-node Redis cluster behind a round-robin balancer passes every conformance check",
  async () => {
    const redis = await RedisServer.start();
    const options = {
      ...KIT_ENGINE_OPTIONS,
      apiKeys: ["vs-conformance-a", "vs-conformance-b"],
      redisUrl: redis.url,
    };
    const nodes = [await startEngine(options), await startEngine(options)];
    // Consecutive requests and sockets of every check land on alternating nodes.
    const balancer = await startTcpProxy(nodes.map((n) => n.url));
    try {
      await assertConformant({
        url: balancer.url,
        key: "vs-conformance-a",
        otherKey: "vs-conformance-b",
        ...KIT_TIMING,
      });
    } finally {
      await balancer.close();
      await Promise.all(nodes.map((n) => n.close()));
      await redis.stop();
    }
  },
);
