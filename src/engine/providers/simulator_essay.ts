/**
 * Long essays for the offline model simulator: when to write one, on what topic, and the text
 * (at least ~1,500 words, several paragraphs, always starting with "The").
 *
 * @module
 */
import { COMPUTING_PARAGRAPHS } from "./simulator_essay_computing.ts";
import { GENERIC_PARAGRAPHS } from "./simulator_essay_generic.ts";
import { toSecondPerson } from "./simulator_person.ts";
import { stripEnd } from "./simulator_text.ts";

const ESSAY_REQUEST =
  /\b(?:essay|essays|long answer|long-form|long form|at length|very long|lengthy|in great detail|write (?:me )?a long)\b/i;
const COMPUTING =
  /\b(?:comput\w*|software|programming|internet|digital|semiconductor|microprocessor|the web)\b/i;

/** Whether a text asks for an essay or a long answer. */
export function wantsEssay(text: string): boolean {
  return ESSAY_REQUEST.test(text);
}

/** The essay topic named in the first of `texts` that names one ("an essay about X" → "X"). */
export function essayTopic(texts: readonly string[]): string {
  const patterns = [
    /\bessays?\s+(?:about|on|regarding|covering|discussing)\s+([^.!?\n]+)/i,
    /\b(?:about|on|regarding|covering|discussing)\s+([^.!?\n]+)/i,
  ];
  for (const pattern of patterns) {
    for (const text of texts) {
      const topic = text.match(pattern)?.[1];
      if (topic !== undefined) {
        const cleaned = stripEnd(topic.replace(/\s*,?\s*please$/i, "").replace(/^(?:the topic of)\s+/i, ""));
        // "an essay about my childhood" is about "your childhood" when the simulator writes it.
        if (cleaned !== "") return toSecondPerson(cleaned);
      }
    }
  }
  return "the topic you asked about";
}

/**
 * Writes the essay: the built-in history for computing topics, the generic paragraphs filled with the
 * topic for anything else. Both are over 1,500 words and start with "The".
 */
export function composeEssay(topic: string): string {
  // Essays are ~10 KB each and deterministic: thousands of concurrent sessions share one copy instead
  // of holding one each for the whole (minutes long) stream.
  if (COMPUTING.test(topic)) return computingEssay ??= COMPUTING_PARAGRAPHS.join("\n\n");
  let essay = genericEssays.get(topic);
  if (essay === undefined) {
    essay = GENERIC_PARAGRAPHS.map((template) => template.replaceAll("{topic}", topic)).join("\n\n");
    if (genericEssays.size >= MAX_CACHED_ESSAYS) genericEssays.clear();
    genericEssays.set(topic, essay);
  }
  return essay;
}

/** Bound on cached generic essays (topics are user text, so the cache must not grow without limit). */
const MAX_CACHED_ESSAYS = 32;
let computingEssay: string | undefined;
const genericEssays = new Map<string, string>();
