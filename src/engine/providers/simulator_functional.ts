/**
 * Functional runs for the offline model simulator, in the prompt format of `functional_prompt.ts`:
 * it writes the piece the instructions ask for (a brief, a summary, ...) about the run's topic, and
 * answers with the requested JSON object when the instructions ask for one.
 *
 * @module
 */
import { INPUTS_HEADING, JSON_REQUEST } from "../functional_prompt.ts";
import { answerGeneral } from "./simulator_general.ts";
import { clip, keywords, stripEnd } from "./simulator_text.ts";

const PIECE =
  /\b(brief|summary|overview|report|description|explanation|outline|abstract|paragraph|analysis)\b(?:\s+(?:about|on|of|for|covering|regarding)\s+([^.!?\n]+))?/gi;

/** What the instructions ask to write, and about what: the first "<piece> about X", else the last piece named. */
function pieceOf(instructions: string): { kind: string; topic?: string } {
  const task = instructions.split(JSON_REQUEST)[0] ?? "";
  const matches = [...task.matchAll(PIECE)];
  const named = matches.find((m) => m[2] !== undefined && stripEnd(m[2]) !== "");
  const chosen = named ?? matches.at(-1);
  const verb = /\bsummari[sz]e\b/i.test(task)
    ? "summary"
    : /\bexplain\b/i.test(task)
    ? "explanation"
    : "brief";
  const kind = (chosen?.[1] ?? verb).toLowerCase();
  return named?.[2] === undefined ? { kind } : { kind, topic: clip(stripEnd(named[2]), 120) };
}

/** The inputs of a functional run, when `text` is the engine's inputs message. */
export function functionalInputs(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith(INPUTS_HEADING)) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(INPUTS_HEADING.length));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** The keys of the JSON object the instructions ask for, if they ask for one. */
export function requestedJsonKeys(instructions: string): string[] | undefined {
  const at = instructions.indexOf(JSON_REQUEST);
  if (at < 0) return undefined;
  const keys: string[] = [];
  for (const line of instructions.slice(at + JSON_REQUEST.length).split("\n").slice(1)) {
    const key = /^- "((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    if (key === undefined) break;
    keys.push(JSON.parse(`"${key}"`));
  }
  return keys.length > 0 ? keys : undefined;
}

/** What the piece is about: the instructions' "brief about X", else the first text input. */
function topicOf(instructions: string, inputs: Record<string, unknown>): string {
  const named = pieceOf(instructions).topic;
  if (named !== undefined) return named;
  const text = Object.values(inputs).find((v): v is string => typeof v === "string" && v.trim() !== "");
  return text === undefined ? "the given inputs" : clip(stripEnd(text), 120);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The one-paragraph piece a functional run's instructions ask for, about its topic. The simulator has
 * no sources, so instead of filler it says so in one sentence and gives what it can: the facts its
 * table holds on the topic, the outline a full piece would follow, and the inputs it was given.
 * Deterministic: the same instructions and inputs give the same text.
 */
export function composePiece(instructions: string, inputs: Record<string, unknown>): string {
  const { kind } = pieceOf(instructions);
  const topic = topicOf(instructions, inputs);
  const others = Object.entries(inputs)
    .filter(([, value]) => !(typeof value === "string" && topic.startsWith(clip(stripEnd(value), 120))))
    .map(([name, value]) =>
      `${name} = ${typeof value === "string" ? clip(value, 80) : JSON.stringify(value)}`
    );
  const known = answerGeneral(topic, []);
  return [
    `${
      capitalize(kind)
    } on ${topic}, from the offline model simulator: it has no research sources, so this ` +
    `${kind} outlines the questions a full one would answer rather than stating findings.`,
    ...(known === undefined ? [] : [known]),
    `A full ${kind} on ${topic} would say what it is and how it works, how widely it is used today, ` +
    "what it costs and what it brings, and which questions are still open.",
    "Connect a real model provider (set llm_info.api_key) to have it written from actual knowledge.",
    ...(others.length > 0 ? [`Inputs taken into account: ${others.join("; ")}.`] : []),
  ].join(" ");
}

/** A value for one requested JSON key, drawn from the answer text: a title, keywords, a line, or all of it. */
function valueFor(key: string, text: string, topic: string): string {
  if (/title|headline|heading|name/i.test(key)) return capitalize(topic);
  if (/keyword|tag/i.test(key)) {
    return [...new Set([...keywords(topic), ...keywords(text)])].slice(0, 5).join(", ");
  }
  if (/tl;?dr|short|sentence|one_?line|headline/i.test(key)) return text.split(/(?<=[.!?])\s/)[0] ?? text;
  return text;
}

/**
 * The answer in the shape the instructions ask for: `text` itself, or, when they ask for a JSON
 * object, one with every requested key.
 */
export function shapeAnswer(instructions: string, inputs: Record<string, unknown>, text: string): string {
  const keys = requestedJsonKeys(instructions);
  if (keys === undefined) return text;
  const topic = topicOf(instructions, inputs);
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key, valueFor(key, text, topic)])), null, 2);
}
