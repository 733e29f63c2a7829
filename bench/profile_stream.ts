/**
 * Where an engine stream's time goes: one session streams essays from the simulator at an unlimited
 * token rate through the embedded engine and the SDK (one process), under V8's sampling CPU profiler
 * (through `node:inspector`), and prints the functions with the most self time, grouped as engine,
 * SDK, runtime (Deno's WebSocket and event loop), idle and GC.
 *
 * `deno run -A bench/profile_stream.ts [--essays N] [--store memory|sqlite] [--top N] [--out FILE]`
 * (`--out` also writes the `.cpuprofile`, which Chrome DevTools opens). Not part of `deno task test`
 * or `deno task bench`: a profile is read by a person, not held against a target.
 *
 * @module
 */
import { Session as InspectorSession } from "node:inspector";
import { Session } from "../mod.ts";
import { startEngine, startEngineWithStore } from "../src/engine/engine.ts";
import type { Engine } from "../src/engine/mod.ts";
import { SqliteStore } from "../src/engine/store/sqlite_store.ts";
import { essayAgent } from "./support/engine_setup.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function parseArgs(
  argv: string[],
): { essays: number; store: "memory" | "sqlite"; top: number; out?: string } {
  const options = {
    essays: 20,
    store: "memory" as "memory" | "sqlite",
    top: 30,
    out: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--essays") options.essays = Math.min(500, Math.max(1, Number(value) || 20));
    else if (flag === "--top") options.top = Math.min(200, Math.max(5, Number(value) || 30));
    else if (flag === "--store" && (value === "memory" || value === "sqlite")) options.store = value;
    else if (flag === "--out" && value) options.out = value;
    else {
      console.error(
        `Unknown argument ${flag}. Usage: profile_stream.ts [--essays N] [--store memory|sqlite] [--top N] [--out FILE]`,
      );
      Deno.exit(2);
    }
    i++;
  }
  return options;
}

/** Which part of the system a profile frame belongs to. */
function area(url: string, name: string): string {
  if (name === "(idle)") return "idle (waiting for I/O or timers)";
  if (name === "(garbage collector)") return "garbage collector";
  if (url.includes("/src/engine/")) return "engine";
  if (url.includes("/src/")) return "SDK";
  if (url.includes("/bench/")) return "bench loop";
  return "runtime (Deno: WebSocket, events, timers)";
}

async function stream(engine: Engine, essays: number): Promise<number> {
  const agent = await essayAgent(engine, `Profiled essayist ${crypto.randomUUID().slice(0, 8)}`);
  await using session = new Session({ agentId: agent.id!, apiKey: engine.apiKey, baseUrl: engine.url });
  await session.connect();
  let events = 0;
  for (let i = 0; i < essays; i++) {
    await session.send("Go ahead.");
    for await (const event of session.listen({ maxSize: 0 })) {
      events++;
      if (event.isComplete) break;
    }
  }
  return events;
}

if (import.meta.main) {
  const options = parseArgs(Deno.args);
  const engineOptions = {
    port: 0,
    offlineModel: { tokensPerSecond: 0 },
    rateLimit: { framesPerSecond: 1_000_000, burst: 1_000_000 },
  };
  const dir = options.store === "sqlite"
    ? await Deno.makeTempDir({ prefix: "vectorshift-profile-" })
    : undefined;
  const engine = dir
    ? await startEngineWithStore(engineOptions, SqliteStore.open(`${dir}/engine.sqlite3`), {
      ownsStore: true,
    })
    : await startEngine(engineOptions);
  const inspector = new InspectorSession();
  inspector.connect();
  const post = <T>(method: string, params?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) =>
      inspector.post(
        method,
        params ?? {},
        (error: Error | null, result: T) => error ? reject(error) : resolve(result),
      )
    );
  try {
    await stream(engine, 1); // warm-up, not profiled
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 100 });
    await post("Profiler.start");
    const started = performance.now();
    const events = await stream(engine, options.essays);
    const seconds = (performance.now() - started) / 1000;
    const { profile } = await post<{ profile: CpuProfile }>("Profiler.stop");
    if (options.out) await Deno.writeTextFile(options.out, JSON.stringify(profile));
    const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    const areas = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const node = byNode.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || "(anonymous)";
      const key = `${name} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + us);
      const part = area(url, name);
      areas.set(part, (areas.get(part) ?? 0) + us);
      total += us;
    });
    const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
    console.log(
      `${events} events in ${seconds.toFixed(2)} s (${
        Math.round(events / seconds)
      } events/s), ${options.store} ` +
        `store; ${(total / 1000).toFixed(0)} ms sampled\n`,
    );
    for (const [part, us] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)}  ${part}`);
    console.log("\nself time by function:");
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, options.top)) {
      console.log(`${pct(us)}  ${(us / 1000).toFixed(1).padStart(7)} ms  ${key}`);
    }
  } finally {
    inspector.disconnect();
    await engine.close();
    if (dir) await Deno.remove(dir, { recursive: true });
  }
}
