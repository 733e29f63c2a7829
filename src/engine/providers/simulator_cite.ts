/**
 * How the offline model simulator answers from `knowledge_search` hits: it picks the sentences of the
 * best hit that answer the question (a date for "when", a number for "how long", ...), states the
 * answer, and cites the document it came from.
 *
 * @module
 */
import { searchTerms } from "../tools/knowledge_index.ts";

/** One hit as the `knowledge_search` tool reports it ("1. Title — snippet"). */
interface Hit {
  title: string;
  snippet: string;
}

const HIT_LINE = /^\d+\.\s+(.+?)\s+—\s+(.+)$/;
const DATE =
  /\b(?:\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{3,4}|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},?\s+\d{3,4}|(?:January|February|March|April|May|June|July|August|September|October|November|December|in)\s+\d{4}|\d{4}-\d{2}-\d{2})\b/;
const NUMBER = /\d/;

/** The hits in a `knowledge_search` result text, best first (at most 20). */
export function parseHits(result: string): Hit[] {
  const hits: Hit[] = [];
  for (const line of result.split("\n").slice(1, 21)) {
    const match = HIT_LINE.exec(line.trim());
    if (match) hits.push({ title: match[1] ?? "", snippet: match[2] ?? "" });
  }
  return hits;
}

/** What kind of answer the question wants. */
function wants(question: string): "date" | "number" | "any" {
  if (/\bwhen\b|\bwhat (?:year|date|day)\b/i.test(question)) return "date";
  if (/\bhow (?:long|many|much|soon|often|far|old)\b|\bwithin\b/i.test(question)) return "number";
  return "any";
}

/**
 * Scores a sentence for the question: query terms count, but those in the document's title count
 * little (every sentence of "Apollo 11 mission summary" is about Apollo 11; the question's other terms,
 * such as "land", pick the sentence), and a sentence holding the wanted kind of value counts more.
 */
function score(
  sentence: string,
  terms: readonly string[],
  titleTerms: ReadonlySet<string>,
  kind: string,
): number {
  const own = new Set(searchTerms(sentence));
  let total = 0;
  for (const term of terms) if (own.has(term)) total += titleTerms.has(term) ? 0.5 : 2;
  if (kind === "date" && DATE.test(sentence)) total += 1.5;
  if (kind === "number" && NUMBER.test(sentence)) total += 1.5;
  return total;
}

/**
 * The answer to `question` from a `knowledge_search` result, citing its source; undefined when the
 * result holds no hit in the tool's format.
 */
export function answerFromHits(question: string, result: string): string | undefined {
  const hits = parseHits(result);
  const best = hits[0];
  if (best === undefined) return undefined;
  const terms = [...new Set(searchTerms(question))];
  const titleTerms = new Set(searchTerms(best.title));
  const kind = wants(question);
  const sentences = best.snippet.replace(/…/g, "").split(/(?<=[.!?])\s+/).map((s) => s.trim())
    .filter((s) => s !== "");
  const ranked = sentences.map((sentence, index) => ({
    sentence,
    index,
    points: score(sentence, terms, titleTerms, kind),
  }))
    .sort((a, b) => b.points - a.points || a.index - b.index);
  const top = ranked[0];
  if (top === undefined) return undefined;
  // A close second sentence often completes the answer ("within 30 days" + "paid within 5 days").
  const chosen = ranked.filter((r, i) => i === 0 || (i === 1 && r.points > 0 && r.points >= top.points - 0.5))
    .sort((a, b) => a.index - b.index).map((r) => r.sentence);
  const quote = chosen.join(" ");
  const date = kind === "date" ? DATE.exec(top.sentence)?.[0]?.replace(/^in\s+/, "") : undefined;
  const others = hits.length - 1;
  const also = others > 0
    ? ` I also found ${others} other document${others === 1 ? "" : "s"} (${
      hits.slice(1, 4).map((h) => h.title).join(", ")
    }).`
    : "";
  const lead = date === undefined
    ? `According to "${best.title}": ${quote}`
    : `The answer is ${date}. According to "${best.title}": ${quote}`;
  return `${lead}\n\nSource: ${best.title}.${also}`;
}
