/**
 * What every measurement returns, and how the run is reported: a markdown table (targets marked met or
 * MISSED) and JSON with a stable key order, so a re-run diffs cleanly.
 *
 * @module
 */

/** A goal a figure is held against (reported, never asserted). */
export interface Target {
  /** The goal as people read it, such as `≥ 0.8× raw`. */
  text: string;
  /** Whether the measured figure meets it. */
  met: boolean;
}

/** One line of the table. */
export interface Row {
  /** The figure's name, such as `listen() throughput`. */
  figure: string;
  /** The measured value, formatted. */
  value: string;
  /** The goal, when the issue sets one. */
  target?: Target;
}

/** The outcome of one measurement. */
export interface MeasurementResult {
  /** Short id, as in `--only=<id>`. */
  id: string;
  /** Heading in the table. */
  title: string;
  /** Table lines. */
  rows: Row[];
  /** Every figure, for the JSON file. */
  figures: Record<string, unknown>;
  /** Caveats a reader needs (method, what the client was, what could not be done). */
  notes: string[];
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Formats milliseconds with a precision that suits their size. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return `${fmt(value, value < 1 ? 3 : value < 10 ? 2 : 1)} ms`;
}

/** Formats a byte count as bytes and KB. */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return `${fmt(value)} B (${fmt(value / 1024, 1)} KB)`;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Renders the results as one markdown table. */
export function markdownTable(results: readonly MeasurementResult[]): string {
  const lines = [
    "| Measurement | Figure | Result | Target | Verdict |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const result of results) {
    for (const row of result.rows) {
      const verdict = row.target ? (row.target.met ? "met" : "**MISSED**") : "";
      lines.push(
        `| ${cell(result.title)} | ${cell(row.figure)} | ${cell(row.value)} | ${
          cell(row.target?.text ?? "")
        } | ${verdict} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Every target of the run, flattened for the JSON file. */
export function targetList(results: readonly MeasurementResult[]): Record<string, unknown>[] {
  return results.flatMap((result) =>
    result.rows.filter((row) => row.target).map((row) => ({
      measurement: result.id,
      figure: row.figure,
      value: row.value,
      target: row.target?.text,
      met: row.target?.met,
    }))
  );
}

/** Recursively sorts object keys, so the JSON output is stable from run to run. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") {
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = sortKeys(inner);
  }
  return sorted;
}

/** JSON with sorted keys and two-space indentation, ending in a newline. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + "\n";
}
