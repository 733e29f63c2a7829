import assert from "node:assert/strict";
import { Histogram, Metrics } from "../../src/engine/metrics.ts";
import { createAgent, metric, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

/** Checks the Prometheus text format (0.0.4) line by line; returns the samples by name and labels. */
function parsePrometheus(text: string): Map<string, number> {
  assert.ok(text.endsWith("\n"), "the exposition ends with a newline");
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$/.exec(line);
    if (help) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      assert.ok(!types.has(type[1] ?? ""), `TYPE given twice: ${line}`);
      types.set(type[1] ?? "", type[2] ?? "");
      continue;
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|NaN)$/
        .exec(line);
    assert.ok(sample, `not a valid Prometheus line: ${JSON.stringify(line)}`);
    const name = sample[1] ?? "";
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(family), `sample before its TYPE: ${line}`);
    samples.set(`${name}${sample[2] ?? ""}`, Number(sample[3]));
  }
  return samples;
}

/** Checks one histogram's samples: sorted cumulative buckets ending in +Inf, which equals _count. */
function checkHistogram(samples: Map<string, number>, name: string): void {
  const buckets = [...samples].filter(([key]) => key.startsWith(`${name}_bucket{`));
  assert.ok(buckets.length >= 2, `${name} has buckets`);
  let lastBound = -Infinity;
  let lastCount = 0;
  for (const [key, count] of buckets) {
    const le = /le="([^"]+)"/.exec(key)?.[1] ?? "";
    const bound = le === "+Inf" ? Infinity : Number(le);
    assert.ok(bound > lastBound, `${name} buckets sorted by le`);
    assert.ok(count >= lastCount, `${name} buckets are cumulative`);
    lastBound = bound;
    lastCount = count;
  }
  assert.equal(lastBound, Infinity, `${name} ends with le="+Inf"`);
  assert.equal(samples.get(`${name}_count`), lastCount);
  assert.ok(samples.has(`${name}_sum`));
}

Deno.test("a histogram renders cumulative buckets, +Inf, _sum and _count", () => {
  const h = new Histogram("test_latency_ms", "Test latency.", [10, 1, 100]);
  for (const ms of [0.5, 1, 5, 50, 500, -1, NaN]) h.observe(ms);
  assert.deepEqual(h.render(), [
    "# HELP test_latency_ms Test latency.",
    "# TYPE test_latency_ms histogram",
    'test_latency_ms_bucket{le="1"} 2',
    'test_latency_ms_bucket{le="10"} 3',
    'test_latency_ms_bucket{le="100"} 4',
    'test_latency_ms_bucket{le="+Inf"} 5',
    "test_latency_ms_sum 556.5",
    "test_latency_ms_count 5",
  ]);
  assert.equal(h.count, 5);
});

Deno.test("Metrics renders the latency histograms, process memory and open sockets in valid Prometheus text", () => {
  const metrics = new Metrics();
  metrics.timeToFirstDelta.observe(12);
  metrics.turnDuration.observe(340);
  metrics.storeCommit.observe(0.4);
  metrics.openSockets = 2;
  const samples = parsePrometheus(metrics.render());
  for (
    const name of [
      "vectorshift_time_to_first_delta_ms",
      "vectorshift_turn_duration_ms",
      "vectorshift_store_commit_ms",
    ]
  ) {
    checkHistogram(samples, name);
    assert.equal(samples.get(`${name}_count`), 1);
  }
  assert.equal(samples.get('vectorshift_time_to_first_delta_ms_bucket{le="10"}'), 0);
  assert.equal(samples.get('vectorshift_time_to_first_delta_ms_bucket{le="25"}'), 1);
  assert.equal(samples.get("vectorshift_turn_duration_ms_sum"), 340);
  assert.equal(samples.get("vectorshift_open_sockets"), 2);
  assert.ok((samples.get("vectorshift_process_resident_memory_bytes") ?? 0) > 0);
  assert.ok((samples.get("vectorshift_process_heap_used_bytes") ?? 0) > 0);
});

Deno.test("/metrics serves the histograms and gauges, and counts open sockets", async () => {
  await using engine = await testEngine();
  const { status, body } = await rest<string>(engine, "GET", "/metrics", undefined, null);
  assert.equal(status, 200);
  const samples = parsePrometheus(body);
  for (
    const name of [
      "vectorshift_time_to_first_delta_ms",
      "vectorshift_turn_duration_ms",
      "vectorshift_store_commit_ms",
    ]
  ) {
    checkHistogram(samples, name);
  }
  assert.ok((samples.get("vectorshift_process_resident_memory_bytes") ?? 0) > 0);
  assert.ok((samples.get("vectorshift_process_heap_used_bytes") ?? 0) > 0);
  assert.equal(samples.get("vectorshift_open_sockets"), 0);

  const agent = await createAgent(engine);
  const { client } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  // A socket that has not sent hello is open too.
  const bare = await TestClient.open(engine.url);
  assert.equal(await openSockets(engine, 2), 2);
  await client.close();
  await bare.close();
  assert.equal(await openSockets(engine, 0), 0);
});

/** Polls the open-sockets gauge (bounded) until it reads `expected`; returns the last reading. */
async function openSockets(engine: { url: string; apiKey: string }, expected: number): Promise<number> {
  let open = await metric(engine, "vectorshift_open_sockets");
  for (let i = 0; i < 100 && open !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    open = await metric(engine, "vectorshift_open_sockets");
  }
  return open;
}
