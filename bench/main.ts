/**
 * `deno task bench [--quick] [--only=<id>[,<id>…]]`: runs the benchmarks of the SDK and the engine,
 * prints a markdown table (targets marked met or MISSED) and writes every figure, with machine facts,
 * to `bench/results/latest.json` (`quick.json` for `--quick`, `partial.json` for `--only`).
 *
 * Ids: throughput, latency, terminate, resume, capacity, bundle, durability, engine, replay, cluster. `--quick` uses small sizes (for
 * checking that the benchmarks work, not for figures). Every step is bounded in count and time; the
 * whole run is cut off after a hard limit.
 *
 * @module
 */
import { measureBundleSize } from "./bundle_size.ts";
import { measureCapacity } from "./capacity.ts";
import { measureCluster } from "./cluster.ts";
import { measureDurability } from "./durability.ts";
import { measureEngineCost } from "./engine_cost.ts";
import { measureLatency } from "./latency.ts";
import { measureReplayGrowth } from "./replay_growth.ts";
import { measureResume } from "./resume.ts";
import { machineFacts, machineLine } from "./support/machine.ts";
import { markdownTable, type MeasurementResult, stableJson, targetList } from "./support/report.ts";
import { round } from "./support/stats.ts";
import { measureTerminate } from "./terminate.ts";
import { measureThroughput } from "./throughput.ts";

type Mode = "full" | "quick";

/** Each measurement at both sizes; the full sizes are the issue's. */
const MEASUREMENTS: Record<string, (mode: Mode) => Promise<MeasurementResult>> = {
  throughput: (mode) =>
    measureThroughput(
      mode === "full" ? { sizes: [10_000, 100_000], rounds: 7 } : { sizes: [5_000], rounds: 3 },
    ),
  latency: (mode) =>
    measureLatency(mode === "full" ? { samples: 2_000, rounds: 3 } : { samples: 300, rounds: 2 }),
  terminate: (mode) => measureTerminate({ repetitions: mode === "full" ? 20 : 5 }),
  resume: (mode) =>
    measureResume(
      mode === "full" ? { sizes: [100, 10_000], repetitions: 5 } : { sizes: [100, 1_000], repetitions: 3 },
    ),
  capacity: (mode) =>
    measureCapacity(
      mode === "full"
        ? {
          sessions: [100, 1_000, 5_000, 10_000],
          windowMs: 10_000,
          settleMs: 2_000,
          tokensPerSecond: 20,
          stores: ["sqlite", "memory"],
          plotFile: new URL("./results/capacity.svg", import.meta.url),
        }
        : {
          sessions: [20, 100],
          windowMs: 3_000,
          settleMs: 1_000,
          tokensPerSecond: 20,
          stores: ["sqlite", "memory"],
          plotFile: new URL("./results/capacity_quick.svg", import.meta.url),
        },
    ),
  bundle: () => measureBundleSize(),
  durability: (mode) =>
    measureDurability(mode === "full" ? { essays: 10, firstDeltas: 50 } : { essays: 2, firstDeltas: 10 }),
  engine: (mode) =>
    measureEngineCost(
      mode === "full" ? { essays: 5, rounds: 5, firstDeltas: 30 } : { essays: 1, rounds: 2, firstDeltas: 5 },
    ),
  replay: (mode) =>
    measureReplayGrowth(
      mode === "full"
        ? { lengths: [10_000, 100_000], repetitions: 3, stores: ["sqlite", "memory"] }
        : { lengths: [1_000, 5_000], repetitions: 2, stores: ["sqlite", "memory"] },
    ),
  cluster: (mode) =>
    measureCluster(
      mode === "full"
        ? { essays: 5, listeners: 10, terminates: 20 }
        : { essays: 1, listeners: 4, terminates: 3 },
    ),
};

