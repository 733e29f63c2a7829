/**
 * The prompt format of functional runs, shared by the run endpoint (which writes it and reads the
 * answer) and the offline model simulator (which reads it the way a model would):
 *
 * - the instructions get `{{inputs.<name>}}` placeholders filled in, then the run's additional
 *   instructions, then, for an agent with several outputs, {@link JSON_REQUEST} and one
 *   `- "key": description` line per output;
 * - the inputs travel as one user message: {@link INPUTS_HEADING} and the inputs as a JSON object;
 * - one output receives the whole answer; several are read from the JSON object in the answer.
 *
 * @module
 */
import type { components } from "../generated/rest.ts";

/** The first line of the user message that carries a functional run's inputs. */
export const INPUTS_HEADING = "Inputs:";

/** The instruction line that asks for a JSON answer; one `- "key": ...` line per key follows. */
export const JSON_REQUEST = "Answer with only a JSON object, no other text, with exactly these keys:";

/** The output an agent without declared outputs gets. */
export const DEFAULT_OUTPUT = "output";

type IoConfig = components["schemas"]["IoConfig"];

/** `{{inputs.name}}`, with optional spaces inside the braces. */
const PLACEHOLDER = /\{\{\s*inputs\.([^\s{}]+)\s*\}\}/g;

/** How an input value reads in text: strings as they are, everything else as JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The input names `{{inputs.<name>}}` placeholders in `text` refer to, in order, without repeats. */
export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))];
}

/** Replaces every placeholder whose input is given; others stay as written. */
export function fillPlaceholders(text: string, inputs: Record<string, unknown>): string {
  return text.replace(
    PLACEHOLDER,
    (whole, name: string) => Object.hasOwn(inputs, name) ? asText(inputs[name]) : whole,
  );
}

/** The names of the outputs a run fills: the declared ones, else {@link DEFAULT_OUTPUT}. */
export function outputNames(outputs: Record<string, IoConfig> | undefined): string[] {
  const names = Object.keys(outputs ?? {});
  return names.length > 0 ? names : [DEFAULT_OUTPUT];
}

/** The run's system instructions: filled placeholders, additional instructions, the JSON request. */
export function runInstructions(
  instructions: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, IoConfig> | undefined,
  additional?: string,
): string {
  const parts = [fillPlaceholders(instructions, inputs).trim()];
  if (additional !== undefined && additional.trim() !== "") {
    parts.push(fillPlaceholders(additional, inputs).trim());
  }
  const names = outputNames(outputs);
  if (names.length > 1) {
    const lines = names.map((name) => {
      const io = outputs?.[name];
      const about = [io?.description?.trim(), io?.io_type ? `(${io.io_type})` : undefined].filter(Boolean);
      return `- ${JSON.stringify(name)}${about.length > 0 ? `: ${about.join(" ")}` : ""}`;
    });
    parts.push([JSON_REQUEST, ...lines].join("\n"));
  }
  return parts.filter((part) => part !== "").join("\n\n");
}

/** The user message that carries the inputs. */
export function inputsMessage(inputs: Record<string, unknown>): string {
  return `${INPUTS_HEADING}\n${JSON.stringify(inputs, null, 2)}`;
}

/** The outputs read from an answer, or why they could not be. */
export type OutputsRead = { ok: true; outputs: Record<string, unknown> } | { ok: false; error: string };

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * Maps the model's final answer onto the outputs: one output gets the whole (trimmed) text; several
 * are the keys of the JSON object in the answer (code fences and text around the object are ignored,
 * keys beyond the outputs are dropped).
 */
export function readOutputs(text: string, names: readonly string[]): OutputsRead {
  if (names.length === 1) return { ok: true, outputs: { [names[0] ?? DEFAULT_OUTPUT]: text.trim() } };
  const wanted = names.map((n) => JSON.stringify(n)).join(", ");
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  let value: unknown;
  try {
    if (start < 0 || end < start) throw new Error("the answer holds no JSON object");
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `The model's answer is not the JSON object with keys ${wanted} that the agent's outputs need ` +
        `(${why}). Make the instructions ask for exactly that object, or declare a single output. ` +
        `The answer began: "${preview(text)}"`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: `The model answered JSON that is not an object; the outputs need keys ${wanted}.`,
    };
  }
  const record = value as Record<string, unknown>;
  const missing = names.filter((name) => !Object.hasOwn(record, name));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `The model's JSON answer lacks output ${missing.map((n) => JSON.stringify(n)).join(", ")} ` +
        `(it has ${Object.keys(record).map((n) => JSON.stringify(n)).join(", ") || "no keys"}); ` +
        `make the instructions ask for every declared output.`,
    };
  }
  return { ok: true, outputs: Object.fromEntries(names.map((name) => [name, record[name]])) };
}
