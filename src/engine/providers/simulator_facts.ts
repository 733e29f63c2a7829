/**
 * Facts users state about themselves, as the offline model simulator reads them: names, places, age,
 * work, preferences, things they have, and words they ask it to remember ("the codeword is falcon").
 * Each is kept as a key, the value as written, and a clause addressed back to the user.
 *
 * @module
 */
import { toSecondPerson } from "./simulator_person.ts";

/** A fact the user stated, phrased in the second person ("your name is Alice"). */
export interface SimFact {
  /** What the fact is about: `name`, `home`, `age`, `origin`, `identity`, `work`, `likes`, ... */
  key: string;
  /** The value as the user wrote it. */
  value: string;
  /** The fact as a clause addressed to the user. */
  clause: string;
}

/** Clause ends: stop a value before punctuation or a new clause. */
const END = String.raw`([^.,!?;\n]+?)(?=\s+(?:and|but|so|because|which|who)\s|[.,!?;\n]|$)`;
const COUNT = String.raw`(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,6})`;

type Make = (m: RegExpMatchArray) => SimFact | undefined;

/** Statement forms, most specific first; within a sentence the first pattern per key wins. */
const PATTERNS: ReadonlyArray<{ re: RegExp; make: Make }> = [
  {
    re: /\b(?:my name is|my name's|call me|i am called|i'm called)\s+([\p{L}'-]+(?:\s+[\p{L}'-]+)?)/iu,
    make: (m) => nameFact(m[1] ?? ""),
  },
  {
    re: /\bI(?:'m| am) (\d{1,3})(?: years? old)?\b/i,
    make: (m) => fact("age", m[1], (v) => `you are ${v} years old`),
  },
  {
    re: new RegExp(String.raw`\bI(?:'m| am) (?:originally )?from ${END}`, "i"),
    make: (m) => fact("origin", m[1], (v) => `you are from ${v}`),
  },
  {
    re: new RegExp(String.raw`\bI(?: currently)? (?:live|stay|reside) in ${END}`, "i"),
    make: (m) => fact("home", m[1], (v) => `you live in ${v}`),
  },
  {
    re: new RegExp(String.raw`\bI(?:'ve| have)? (?:just )?moved to ${END}`, "i"),
    make: (m) => fact("home", m[1], (v) => `you live in ${v}`),
  },
  {
    re: new RegExp(String.raw`\bI work (at|for|as|in) ${END}`, "i"),
    make: (m) => fact("work", m[2], (v) => `you work ${m[1]?.toLowerCase()} ${v}`),
  },
  {
    re: new RegExp(
      String
        .raw`\b(?:the|my|our) (code ?word|password|pass ?phrase|secret word|magic word|pin)(?: is|:)\s+${END}`,
      "i",
    ),
    make: (m) => secret(m[1] ?? "", m[2]),
  },
  {
    re: new RegExp(
      String
        .raw`\bremember (?:that )?(?:the )?(code ?word|password|secret word|magic word)\s+(?:is\s+)?${END}`,
      "i",
    ),
    make: (m) => secret(m[1] ?? "", m[2]),
  },
  {
    re: new RegExp(String.raw`\bI (?:really )?(like|love|enjoy|prefer|adore) ${END}`, "i"),
    make: (m) => fact("likes", m[2], (v) => `you ${m[1]?.toLowerCase()} ${toSecondPerson(v)}`),
  },
  {
    re: new RegExp(
      String.raw`\bI (?:don't|do not|really don't) like ${END}|\bI (?:hate|dislike) ${END}`,
      "i",
    ),
    make: (m) => fact("dislikes", m[1] ?? m[2], (v) => `you don't like ${toSecondPerson(v)}`),
  },
  {
    re: new RegExp(String.raw`\bI(?:'ve| have)(?: got)? ${COUNT} ([\p{L}-]+)`, "iu"),
    make: (m) => owned(m[1] ?? "", m[2] ?? ""),
  },
  { re: /\bI(?:'m| am) ([A-Z][\p{L}'-]+)(?=[\s.,!?;]|$)/u, make: (m) => nameFact(m[1] ?? "") },
  {
    re: new RegExp(String.raw`\bI(?:'m| am) (an? ${END})`, "i"),
    make: (m) => fact("identity", m[1], (v) => `you are ${v}`),
  },
  {
    re: new RegExp(
      String
        .raw`\bI(?:'m| am) (planning|going|travel(?:l)?ing|moving|flying|visiting|learning|studying|working on|training for) ${END}`,
      "i",
    ),
    make: (m) => fact("plans", `${m[1]} ${m[2]}`, (v) => `you are ${toSecondPerson(v)}`),
  },
  {
    re: new RegExp(String.raw`\bmy (fav(?:ou)?rite [\p{L} ]+?) (?:is|are) ${END}`, "iu"),
    make: (m) => fact(normalizeKey(m[1] ?? ""), m[2], (v) => `your ${normalizeKey(m[1] ?? "")} is ${v}`),
  },
  {
    re: new RegExp(String.raw`\bmy ([\p{L}' ]{2,30}?) (is|are) ${END}`, "iu"),
    make: (m) => fact(normalizeKey(m[1] ?? ""), m[3], (v) => `your ${normalizeKey(m[1] ?? "")} ${m[2]} ${v}`),
  },
];

