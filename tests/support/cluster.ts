/**
 * An engine cluster for tests: a real `redis-server` on a free loopback port, two or three standalone
 * engines (`src/engine/cli.ts` processes started with `--redis`), and a loopback TCP proxy in front
 * of them as the round-robin load balancer.
 *
 * @module
 */
import { configure } from "../../mod.ts";
import { CliEngine } from "./cli_engine.ts";
import { RedisServer } from "./redis_server.ts";
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";

/** The API key every node accepts (one organisation). */
export const CLUSTER_KEY = "vs-cluster-test-key";

/** A running cluster. */
export interface Cluster {
  readonly redis: RedisServer;
  /** The nodes, in start order; a killed node's slot keeps the dead process. */
  readonly nodes: CliEngine[];
  /** The load balancer. */
  readonly proxy: TcpProxy;
  /** Points the SDK at one node (sessions connected afterwards keep it) or at the load balancer. */
  use(node: number | "proxy"): void;
  /** SIGKILLs a node; the load balancer sends new connections to the others only. */
  kill(node: number): Promise<void>;
  /** Stops everything. */
  dispose(): Promise<void>;
}

/** Starts `count` nodes on one Redis; `args` are extra engine flags. */
export async function startCluster(
  count: number,
  args: string[] = [],
  redisOptions: { dataDir?: string } = {},
): Promise<Cluster> {
  const redis = await RedisServer.start(redisOptions);
  const nodes: CliEngine[] = [];
  const alive = new Set<number>();
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(
        await CliEngine.start(CLUSTER_KEY, [
          "--redis",
          redis.url,
          "--port",
          "0",
          "--lease-ms",
          "1000",
          "--http-idle-timeout-ms",
          "0",
          ...args,
        ]),
      );
      alive.add(i);
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
    throw error;
  }
  const proxy = await startTcpProxy(nodes.map((n) => n.url));
  return {
    redis,
    nodes,
    proxy,
    use(node) {
      configure({ apiKey: CLUSTER_KEY, baseUrl: node === "proxy" ? proxy.url : nodes[node]!.url });
    },
    async kill(node) {
      alive.delete(node);
      proxy.retarget([...alive].map((i) => nodes[i]!.url));
      await nodes[node]!.kill();
    },
    async dispose() {
      await proxy.close();
      await Promise.all(nodes.map((n) => n.kill()));
      await redis.stop();
    },
  };
}
