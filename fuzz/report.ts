/**
 * Prints the summary of a run (the figures the issue asks for and every distinct failure with its
 * reproducing case) and writes it as JSON for the README.
 *
 * @module
 */
import { formatMemory, type FuzzSummary } from "./run.ts";

const RESULTS = new URL("./results/latest.json", import.meta.url);

/** The human-readable summary. */
export function formatSummary(s: FuzzSummary): string {
  const c = s.counters;
  const lines = [
    "",
    `== fuzz summary (seed ${s.seed}, ${s.seconds} s) ==`,
    `WebSocket frames sent      ${c.wsFrames} (${
      (c.wsBytes / 2 ** 20).toFixed(1)
    } MiB; ${c.connCases} connection cases, ${c.rawCases} raw-TCP cases)`,
    `REST requests              ${c.restRequests} (statuses ${JSON.stringify(c.restStatuses)})`,
    `engine starts / crashes    ${c.engineStarts} / ${s.engineCrashes}`,
    `HTTP 5xx                   ${s.http5xx}`,
    `undocumented codes         ${s.undocumentedCodes}`,
    `closes without a code      ${s.closesWithoutCode}`,
    `sockets past timeout       ${s.socketsPastTimeout}`,
    `peak engine RSS            ${s.peakEngineRssMiB} MiB (bound ${
      s.options.maxRssBytes / 2 ** 20
    } MiB; after a full GC, bound ${s.options.maxRetainedBytes / 2 ** 20} MiB)`,
    `engine memory at peak      ${s.engineMemory.peak ? formatMemory(s.engineMemory.peak) : "no report"}`,
    `engine memory at the end   ${s.engineMemory.end ? formatMemory(s.engineMemory.end) : "no report"}`,
    `well-behaved client RTT    p50 ${s.observer.p50Ms} ms, p99 ${s.observer.p99Ms} ms, max ${s.observer.maxMs} ms over ${s.observer.pings} pings (bounds p99 ${s.options.p99RttMs} ms, max ${s.options.maxRttMs} ms); ${s.observer.acks}/${s.observer.posts} posts acknowledged`,
    `close codes seen           ${JSON.stringify(c.closeCodes)}`,
    `error codes seen           ${JSON.stringify(c.errorCodes)}`,
    s.sdk.skipped ??
      `SDK phase                  ${s.sdk.cases} cases, ${s.sdk.failures.length} failures (${
        s.sdk.seconds.toFixed(1)
      } s)`,
    `failures by kind           ${JSON.stringify(s.failureCounts)}`,
  ];
  if (s.failures.length > 0) {
    lines.push("", `distinct failures (${s.failures.length}):`);
    for (const f of s.failures) {
      const replay = f.first.index >= 0
        ? `--seed ${f.first.seed} --replay ${f.first.phase}:${f.first.index}  `
        : "";
      lines.push(`- [${f.kind}] ${f.signature} ×${f.count}`, `    first: ${replay}input: ${f.first.input}`);
      if (f.first.detail) lines.push(`    detail: ${f.first.detail}`);
    }
  }
  lines.push("", `verdict: ${s.verdict.toUpperCase()}`);
  return lines.join("\n");
}

/** Writes the summary to `fuzz/results/latest.json`. */
export async function writeResults(s: FuzzSummary): Promise<string> {
  await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(RESULTS, JSON.stringify(s, null, 2) + "\n");
  return RESULTS.pathname;
}
