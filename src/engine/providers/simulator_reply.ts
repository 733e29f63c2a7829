/**
 * The offline model simulator's "mind": given a request, decides deterministically what to do this
 * round (call tools, or answer) and composes the whole reply text. Streaming is in `simulator.ts`.
 *
 * @module
 */
import type { ModelRequest, ModelToolCall } from "../model.ts";
import { composeEssay, essayTopic, wantsEssay } from "./simulator_essay.ts";
import { acknowledgeFile, answerFromFiles, summarizeFile } from "./simulator_files.ts";
import { composePiece, functionalInputs, shapeAnswer } from "./simulator_functional.ts";
import { answerGeneral } from "./simulator_general.ts";
import { acknowledgeFacts, addFacts, isQuestion, recallAnswer, type SimFact } from "./simulator_memory.ts";
import { LIMITS_REASON, plainAnswer } from "./simulator_plain.ts";
import { describeOutcome, findExpression, planToolCalls } from "./simulator_tools.ts";
import { readWordProblem } from "./simulator_word_math.ts";
import { readTurn, type SimPost, type SimTurn } from "./simulator_turn.ts";

/** What the simulator does this round. */
export type SimReply =
  | { thinking: string; text: string }
  | { thinking: string; calls: ModelToolCall[] };

const IDENTITY =
  /\b(?:who are you|what are you|are you (?:a |an )?(?:bot|robot|human|person|real|ai|model|simulator|llm)|which model|what model|your name)\b/i;
const GREETING = /^(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening)|howdy)\b/i;
const BRIEF =
  /\b(?:one sentence|single sentence|briefly|be brief|concise|short answers?|keep it short|one line)\b/i;

/** Everything an answer to one post may draw on. */
interface Context {
  request: ModelRequest;
  turn: SimTurn;
  modelId: string;
  brief: boolean;
  /** Texts of earlier turns' posts, oldest first. */
  earlierTexts: readonly string[];
  /** Facts the user stated up to and including post `index` of this turn. */
  factsUpTo(index: number): SimFact[];
}

/**
 * Facts known after each post of the turn, read once in order: reading every earlier post again for
 * each post made a turn's cost grow with the square of its posts.
 */
function factsByPost(turn: SimTurn): (index: number) => SimFact[] {
  const known = new Map<string, SimFact>();
  for (const post of turn.earlierPosts) addFacts(known, post.text);
  const snapshots: SimFact[][] = [];
  return (index) => {
    for (let i = snapshots.length; i <= index && i < turn.posts.length; i++) {
      addFacts(known, turn.posts[i]?.text ?? "");
      snapshots.push([...known.values()]);
    }
    return snapshots[Math.min(index, snapshots.length - 1)] ?? [];
  };
}

/** One answered post and the one-line plan behind it. */
interface Answer {
  text: string;
  plan: string;
}

function answerPost(post: SimPost, index: number, ctx: Context): Answer {
  const { turn, request } = ctx;
  const text = post.text;
  const sum = readWordProblem(text) === undefined ? undefined : plainAnswer(text, ctx.brief);
  if (sum !== undefined) return { text: sum, plan: "Working out the sum myself." };
  const recalled = recallAnswer(text, ctx.factsUpTo(index), ctx.earlierTexts);
  if (recalled !== undefined) return { text: recalled, plan: "Recalling what the user told me earlier." };
  const isLast = index === turn.posts.length - 1;
  if (wantsEssay(text) || (isLast && wantsEssay(request.instructions) && !isQuestion(text))) {
    const topic = essayTopic([text, request.instructions]);
    return { text: composeEssay(topic), plan: `Planning a long essay on ${topic}.` };
  }
  const inputs = functionalInputs(text);
  if (inputs !== undefined) {
    return { text: composePiece(request.instructions, inputs), plan: "Writing what the run asks for." };
  }
  if (IDENTITY.test(text)) {
    return {
      text: `I am the offline model simulator (${ctx.modelId}): a deterministic stand-in for a language ` +
        "model, used by this engine when no real model provider is configured. I can stream answers, write " +
        "essays, remember what you tell me when session memory is on, read text files and call tools.",
      plan: "Explaining what I am.",
    };
  }
  const greeting = GREETING.test(text) ? "Hello! " : "";
  if (post.files.length > 0) {
    const files = [...post.files, ...turn.files.filter((f) => !post.files.includes(f))];
    if (text === "") {
      return { text: post.files.map(acknowledgeFile).join("\n\n"), plan: "Looking at the attached file." };
    }
    const fromFiles = answerFromFiles(text, files);
    const first = post.files[0];
    const reply = fromFiles ?? (first ? summarizeFile(first) : "");
    return { text: `${greeting}${reply}`, plan: `Reading ${first?.name ?? "the file"} to answer.` };
  }
  const fromFiles = answerFromFiles(text, turn.files);
  if (fromFiles !== undefined) return { text: fromFiles, plan: "Reading the attached file to answer." };
  const acknowledged = acknowledgeFacts(text);
  if (acknowledged !== undefined) {
    return { text: `${greeting}${acknowledged}`, plan: "Noting what the user told me." };
  }
  if (greeting !== "" && text.split(/\s+/).length <= 6) {
    return { text: "Hello! How can I help you today?", plan: "Greeting the user." };
  }
  const previous = [...ctx.earlierTexts, ...turn.posts.slice(0, index).map((p) => p.text)];
  const general = answerGeneral(text, previous);
  if (general !== undefined) {
    return { text: `${greeting}${general}`, plan: "Answering from the facts I know." };
  }
  return { text: `${greeting}${plainAnswer(text, ctx.brief)}`, plan: "Answering a short question." };
}

