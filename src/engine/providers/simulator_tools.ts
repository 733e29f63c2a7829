/**
 * When the offline model simulator calls a tool, with which arguments, and how it words an answer
 * from tool results (including denied, failed and cancelled calls).
 *
 * @module
 */
import type { ModelTool, ModelToolCall } from "../model.ts";
import type { SimToolOutcome } from "./simulator_turn.ts";
import { hashString, stripEnd } from "./simulator_text.ts";
import { answerFromHits } from "./simulator_cite.ts";
import { numbersToDigits, readWordProblem } from "./simulator_word_math.ts";

const FUNCTIONS = "sqrt|abs|round|floor|ceil|ln|log|exp|sin|cos|tan|min|max|pow";
const EXPRESSION = new RegExp(
  String.raw`(?:(?:${FUNCTIONS})\s*\(|[-(\d.])(?:[\d.\s()+\-*/%^,]|${FUNCTIONS})*`,
  "gi",
);
/** A question about the current time or date ("what time is it in Tokyo?", "what's today's date?"). */
const TIME =
  /\b(?:what(?:'s| is)? the (?:time|date)|what time is it|time is it|current (?:time|date)|time (?:now|right now)|local time|today's date|the date today|what(?:'s| is) (?:the )?date|what day is (?:it|today)|which day is (?:it|today)|what day of the week|clock)\b/i;
const SEARCH = /\b(?:search|look(?:ing)? up|lookup|find|knowledge|docs|documentation)\b/i;
/** Questions a knowledge base may answer, asked without saying "search". */
const FACT_QUESTION =
  /^(?:when|who|what|which|where|how (?:long|many|much|do|does|can)|is there|are there|do you have|does the)\b/i;
const CITY_ZONES: Readonly<Record<string, string>> = {
  tokyo: "Asia/Tokyo",
  london: "Europe/London",
  paris: "Europe/Paris",
  berlin: "Europe/Berlin",
  "new york": "America/New_York",
  "los angeles": "America/Los_Angeles",
  "san francisco": "America/Los_Angeles",
  chicago: "America/Chicago",
  sydney: "Australia/Sydney",
  singapore: "Asia/Singapore",
  mumbai: "Asia/Kolkata",
  utc: "UTC",
  gmt: "UTC",
};
/** Words in tool names too generic to show that a request is about the tool. */
const GENERIC = new Set(
  "get set send create make run call use list read write update delete tool tools api query data fetch post new add the and for with"
    .split(" "),
);

/** Rewrites number words ("23 times 19") into operators so they can be evaluated. */
function normalizeArithmetic(text: string): string {
  return text
    .replace(/(\d+(?:\.\d+)?)\s*%\s*of\s*(\d+(?:\.\d+)?)/gi, "$1 / 100 * $2")
    .replace(/\bsquare root of\s*(\d+(?:\.\d+)?)/gi, "sqrt($1)")
    .replace(/(\d)\s*[x×]\s*(?=\d)/gi, "$1 * ")
    .replace(/\bmultiplied by\b|\btimes\b/gi, "*")
    .replace(/\bdivided by\b|÷/gi, "/")
    .replace(/\bplus\b/gi, "+")
    .replace(/\bminus\b/gi, "-")
    .replace(/\bto the power of\b/gi, "^")
    .replace(/\bmod(?:ulo)?\b/gi, "%");
}

/** The arithmetic expression in a text, if there is one ("What is 23 * 19?" → "23 * 19"). */
export function findExpression(text: string): string | undefined {
  const problem = readWordProblem(text);
  if (problem !== undefined) return problem.expression;
  const normalized = normalizeArithmetic(numbersToDigits(text));
  const wantsMath = /\b(?:calculate|compute|evaluate|what is|what's|how much is)\b/i.test(text);
  let best: string | undefined;
  for (const match of normalized.matchAll(EXPRESSION)) {
    const candidate = match[0].trim().replace(/[\s.,]+$/, "").replace(/^[\s,]+/, "");
    const hasOperation = /[\d)]\s*[-+*/%^]\s*[-(\d.]|[\d)]\s*[-+*/%^]\s*(?:[a-z]+\()/i.test(candidate);
    const hasFunction = new RegExp(String.raw`^(?:${FUNCTIONS})\s*\(`, "i").test(candidate) && wantsMath;
    if ((hasOperation || hasFunction) && candidate.length > (best?.length ?? 0)) best = candidate;
  }
  return best;
}

function findTimezone(text: string): string | undefined {
  const iana = text.match(/\b([A-Z][a-z]+(?:_[A-Z][a-z]+)*\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/);
  if (iana?.[1]) return iana[1];
  const lower = text.toLowerCase();
  for (const [city, zone] of Object.entries(CITY_ZONES)) {
    if (new RegExp(String.raw`\b${city}\b`).test(lower)) return zone;
  }
  return undefined;
}

/**
 * The search query in a request: what follows "search ... for" or a "search the archive:" prefix,
 * else the whole question; never the instruction words themselves.
 */
export function searchQuery(text: string): string {
  const prefixed = text.match(/\b(?:search|look(?:\s+it)?\s+up|check|consult)\b[^:?]{0,40}:\s*(.+)/i);
  if (prefixed?.[1] !== undefined && stripEnd(prefixed[1]) !== "") return stripEnd(prefixed[1]);
  const lead = text.match(
    /\b(?:search|look(?:ing)? up|lookup|find|query)\b(?:\s+(?:in\s+)?(?:the|our|my))?(?:\s+(?:knowledge(?:\s+base)?|docs|documentation|documents))?(?:\s+(?:for|about|on|regarding))?\s+(.+)/i,
  );
  const about = text.match(/\b(?:about|for|on|regarding)\s+(.+)/i);
  const raw = lead?.[1] ?? about?.[1] ?? text;
  const cleaned = stripEnd(
    raw.replace(/\s+in\s+(?:the|our)\s+(?:knowledge(?:\s+base)?|docs|documentation)\b.*$/i, ""),
  );
  return cleaned === "" ? stripEnd(text) : cleaned;
}

function words(name: string): string[] {
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !GENERIC.has(word));
}

function genericArguments(tool: ModelTool, text: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const number = text.match(/-?\d+(?:\.\d+)?/)?.[0];
  for (const [key, schema] of Object.entries(tool.parameters.properties)) {
    if (schema.type === "string") args[key] = stripEnd(text);
    else if ((schema.type === "number" || schema.type === "integer") && number !== undefined) {
      args[key] = Number(number);
    }
  }
  return args;
}

/** The calls one user text asks for: at most one per tool, in the order of `tools`. */
function callsForText(text: string, tools: readonly ModelTool[]): Array<Omit<ModelToolCall, "callId">> {
  const calls: Array<Omit<ModelToolCall, "callId">> = [];
  const lower = text.toLowerCase();
  for (const tool of tools) {
    if (tool.toolType === "calculator") {
      const expression = findExpression(text);
      if (expression !== undefined) calls.push({ name: tool.name, arguments: { expression } });
    } else if (tool.toolType === "current_time") {
      if (!TIME.test(text)) continue;
      const timezone = findTimezone(text);
      calls.push({ name: tool.name, arguments: timezone === undefined ? {} : { timezone } });
    } else if (tool.toolType === "knowledge_search") {
      // Asked to search, or a factual question the documents may answer (and no other tool took it).
      const factual = FACT_QUESTION.test(text.trim()) && calls.length === 0 && !TIME.test(text);
      if (SEARCH.test(text) || factual) {
        calls.push({ name: tool.name, arguments: { query: searchQuery(text) } });
      }
    } else {
      const named = lower.includes(tool.name.toLowerCase()) ||
        lower.includes(tool.toolType.toLowerCase().replace(/_/g, " "));
      const hit = named ||
        [...words(tool.name), ...words(tool.toolType)].some((word) =>
          new RegExp(String.raw`\b${word}`).test(lower)
        );
      if (hit) calls.push({ name: tool.name, arguments: genericArguments(tool, text) });
    }
  }
  return calls;
}

/**
 * Plans the tool calls for each post (deterministic call ids, so the answer round can tell which post
 * a result belongs to). A post that needs no tool gets an empty list.
 */
export function planToolCalls(texts: readonly string[], tools: readonly ModelTool[]): ModelToolCall[][] {
  let n = 0;
  return texts.map((text, index) =>
    callsForText(text, tools).map((call) => {
      n++;
      const id = hashString(`${index}:${text}:${call.name}`).toString(16).padStart(8, "0");
      return { callId: `call_sim_${id}_${n}`, ...call };
    })
  );
}

/** One sentence (or short paragraph) about one tool outcome, for the post `question` that asked for it. */
export function describeOutcome(
  { call, result }: SimToolOutcome,
  toolType: string | undefined,
  question = "",
): string {
  const name = result.name;
  const text = result.result.trim();
  switch (result.status) {
    case "denied":
      return `The ${name} tool was not approved, so I did not run it. ` +
        (text === "" ? "No reason was given." : `Reason given: "${stripEnd(text)}".`);
    case "error":
      return `The ${name} tool failed: ${text === "" ? "it gave no error message" : stripEnd(text)}.`;
    case "cancelled":
      return `The ${name} tool call was cancelled before it finished.`;
    case "success":
      break;
  }
  // What ran: an approval may have overridden what the call asked for.
  const args = result.arguments ?? call?.arguments ?? {};
  if (toolType === "calculator" && typeof args["expression"] === "string") {
    return describeCalculation(args["expression"], stripEnd(text), question, result.arguments !== undefined);
  }
  if (toolType === "current_time") return `The current time is ${stripEnd(text)}.`;
  if (toolType === "knowledge_search") {
    const query = typeof args["query"] === "string" ? ` for "${args["query"]}"` : "";
    if (/^no documents matched/i.test(text)) {
      return `I searched the knowledge base${query}, but no documents matched.`;
    }
    return answerFromHits(question === "" ? String(args["query"] ?? "") : question, text) ??
      `Here is what I found in the knowledge base${query}:\n${text}`;
  }
  return `The ${name} tool returned: ${text}`;
}

/** "3 + 5 = 8, so you have 8 apples." for a word problem; "23 * 19 = 437." otherwise. */
export function describeCalculation(
  expression: string,
  value: string,
  question: string,
  overridden: boolean,
): string {
  const sum = `${expression} = ${value}.`;
  if (overridden) return `The calculation you approved, ${expression}, gives ${value}.`;
  const problem = readWordProblem(question);
  if (problem === undefined || problem.expression !== expression || problem.unit === undefined) return sum;
  const subject = problem.owner === "you" ? "you have" : "that makes";
  return `${expression} = ${value}, so ${subject} ${value} ${problem.unit}.`;
}
