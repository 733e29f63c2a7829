/**
 * The offline model simulator's short answers to plain questions and statements: a few deterministic
 * sentences that restate what was asked, so a reader (and a test) can see which message was answered.
 *
 * @module
 */
import { clip, pick, stripEnd } from "./simulator_text.ts";
import { isQuestion } from "./simulator_memory.ts";

const HOW_ARE_YOU = /\bhow are you\b/i;

const MIDDLES = [
  "A good answer about {topic} starts with the basics and then turns to the details that matter for your situation.",
  "The main things to weigh about {topic} are what it is, why it matters, and how it applies to what you are doing.",
  "When it comes to {topic}, the most useful approach is to separate what is well established from what depends on context.",
  "On {topic}, the short version is that the right answer depends on your goals, your constraints and the evidence at hand.",
  "Thinking about {topic} step by step, it helps to define the terms first and then look at concrete examples.",
] as const;

const STATEMENTS = [
  "That is a useful point about {topic}, and it is worth keeping in mind as we go.",
  "I have taken note of what you said about {topic}.",
  "Understood: {topic} is part of the picture here.",
] as const;

/** The subject of a message: the question without its question words ("What is X?" → "X"). */
function topicOf(text: string): string {
  const topic = stripEnd(text)
    .replace(/^(?:please\s+)?(?:can|could|would) you\s+/i, "")
    .replace(/^(?:please\s+)?(?:tell me|explain|describe)(?:\s+about)?\s+/i, "")
    .replace(
      /^(?:what|who|where|when|why|how|which)(?:'s|\s+(?:is|are|was|were|do|does|did|can|could|should|would|will))?\s+/i,
      "",
    )
    .replace(/^(?:do|does|did|is|are|can|could|should|would|will)\s+/i, "");
  return topic === "" ? "this" : clip(topic, 80);
}

/** Fills a template with the message's topic. */
function fill(template: string, topic: string): string {
  return template.replaceAll("{topic}", topic);
}

/**
 * A short deterministic answer: restates the question, adds one or two sentences, and offers more
 * detail. `brief` (instructions asked for one sentence) keeps only a single sentence.
 */
export function plainAnswer(text: string, brief: boolean): string {
  const trimmed = text.trim();
  if (trimmed === "") return "I received an empty message. What would you like to know?";
  if (HOW_ARE_YOU.test(trimmed)) return "I'm doing well, thank you for asking. How can I help you today?";
  const topic = topicOf(trimmed);
  if (isQuestion(trimmed)) {
    const middle = fill(pick(MIDDLES, trimmed), topic);
    if (brief) return middle;
    return `You asked: "${clip(stripEnd(trimmed), 200)}?" ${middle} ` +
      "If you tell me more about what you need, I can go into more depth.";
  }
  const noted = fill(pick(STATEMENTS, trimmed), topic);
  if (brief) return noted;
  return `You said: "${
    clip(stripEnd(trimmed), 200)
  }." ${noted} Let me know what you would like me to do with it.`;
}