function combine(answers: readonly Answer[]): string {
  if (answers.length === 1) return answers[0]?.text ?? "";
  // Why the simulator cannot answer is said once, at the end, not after every post it could not answer.
  const texts = answers.map((answer) => answer.text.replace(` ${LIMITS_REASON}`, ""));
  const reason = texts.some((text, i) => text !== answers[i]?.text) ? `\n\n${LIMITS_REASON}` : "";
  const items = texts.map((text, i) => `${i + 1}) ${text}`);
  return `You sent ${answers.length} messages.\n\n${items.join("\n\n")}${reason}`;
}

function planOf(answers: readonly Answer[]): string {
  return answers.length === 1
    ? answers[0]?.plan ?? "Answering."
    : `Answering ${answers.length} messages in one reply.`;
}

/**
 * Whether a post is better answered directly than with a tool: memory questions, essays, questions
 * about the simulator, and facts from its table unless the user asked to search.
 */
function wantsDirectAnswer(post: SimPost, previous: readonly string[]): boolean {
  // Arithmetic goes to the calculator even when it reads like a fact ("I have 3 apples and buy 5 more").
  if (findExpression(post.text) !== undefined) return false;
  if (recallAnswer(post.text, [], []) !== undefined || wantsEssay(post.text) || IDENTITY.test(post.text)) {
    return true;
  }
  if (acknowledgeFacts(post.text) !== undefined && !isQuestion(post.text)) return true;
  return !SEARCH_ASKED.test(post.text) && answerGeneral(post.text, previous) !== undefined;
}

const SEARCH_ASKED = /\b(?:search|look(?:ing)? up|lookup|knowledge base|archive|docs|documentation)\b/i;
const NO_MATCH = /^no documents matched/i;

/**
 * Which post each tool outcome answers: by the deterministic call id, else the first post that planned
 * calls (ids can differ when the engine or a client rewrote the call); undefined when no post did.
 */
function assignOutcomes(turn: SimTurn, planned: readonly ModelToolCall[][]): Array<number | undefined> {
  const byId = new Map<string, number>();
  planned.forEach((calls, post) => calls.forEach((call) => byId.set(call.callId, post)));
  const fallback = planned.findIndex((calls) => calls.length > 0);
  return turn.outcomes.map((o) => byId.get(o.result.callId) ?? (fallback >= 0 ? fallback : undefined));
}

/**
 * Decides this round: answer from tool results when the turn already has them (never a second tool
 * round), else call the tools the posts ask for, else answer each post. An answer comes as the JSON
 * object the instructions ask for, when they ask for one (functional runs with several outputs).
 */
export function planReply(request: ModelRequest, modelId: string): SimReply {
  const reply = planRound(request, modelId);
  if (!("text" in reply)) return reply;
  const last = readTurn(request).posts.at(-1)?.text ?? "";
  return { ...reply, text: shapeAnswer(request.instructions, functionalInputs(last) ?? {}, reply.text) };
}

function planRound(request: ModelRequest, modelId: string): SimReply {
  const turn = readTurn(request);
  const ctx: Context = {
    request,
    turn,
    modelId,
    brief: BRIEF.test(request.instructions),
    earlierTexts: turn.earlierPosts.map((p) => p.text),
    factsUpTo: factsByPost(turn),
  };
  if (turn.posts.length === 0) {
    return {
      thinking: "There is no user message to answer yet.",
      text: "Hello! Send me a message and I will answer.",
    };
  }
  const eligible = turn.posts.map((post, i) => {
    const previous = [...ctx.earlierTexts, ...turn.posts.slice(0, i).map((p) => p.text)];
    return wantsDirectAnswer(post, previous) ? "" : post.text;
  });
  const planned = planToolCalls(eligible, request.tools);
  if (turn.outcomes.length > 0) {
    const typeOf = new Map(request.tools.map((tool) => [tool.name, tool.toolType]));
    const owners = assignOutcomes(turn, planned);
    const answers = turn.posts.map((post, i): Answer => {
      const mine = turn.outcomes.filter((_, k) => owners[k] === i);
      if (mine.length === 0 && (planned[i] ?? []).length === 0) return answerPost(post, i, ctx);
      const described = mine.map((o) => describeOutcome(o, typeOf.get(o.result.name), post.text)).join(
        "\n\n",
      );
      // A search that found nothing is not the end: answer as well as possible without it.
      const found = mine.some((o) => o.result.status !== "success" || !NO_MATCH.test(o.result.result.trim()));
      const text = found || mine.length === 0 ? described : `${described} ${answerPost(post, i, ctx).text}`;
      return { text, plan: "" };
    });
    const orphans = turn.outcomes.filter((_, k) => owners[k] === undefined)
      .map((o) => describeOutcome(o, typeOf.get(o.result.name), turn.posts.at(-1)?.text ?? ""));
    const text = [...orphans, combine(answers)].filter((part) => part !== "").join("\n\n");
    const count = turn.outcomes.length;
    return { thinking: `Writing the answer from ${count} tool result${count === 1 ? "" : "s"}.`, text };
  }
  const calls = planned.flat();
  if (calls.length > 0) {
    const names = [...new Set(calls.map((call) => call.name))].join(" and ");
    return {
      thinking: `This needs the ${names} tool${calls.length === 1 ? "" : "s"}; calling first.`,
      calls,
    };
  }
  const answers = turn.posts.map((post, i) => answerPost(post, i, ctx));
  return { thinking: planOf(answers), text: combine(answers) };
}
