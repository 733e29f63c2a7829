/**
 * Grammar for the offline model simulator when it repeats the user's words back: first person becomes
 * second ("I pack" → "you pack", "my trip" → "your trip"), and a question becomes an indirect one
 * ("What should I pack?" → "what you should pack"), so a reply never reads "about I pack".
 *
 * @module
 */
import { stripEnd } from "./simulator_text.ts";

/** First-person words and their second-person forms (case kept for the first letter). */
const SWAP: Readonly<Record<string, string>> = {
  i: "you",
  "i'm": "you're",
  "i've": "you've",
  "i'd": "you'd",
  "i'll": "you'll",
  me: "you",
  my: "your",
  mine: "yours",
  myself: "yourself",
  am: "are",
  was: "were",
};

/**
 * Rewrites first-person words in the second person. "am" and "was" change only right after "I"
 * ("I am" → "you are", but "it was" stays); "you" in the text is left alone.
 */
export function toSecondPerson(text: string): string {
  let previous = "";
  return text.replace(/[A-Za-z']+/g, (word) => {
    const lower = word.toLowerCase();
    const afterI = previous === "i";
    previous = lower;
    if ((lower === "am" || lower === "was") && !afterI) return word;
    const swapped = SWAP[lower];
    if (swapped === undefined) return word;
    // "I" is capitalised anywhere, so only other words ("My" → "Your") keep a capital.
    return /^[A-Z]/.test(word) && !lower.startsWith("i")
      ? swapped.charAt(0).toUpperCase() + swapped.slice(1)
      : swapped;
  });
}

/** Words that open a question and stay in front in the indirect form. */
const WH = String
  .raw`(?:what|which|who|whom|whose|where|when|why|how)(?:\s+(?:much|many|long|often|far|old|big|[a-z]+))?`;
const AUX = String.raw`(?:should|shall|can|could|would|will|must|might|may|is|are|was|were|am)`;
const SUBJECT = String.raw`(?:(?:the|a|an|my|your|our|their|this|that)\s+[a-z]+|[a-z]+)`;
const WH_AUX = new RegExp(String.raw`^(${WH})\s+(${AUX})\s+(${SUBJECT})\b\s*(.*)$`, "i");
const WH_DO = new RegExp(String.raw`^(${WH})\s+(do|does)\s+(${SUBJECT})\s+(.*)$`, "i");
const YES_NO = new RegExp(String.raw`^(${AUX}|do|does|did)\s+(${SUBJECT})\s+(.*)$`, "i");

/** Drops openers that carry no content ("And", "So", "Please", "Can you tell me"). */
function withoutOpeners(text: string): string {
  return stripEnd(text)
    .replace(/\b(what|who|where|how|when)'s\b/gi, "$1 is")
    .replace(/^(?:and|so|also|ok(?:ay)?|well|then|but)[,\s]+/i, "")
    .replace(/^(?:please\s+)?(?:can|could|would) you (?:please\s+)?(?:tell me|say|explain)\s+/i, "")
    .replace(/^(?:please\s+)?(?:tell me|explain)\s+/i, "")
    .replace(/,?\s*please$/i, "");
}

/**
 * The indirect form of a question, in the second person: "What should I pack for October?" →
 * "what you should pack for October", "Do I need a visa?" → "whether you need a visa". Falls back to
 * "that" phrasing nobody can misread: the question quoted.
 */
export function indirectQuestion(question: string): string {
  const text = withoutOpeners(question);
  const whAux = WH_AUX.exec(text);
  if (whAux) {
    const [, wh = "", aux = "", subject = "", rest = ""] = whAux;
    // "What is the capital of France" → "what the capital of France is"; "who is it" → "who it is".
    const clause = [toSecondPerson(subject), toSecondPerson(aux.toLowerCase()), toSecondPerson(rest)]
      .filter((part) => part !== "");
    if (
      /^(?:is|are|was|were|am)$/i.test(aux) && rest !== "" && /^(?:what|which|who|whom|whose)\b/i.test(wh)
    ) {
      // The wh-word is the complement, so the verb goes last: "what the capital of France is".
      return `${wh.toLowerCase()} ${toSecondPerson(`${subject} ${rest}`)} ${
        toSecondPerson(aux.toLowerCase())
      }`
        .replace(/\byou is\b/, "you are");
    }
    return `${wh.toLowerCase()} ${clause.join(" ")}`.replace(/\byou (?:is|am)\b/, "you are");
  }
  const whDo = WH_DO.exec(text);
  if (whDo) {
    const [, wh = "", aux = "", subject = "", rest = ""] = whDo;
    const verb = aux.toLowerCase() === "does" && !/^(?:i|you|we|they)$/i.test(subject)
      ? thirdPerson(rest)
      : rest;
    return `${wh.toLowerCase()} ${toSecondPerson(subject)} ${toSecondPerson(verb)}`;
  }
  const yesNo = YES_NO.exec(text);
  if (yesNo) {
    const [, aux = "", subject = "", rest = ""] = yesNo;
    const lower = aux.toLowerCase();
    if (lower === "do" || lower === "does" || lower === "did") {
      const verb = lower === "does" && !/^(?:i|you|we|they)$/i.test(subject) ? thirdPerson(rest) : rest;
      if (lower === "did") return `whether ${toSecondPerson(subject)} did ${toSecondPerson(rest)}`;
      return `whether ${toSecondPerson(subject)} ${toSecondPerson(verb)}`;
    }
    return `whether ${toSecondPerson(subject)} ${toSecondPerson(lower)} ${toSecondPerson(rest)}`
      .replace(/\byou (?:is|am)\b/, "you are");
  }
  // Already indirect or subject-first: "who won the cup", "what time the shop opens", "about otters".
  if (new RegExp(String.raw`^(?:${WH}|about)\s`, "i").test(text) && !/^how are you\b/i.test(text)) {
    return toSecondPerson(text.charAt(0).toLowerCase() + text.slice(1));
  }
  return `the answer to "${stripEnd(question)}"`;
}

/** "work hard" → "works hard": the verb after "does he", which loses its "does". */
function thirdPerson(phrase: string): string {
  return phrase.replace(/^([a-z]+)/i, (verb) => {
    if (/(?:s|sh|ch|x|z|o)$/i.test(verb)) return `${verb}es`;
    if (/[^aeiou]y$/i.test(verb)) return `${verb.slice(0, -1)}ies`;
    if (/^have$/i.test(verb)) return "has";
    return `${verb}s`;
  });
}
