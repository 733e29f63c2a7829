/**
 * The offline model simulator's memory: facts users state about themselves ("my name is Alice",
 * "I live in Paris", "my favourite colour is blue") and answers to questions about them. It only
 * sees the messages the engine passes, so with session memory off it honestly does not know.
 *
 * @module
 */

/** A fact the user stated, phrased in the second person ("your name is Alice"). */
export interface SimFact {
  /** What the fact is about: `name`, `home`, `age`, `origin`, `identity`, `work`, or a noun phrase. */
  key: string;
  /** The value as the user wrote it. */
  value: string;
  /** The fact as a clause addressed to the user. */
  clause: string;
}

/** Clause ends: stop a value before punctuation or a new clause. */
const END = String.raw`([^.,!?;\n]+?)(?=\s+(?:and|but|so|because)\s|[.,!?;\n]|$)`;

const PATTERNS: ReadonlyArray<{ re: RegExp; make: (m: RegExpMatchArray) => SimFact | undefined }> = [
  {
    re: /\b(?:my name is|my name's|call me|i am called|i'm called)\s+([\p{L}'-]+(?:\s+[\p{L}'-]+)?)/iu,
    make: (m) => nameFact(m[1] ?? ""),
  },
  {
    re: /\bI(?:'m| am) (\d{1,3})(?: years? old)?\b/i,
    make: (m) => fact("age", m[1], (v) => `you are ${v} years old`),
  },
  {
    re: new RegExp(String.raw`\bI(?:'m| am) from ${END}`, "i"),
    make: (m) => fact("origin", m[1], (v) => `you are from ${v}`),
  },
  { re: /\bI(?:'m| am) ([A-Z][\p{L}'-]+)(?=[\s.,!?;]|$)/u, make: (m) => nameFact(m[1] ?? "") },
  {
    re: new RegExp(String.raw`\bI(?:'m| am) (an? ${END})`, "i"),
    make: (m) => fact("identity", m[1], (v) => `you are ${v}`),
  },
  {
    re: new RegExp(String.raw`\bI live in ${END}`, "i"),
    make: (m) => fact("home", m[1], (v) => `you live in ${v}`),
  },
  {
    re: new RegExp(String.raw`\bI work (at|for|as|in) ${END}`, "i"),
    make: (m) => fact("work", m[2], (v) => `you work ${m[1]?.toLowerCase()} ${v}`),
  },
  {
    re: new RegExp(String.raw`\bmy (fav(?:ou)?rite [\p{L} ]+?) (?:is|are) ${END}`, "iu"),
    make: (m) => fact(normalizeKey(m[1] ?? ""), m[2], (v) => `your ${normalizeKey(m[1] ?? "")} is ${v}`),
  },
  {
    re: new RegExp(String.raw`\bmy ([\p{L}' ]{2,30}?) (?:is|are) ${END}`, "iu"),
    make: (m) => fact(normalizeKey(m[1] ?? ""), m[2], (v) => `your ${normalizeKey(m[1] ?? "")} is ${v}`),
  },
];

/** Question forms, most specific first; `key` undefined means "everything you know about me". */
const QUESTIONS: ReadonlyArray<
  { re: RegExp; key: (m: RegExpMatchArray) => string | undefined; topic: string }
> = [
  {
    re: /\b(?:what(?:'s| is) my name|who am i|(?:know|remember) my name)\b/i,
    key: () => "name",
    topic: "your name",
  },
  { re: /\bwhere (?:do i live|i live)\b/i, key: () => "home", topic: "where you live" },
  { re: /\bwhere am i from\b/i, key: () => "origin", topic: "where you are from" },
  { re: /\bhow old am i\b/i, key: () => "age", topic: "how old you are" },
  { re: /\bwhere do i work\b/i, key: () => "work", topic: "where you work" },
  {
    re: /\bwhat(?:'s| is| are) my ([\p{L}' ]{2,30}?)\s*\??$/iu,
    key: (m) => normalizeKey(m[1] ?? ""),
    topic: "",
  },
  {
    re:
      /\b(?:what did i (?:tell|say|mention)|what have i told|what do you (?:know|remember) about me|do you remember (?:me|what)|remind me what i)/i,
    key: () => undefined,
    topic: "",
  },
];

function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/\bfavorite\b/, "favourite").replace(/\s+/g, " ");
}

function fact(key: string, raw: string | undefined, clause: (value: string) => string): SimFact | undefined {
  const value = (raw ?? "").trim();
  if (value === "" || key === "") return undefined;
  return { key, value, clause: clause(value) };
}

function nameFact(raw: string): SimFact | undefined {
  const words = raw.trim().split(/\s+/);
  // A second word counts only when capitalised ("Alice Smith", not "Alice and").
  const kept = words.filter((word, i) => i === 0 || /^\p{Lu}/u.test(word));
  const name = kept.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(" ");
  return fact("name", name, (v) => `your name is ${v}`);
}

/** Whether a text is a question rather than a statement. */
export function isQuestion(text: string): boolean {
  return /\?\s*$/.test(text.trim()) ||
    /^(?:what|who|where|when|why|how|which|do|does|did|is|are|can|could|would|will|should|tell me)\b/i.test(
      text.trim(),
    );
}

/** Facts stated in the texts, oldest first; a later statement of the same key replaces an earlier one. */
export function extractFacts(texts: readonly string[]): SimFact[] {
  const facts = new Map<string, SimFact>();
  for (const text of texts) addFacts(facts, text);
  return [...facts.values()];
}

/**
 * Adds the facts stated in `text` to `facts` (by key, newest last), so a conversation is read once,
 * post by post, instead of again for every post.
 */
export function addFacts(facts: Map<string, SimFact>, text: string): void {
  for (const sentence of text.split(/(?<=[.!?;])\s+|\n+/)) {
    if (isQuestion(sentence)) continue;
    // Several facts may share a sentence; within it, the first (most specific) pattern per key wins.
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Answers a question about the user from the facts they stated earlier, or says it does not know.
 * Returns undefined when the text is not such a question.
 */
export function recallAnswer(
  question: string,
  facts: readonly SimFact[],
  earlierTexts: readonly string[],
): string | undefined {
  for (const { re, key, topic } of QUESTIONS) {
    const match = question.match(re);
    if (!match) continue;
    const wanted = key(match);
    if (wanted === undefined) {
      if (facts.length > 0) return `You told me that ${facts.map((f) => f.clause).join(", and ")}.`;
      const last = earlierTexts.at(-1);
      return last === undefined
        ? "You haven't told me anything about yourself yet — this is the start of our conversation as far as I can see."
        : `Earlier in this conversation you said: "${last}".`;
    }
    const found = facts.find((f) => f.key === wanted);
    if (found) return `${capitalize(found.clause)}.`;
    const about = topic === "" ? `your ${wanted}` : topic;
    return `I don't know ${about} yet — you haven't told me in this conversation.`;
  }
  return undefined;
}

/** Acknowledges facts the user just stated ("Nice to meet you, Alice!"), or undefined when none. */
export function acknowledgeFacts(text: string): string | undefined {
  const facts = extractFacts([text]);
  if (facts.length === 0) return undefined;
  const name = facts.find((f) => f.key === "name");
  const others = facts.filter((f) => f !== name);
  const parts: string[] = [];
  if (name) parts.push(`Nice to meet you, ${name.value}!`);
  if (others.length > 0) parts.push(`Noted: ${others.map((f) => f.clause).join(", and ")}.`);
  parts.push("I'll keep that in mind for the rest of our conversation.");
  return parts.join(" ");
}
