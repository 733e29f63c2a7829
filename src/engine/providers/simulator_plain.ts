/**
 * The offline model simulator's answers to plain messages it has no tool or table for: arithmetic it
 * can do itself, honest "I can't tell you ..." answers to questions it cannot know (in grammatical
 * sentences, never filler), and acknowledgements of statements.
 *
 * @module
 */
import { ArithmeticError, evaluateArithmetic, formatNumber } from "../tools/arithmetic.ts";
import { isQuestion } from "./simulator_facts.ts";
import { indirectQuestion, toSecondPerson } from "./simulator_person.ts";
import { describeCalculation, findExpression } from "./simulator_tools.ts";
import { clip, stripEnd } from "./simulator_text.ts";

/**
 * Why the simulator cannot answer; said once per reply (see `simulator_reply.ts`), however many posts
 * it could not answer.
 */
export const LIMITS_REASON = "As an offline model simulator, I only know a small table of common facts " +
  "(capitals, famous dates, units), what you tell me, and what my tools return.";

const HOW_ARE_YOU = /\bhow are you\b/i;
const THANKS = /^(?:thanks|thank you|thx|cheers|much appreciated)\b/i;
const TIME_QUESTION =
  /\b(?:what time is it|what(?:'s| is) the (?:time|date)|today's date|what day is (?:it|today))\b/i;
/** Requests in the imperative that the simulator cannot carry out well. */
const IMPERATIVE =
  /^(?:please\s+)?(write|give|make|create|translate|draft|compose|suggest|recommend|list|plan|name|design|generate|invent|predict|imagine|rewrite|summari[sz]e|explain|describe|help|find|show|teach|recommend|pick|choose)\b\s*(.*)$/i;
/** Sentence openers that are lower-cased when the sentence is repeated after "Noted:". */
const COMMON_OPENER =
  /^(?:the|a|an|it|its|this|that|these|those|there|here|my|our|we|i|i'm|today|tomorrow|yesterday)\b/i;

/** Arithmetic the simulator does itself when the agent has no calculator ("2 + 2 = 4."). */
function arithmetic(text: string): string | undefined {
  const expression = findExpression(text);
  if (expression === undefined) return undefined;
  try {
    return describeCalculation(expression, formatNumber(evaluateArithmetic(expression)), text, false);
  } catch (error) {
    if (!(error instanceof ArithmeticError)) throw error;
    return `I can't work out ${expression}: ${stripEnd(error.message)}.`;
  }
}

/** A statement repeated back in the second person, as one clause. */
function restated(text: string): string {
  const clause = toSecondPerson(stripEnd(text));
  return COMMON_OPENER.test(text) ? clause.charAt(0).toLowerCase() + clause.slice(1) : clause;
}

/**
 * A short deterministic answer to a message nothing else answered. `brief` (instructions asked for
 * one sentence) drops the reason.
 */
export function plainAnswer(text: string, brief: boolean): string {
  const trimmed = text.trim();
  if (trimmed === "") return "I received an empty message. What would you like to know?";
  if (HOW_ARE_YOU.test(trimmed)) return "I'm doing well, thank you for asking. How can I help you today?";
  if (THANKS.test(trimmed)) return "You're welcome! Let me know if there is anything else.";
  const sum = arithmetic(trimmed);
  if (sum !== undefined) return sum;
  const reason = brief ? "" : ` ${LIMITS_REASON}`;
  if (TIME_QUESTION.test(trimmed)) {
    return `I can't tell you the current time or date: this agent has no current_time tool.${reason}`;
  }
  if (isQuestion(trimmed)) return `I can't tell you ${clip(indirectQuestion(trimmed), 200)}.${reason}`;
  const command = IMPERATIVE.exec(stripEnd(trimmed));
  if (command) {
    const [, verb = "", rest = ""] = command;
    const action = `${verb.toLowerCase()} ${toSecondPerson(rest)}`.trim();
    return `I can't ${clip(action, 200)} well.${reason}${
      brief ? "" : " I can write a long essay on a topic if you ask for one."
    }`;
  }
  if (/\byou\b/i.test(trimmed)) return "Thanks for telling me.";
  return `Noted: ${clip(restated(trimmed), 200)}.`;
}