/** Words that name the same key ("favorite" and "favourite", "job" and "work"). */
export function normalizeKey(key: string): string {
  const k = key.trim().toLowerCase().replace(/\bfavorite\b/, "favourite").replace(/\bcolor\b/, "colour")
    .replace(/\s+/g, " ")
    .replace(/^code word$/, "codeword").replace(/^pass phrase$/, "passphrase");
  return k;
}

function fact(key: string, raw: string | undefined, clause: (value: string) => string): SimFact | undefined {
  const value = (raw ?? "").trim().replace(/^["'“]|["'”]$/g, "");
  if (value === "" || key === "") return undefined;
  return { key, value, clause: clause(value) };
}

function secret(kind: string, raw: string | undefined): SimFact | undefined {
  const key = normalizeKey(kind);
  return fact(key, raw, (v) => `the ${key} is ${v}`);
}

function owned(count: string, noun: string): SimFact | undefined {
  if (/^(?:been|got|to|no|never|already|just)$/i.test(noun)) return undefined;
  // Key by the singular noun, so "how many cats" finds "I have two cats".
  const key = `owned ${noun.toLowerCase().replace(/(?<=[^s])s$/, "")}`;
  return fact(key, `${count.toLowerCase()} ${noun}`, (v) => `you have ${v}`);
}

function nameFact(raw: string): SimFact | undefined {
  const words = raw.trim().split(/\s+/);
  // A second word counts only when capitalised ("Alice Smith", not "Alice and").
  const kept = words.filter((word, i) => i === 0 || /^\p{Lu}/u.test(word));
  const name = kept.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(" ");
  if (/^(?:Not|Sure|Sorry|Fine|Good|Here|Back|Done|Ready|Going|Planning|Looking|Trying)$/.test(name)) {
    return undefined;
  }
  return fact("name", name, (v) => `your name is ${v}`);
}

/** Whether a text is a question rather than a statement. */
export function isQuestion(text: string): boolean {
  const trimmed = text.trim();
  return /\?\s*$/.test(trimmed) ||
    /^(?:what|who|where|when|why|how|which|do|does|did|is|are|can|could|would|will|should|tell me|remind me)\b/i
      .test(trimmed);
}

/**
 * Adds the facts stated in `text` to `facts` (by key, newest last), so a conversation is read once,
 * post by post, instead of again for every post.
 */
export function addFacts(facts: Map<string, SimFact>, text: string): void {
  for (const sentence of text.split(/(?<=[.!?;])\s+|\n+/)) {
    if (isQuestion(sentence)) continue;
    const keys = new Set<string>();
    for (const { re, make } of PATTERNS) {
      const match = sentence.match(re);
      const found = match ? make(match) : undefined;
      if (!found || keys.has(found.key)) continue;
      keys.add(found.key);
      facts.delete(found.key);
      facts.set(found.key, found);
    }
  }
}

/** Facts stated in the texts, oldest first; a later statement of the same key replaces an earlier one. */
export function extractFacts(texts: readonly string[]): SimFact[] {
  const facts = new Map<string, SimFact>();
  for (const text of texts) addFacts(facts, text);
  return [...facts.values()];
}