/** Past this, remaining measurements are skipped (the full run normally takes about 10 minutes). */
const SOFT_LIMIT_MS = { full: 16 * 60_000, quick: 4 * 60_000 };
/** Past this, the run is stopped outright. */
const HARD_LIMIT_MS = { full: 22 * 60_000, quick: 6 * 60_000 };
const USAGE = `usage: deno task bench [--quick] [--only=${Object.keys(MEASUREMENTS).join(",")}]`;

function parseArgs(argv: string[]): { mode: Mode; only: string[] | undefined } {
  let mode: Mode = "full";
  let only: string[] | undefined;
  for (const arg of argv) {
    if (arg === "--quick") mode = "quick";
    else if (arg.startsWith("--only=")) {
      only = arg.slice("--only=".length).split(",").filter(Boolean);
      const unknown = only.filter((id) => !(id in MEASUREMENTS));
      if (unknown.length > 0) fail(`Unknown benchmark id(s): ${unknown.join(", ")}. ${USAGE}`);
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else fail(`Unknown argument "${arg}". ${USAGE}`);
  }
  return { mode, only };
}

function fail(message: string): never {
  console.error(message);
  Deno.exit(2);
}

function failedResult(id: string, error: unknown): MeasurementResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    title: id,
    rows: [{ figure: "failed", value: message, target: { text: "runs", met: false } }],
    figures: { error: message },
    notes: [],
  };
}

async function writeAtomically(path: URL, text: string): Promise<void> {
  await Deno.mkdir(new URL(".", path), { recursive: true });
  const temporary = new URL(`${path.pathname}.tmp`, path);
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

if (import.meta.main) {
  const { mode, only } = parseArgs(Deno.args);
  const watchdog = setTimeout(() => {
    console.error(
      `The benchmark run exceeded its hard limit of ${HARD_LIMIT_MS[mode] / 60_000} min and was stopped.`,
    );
    Deno.exit(1);
  }, HARD_LIMIT_MS[mode]);
  Deno.unrefTimer(watchdog);
  const started = performance.now();
  const machine = await machineFacts();
  const results: MeasurementResult[] = [];
  for (const [id, measure] of Object.entries(MEASUREMENTS)) {
    if (only && !only.includes(id)) continue;
    const t0 = performance.now();
    if (t0 - started > SOFT_LIMIT_MS[mode]) {
      results.push(
        failedResult(id, new Error(`skipped: the run passed its ${SOFT_LIMIT_MS[mode] / 60_000} min budget`)),
      );
      continue;
    }
    console.error(`bench: ${id} (${mode})…`);
    results.push(await measure(mode).catch((error) => failedResult(id, error)));
    console.error(`bench: ${id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const table = markdownTable(results);
  const notes = results.flatMap((r) => r.notes);
  const seconds = (performance.now() - started) / 1000;
  const header = `Benchmarks (${mode}${only ? `, only ${only.join(",")}` : ""}) on ${machineLine(machine)}; ${
    seconds.toFixed(0)
  } s.`;
  console.log([header, "", table, "", ...notes.map((n) => `- ${n}`)].join("\n"));
  const file = mode === "quick" ? "quick.json" : only ? "partial.json" : "latest.json";
  const out = new URL(`./results/${file}`, import.meta.url);
  await writeAtomically(
    out,
    stableJson({
      about:
        "Benchmarks of @vectorshift/sdk and its engine; see bench/README.md. Regenerate with `deno task bench`.",
      generated_at: new Date().toISOString(),
      mode,
      only: only ?? null,
      duration_seconds: round(seconds, 1),
      machine: { ...machine, load_average_at_end: Deno.loadavg() },
      results: Object.fromEntries(
        results.map((r) => [r.id, { title: r.title, rows: r.rows, figures: r.figures, notes: r.notes }]),
      ),
      targets: targetList(results),
      table_markdown: table,
    }),
  );
  console.error(`bench: wrote ${out.pathname}`);
  const failed = results.some((r) => "error" in r.figures);
  Deno.exit(failed ? 1 : 0);
}
