/**
 * `deno task fuzz`: the engine fuzz suite (issue 9). Parses the flags, runs the fuzz, prints the
 * summary, and exits 1 on any failure. See `--help` and `fuzz/README.md`.
 *
 * @module
 */
import { HELP, parseArgs } from "./options.ts";
import { formatSummary, writeResults } from "./report.ts";
import { runFuzz } from "./run.ts";

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(2);
  }
  if (parsed === "help") {
    console.log(HELP);
    Deno.exit(0);
  }
  const summary = await runFuzz(parsed, (line) => console.log(line));
  console.log(formatSummary(summary));
  if (parsed.writeResults) console.log(`summary written to ${await writeResults(summary)}`);
  Deno.exit(summary.verdict === "pass" ? 0 : 1);
}
