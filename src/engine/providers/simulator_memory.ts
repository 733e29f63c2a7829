/**
 * The offline model simulator's memory: answers to questions about what the user told it ("what is
 * my name", "which city did I mention", "what did I just tell you about myself", "what's the
 * codeword"), from the facts in the messages the engine passes. With session memory off those
 * messages are absent, so it says plainly that it cannot recall.
 *
 * @module
 */
import { extractFacts, normalizeKey, type SimFact } from "./simulator_facts.ts";

export { addFacts, extractFacts, isQuestion, type SimFact } from "./simulator_facts.ts";

/** What a memory question asks for: one key (with fallbacks), or everything (`keys` empty). */
interface Wanted {
  /** Fact keys that answer it, best first; empty means "everything you know about me". */
  keys: string[];
  /** How to name it in "I can't recall ..." ("your name", "which city you mentioned"). */
  topic: string;
}

type Ask = (m: RegExpMatchArray) => Wanted;

const PLACE = String.raw`(?:city|town|place|country|village|state)`;

/** Question forms, most specific first. */
const QUESTIONS: ReadonlyArray<{ re: RegExp; ask: Ask }> = [
  {
    re:
      /\b(?:what(?:'s| is| was) my name|who am i|(?:know|remember|recall) my name|what (?:did i say|did i tell you) my name (?:is|was)|what am i called)\b/i,
    ask: () => ({ keys: ["name"], topic: "your name" }),
  },
  {
    re: new RegExp(
      String
        .raw`\b(?:which|what) ${PLACE} (?:did i (?:mention|say|tell you)|i mentioned|i said|do i live in|am i (?:in|from)|i live in|i'm from|am i living in)|where (?:do i live|i live|am i living|did i say i live)`,
      "i",
    ),
    ask: (m) =>
      /\bfrom\b/i.test(m[0]) ? { keys: ["origin", "home"], topic: "where you are from" } : {
        keys: ["home", "origin", "plans"],
        topic: /mention|said|say|tell/i.test(m[0]) ? "which place you mentioned" : "where you live",
      },
  },
  {
    re: /\bwhere (?:am i|i am|do i come) from\b/i,
    ask: () => ({ keys: ["origin", "home"], topic: "where you are from" }),
  },
  {
    re: /\bhow old am i\b|\bwhat(?:'s| is) my age\b/i,
    ask: () => ({ keys: ["age"], topic: "how old you are" }),
  },
  {
    re:
      /\b(?:where do i work|what do i do(?: for (?:a living|work))?|what(?:'s| is) my (?:job|occupation|profession|work))\b/i,
    ask: () => ({ keys: ["work", "identity"], topic: "what you do for work" }),
  },
  {
    re: /\bwhat (?:do|did) i (?:like|love|enjoy|prefer)\b|\bwhat (?:\w+ )?do i (?:like|love|enjoy|prefer)\b/i,
    ask: () => ({ keys: ["likes"], topic: "what you like" }),
  },
  {
    re: /\bwhat (?:do|did) i (?:not like|hate|dislike)\b|\bwhat don't i like\b/i,
    ask: () => ({ keys: ["dislikes"], topic: "what you dislike" }),
  },
  {
    re:
      /\bwhat (?:am i|was i) (?:planning|going|doing|travel(?:l)?ing|visiting|learning|studying)\b|\bwhere am i (?:going|travel(?:l)?ing|flying|heading)\b|\bmy (?:trip|plans?)\b.*\?$/i,
    ask: () => ({ keys: ["plans"], topic: "what you are planning" }),
  },
  {
    re: /\bhow many ([\p{L}-]+) do i (?:have|own)\b/iu,
    ask: (m) => ({
      keys: [`owned ${(m[1] ?? "").toLowerCase().replace(/(?<=[^s])s$/, "")}`],
      topic: `how many ${m[1]} you have`,
    }),
  },
  {
    re:
      /\bwhat(?:'s| is| was) (?:the|my|our) (code ?word|password|pass ?phrase|secret word|magic word|pin)\b/i,
    ask: (m) => {
      const key = normalizeKey(m[1] ?? "");
      return { keys: [key], topic: `the ${key}` };
    },
  },
  {
    re: /\bwhat(?:'s| is| are| was| were) my ([\p{L}' ]{2,30}?)\s*\??$/iu,
    ask: (m) => {
      const key = normalizeKey(m[1] ?? "");
      return { keys: [key], topic: `your ${key}` };
    },
  },
  {
    re:
      /\b(?:what (?:did|have) i (?:just )?(?:tell|told|say|said|mention(?:ed)?)(?: to)?(?: you)?|what do you (?:know|remember|recall) about me|do you remember (?:me|what i (?:said|told you))|remind me (?:what|of what) i (?:said|told you)|what have you learned about me|tell me what you know about me|what i (?:just )?told you about myself)/i,
    ask: () => ({ keys: [], topic: "what you told me" }),
  },
];

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The answer when nothing was told: honest about why (no earlier messages reach it without memory). */
function cannotRecall(topic: string, earlierTexts: readonly string[]): string {
  if (earlierTexts.length === 0) {
    return `I can't recall ${topic}: I have no earlier messages from you in this conversation. ` +
      "Without session memory I only see your current message.";
  }
  return `I can't recall ${topic}: you haven't told me in this conversation.`;
}

/**
 * Answers a question about the user from the facts they stated earlier, or says it cannot recall.
 * Returns undefined when the text is not such a question.
 */
export function recallAnswer(
  question: string,
  facts: readonly SimFact[],
  earlierTexts: readonly string[],
): string | undefined {
  for (const { re, ask } of QUESTIONS) {
    const match = question.match(re);
    if (!match) continue;
    const { keys, topic } = ask(match);
    if (keys.length === 0) {
      if (facts.length > 0) return `You told me that ${facts.map((f) => f.clause).join(", and ")}.`;
      const last = earlierTexts.at(-1);
      return last === undefined
        ? cannotRecall("anything about you", earlierTexts)
        : `You haven't told me facts about yourself, but earlier you said: "${last}".`;
    }
    const found = keys.map((key) => facts.find((f) => f.key === key)).find((f) => f !== undefined);
    if (found === undefined) return cannotRecall(topic, earlierTexts);
    if (/mentioned/.test(topic)) return `You mentioned ${found.value}: ${found.clause}.`;
    return `${capitalize(found.clause)}.`;
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
