/**
 * Structured files for the offline model simulator: reads CSV tables and JSON documents, describes
 * them in sentences, and answers questions about their values (a row's value, the highest, the total,
 * the average, a JSON key).
 *
 * @module
 */
import { formatNumber } from "../tools/arithmetic.ts";
import { keywords } from "./simulator_text.ts";

/** Rows of a CSV file read, at most (the file itself is already bounded in bytes). */
const MAX_ROWS = 5000;
/** JSON entries flattened for lookups, at most. */
const MAX_ENTRIES = 500;

/** A parsed CSV table. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/** Splits one CSV line, honouring double-quoted cells ("a, b" stays one cell). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** Parses CSV text with a header row; undefined when it is not a table of at least one column. */
export function parseCsv(text: string): Table | undefined {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "").slice(0, MAX_ROWS + 1);
  const [header, ...body] = lines;
  if (header === undefined) return undefined;
  const columns = cells(header);
  if (columns.length < 2) return undefined;
  return { columns, rows: body.map(cells) };
}

function numeric(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const cleaned = value.replace(/[$€£,%\s]/g, "");
  if (cleaned === "" || !/^-?\d+(?:\.\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

function isNumericColumn(table: Table, column: number): boolean {
  return table.rows.length > 0 && table.rows.every((row) => numeric(row[column]) !== undefined);
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Sentences describing a table: its size, columns, and the range and total of each numeric column. */
export function describeTable(name: string, table: Table): string {
  const sentences = [
    `${name} is a table of ${table.rows.length} row${table.rows.length === 1 ? "" : "s"} with the columns ${
      list(table.columns)
    }.`,
  ];
  table.columns.forEach((column, i) => {
    if (!isNumericColumn(table, i) || sentences.length > 4) return;
    const values = table.rows.map((row) => numeric(row[i]) ?? 0);
    const total = values.reduce((sum, v) => sum + v, 0);
    sentences.push(
      `${column} ranges from ${formatNumber(Math.min(...values))} to ${formatNumber(Math.max(...values))}, ` +
        `with a total of ${formatNumber(total)}.`,
    );
  });
  return sentences.join(" ");
}

/** The column a question names (by a word of the column's name), numeric columns first. */
function namedColumn(table: Table, words: readonly string[], numericOnly: boolean): number | undefined {
  const candidates = table.columns.map((column, i) => ({ column: column.toLowerCase(), i }))
    .filter(({ i }) => !numericOnly || isNumericColumn(table, i));
  const found = candidates.find(({ column }) =>
    words.some((word) => column.split(/[^a-z0-9]+/).some((part) => part.length > 2 && word.startsWith(part)))
  );
  return found?.i ?? (numericOnly ? candidates[0]?.i : undefined);
}

/** Answers a question about a table, or undefined when the question names nothing in it. */
export function answerTable(name: string, table: Table, question: string): string | undefined {
  const words = keywords(question);
  const label = table.columns.findIndex((_, i) => !isNumericColumn(table, i));
  const labelOf = (row: readonly string[]) => row[label >= 0 ? label : 0] ?? "";
  if (/\bhow many (?:rows|entries|records|lines)\b/i.test(question)) {
    return `${name} has ${table.rows.length} rows of data.`;
  }
  const aggregate =
    /\b(highest|largest|most|biggest|maximum|max|top|lowest|smallest|least|minimum|min|total|sum|average|mean)\b/i
      .exec(question)?.[1]?.toLowerCase();
  if (aggregate !== undefined) {
    const column = namedColumn(table, words, true);
    if (column === undefined) return undefined;
    const heading = table.columns[column] ?? "";
    const values = table.rows.map((row) => numeric(row[column]) ?? 0);
    if (/total|sum/.test(aggregate)) {
      return `The total ${heading} in ${name} is ${formatNumber(values.reduce((a, b) => a + b, 0))}.`;
    }
    if (/average|mean/.test(aggregate)) {
      const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
      return `The average ${heading} in ${name} is ${formatNumber(Math.round(mean * 100) / 100)}.`;
    }
    const highest = /highest|largest|most|biggest|max|top/.test(aggregate);
    const best = values.reduce(
      (bi, v, i) => (highest ? v > (values[bi] ?? v) : v < (values[bi] ?? v)) ? i : bi,
      0,
    );
    const row = table.rows[best] ?? [];
    return `${labelOf(row)} has the ${highest ? "highest" : "lowest"} ${heading} in ${name}: ${row[column]}.`;
  }
  // A row named in the question ("in March", "for the North region"), and optionally a column.
  const rows = table.rows.filter((row) =>
    row.some((cell, i) => !isNumericColumn(table, i) && cell.length > 1 && words.includes(cell.toLowerCase()))
  );
  if (rows.length === 0 || rows.length > 10) return undefined;
  const column = namedColumn(table, words, false);
  const facts = rows.map((row) => {
    if (column !== undefined && column !== label) {
      return `${table.columns[column]} for ${labelOf(row)} is ${row[column]}`;
    }
    return table.columns.map((heading, i) => `${heading} ${row[i] ?? ""}`).join(", ");
  });
  return `In ${name}, ${facts.join("; ")}.`;
}

/** `path → value` entries of a JSON value, depth first, bounded. */
function flatten(value: unknown, path: string, out: Array<[string, unknown]>): void {
  if (out.length >= MAX_ENTRIES) return;
  if (value !== null && typeof value === "object" && path.split(".").length <= 4) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      flatten(child, path === "" ? key : `${path}.${key}`, out);
    }
    if (path !== "") out.push([path, value]);
    return;
  }
  out.push([path, value]);
}

function shown(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (value !== null && typeof value === "object") {
    return `an object with the keys ${list(Object.keys(value))}`;
  }
  return JSON.stringify(value);
}

/** Parses JSON text; undefined when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Sentences describing a JSON document: its shape and its top-level values. */
export function describeJson(name: string, value: unknown): string {
  if (Array.isArray(value)) {
    return `${name} holds a JSON list of ${value.length} item${value.length === 1 ? "" : "s"}.`;
  }
  if (value === null || typeof value !== "object") return `${name} holds the JSON value ${shown(value)}.`;
  const entries = Object.entries(value);
  const facts = entries.slice(0, 6).map(([key, v]) => `${key} is ${shown(v)}`);
  return `${name} is a JSON object with ${entries.length} key${entries.length === 1 ? "" : "s"}: ${
    facts.join("; ")
  }.`;
}

/** Answers a question naming a key of a JSON document ("what is the version?"). */
export function answerJson(name: string, value: unknown, question: string): string | undefined {
  const words = keywords(question);
  const entries: Array<[string, unknown]> = [];
  flatten(value, "", entries);
  const match = entries.find(([path]) => {
    const last = path.split(".").at(-1)?.toLowerCase() ?? "";
    return last !== "" && words.some((word) => word === last || word.replace(/s$/, "") === last);
  });
  if (match === undefined) return undefined;
  return `In ${name}, ${match[0]} is ${shown(match[1])}.`;
}
