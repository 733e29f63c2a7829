/**
 * What the offline model simulator answers, prompt by prompt: each case names the facts its last
 * answer must contain and the words it must not, and every answer is checked for the grammar slips
 * the simulator used to make ("When it comes to I pack", doubled words, filler). Cases marked "bad
 * answer" are the ones listed in issue 14.
 */
import assert from "node:assert/strict";
import { type Conversation, play, type Post, TOOLS } from "./simulator_conversation.ts";

interface Case extends Conversation {
  name: string;
  /** Each must appear in the last answer (strings case-insensitively). */
  must: Array<string | RegExp>;
  mustNot?: Array<string | RegExp>;
  /** Each must appear in the JSON of the tool calls made. */
  calls?: Array<string | RegExp>;
  callsNot?: Array<string | RegExp>;
}

const REPORT = await Deno.readTextFile(new URL("../../../examples/data/q3_report.txt", import.meta.url));
const report: Post = { file: "q3_report.txt", mime: "text/plain", text: REPORT };
const sales: Post = {
  file: "sales.csv",
  mime: "text/csv",
  text: "region,month,revenue\nNorth,March,310\nSouth,March,120\nEast,April,420\nWest,April,95\n",
};
const config: Post = {
  file: "config.json",
  mime: "application/json",
  text: JSON.stringify({
    name: "billing-service",
    version: "2.3.1",
    replicas: 3,
    owner: { team: "payments" },
  }),
};
const notes: Post = {
  file: "notes.txt",
  mime: "text/plain",
  text: "Meeting notes for the launch.\nThe launch moves to 14 March because the payment provider needs " +
    "two more weeks.\nThe budget of $120,000 was approved by finance.\nPriya owns the launch checklist.\n",
};
const ALICE = "My name is Alice and I live in Boston.";
const tools = TOOLS;

const CASES: Case[] = [
  // Memory: any reasonable phrasing, only with memory on.
  {
    name: "bad answer: what did I just tell you",
    turns: [[ALICE], ["What did I just tell you about myself?"]],
    must: ["Alice", "Boston"],
  },
  {
    name: "bad answer: remind me which city",
    turns: [[ALICE], ["Can you remind me which city I mentioned?"]],
    must: ["Boston"],
    mustNot: ["Alice"],
  },
  { name: "where do I live", turns: [[ALICE], ["Where do I live?"]], must: ["You live in Boston."] },
  { name: "what's my name", turns: [[ALICE], ["what's my name"]], must: ["Your name is Alice."] },
  { name: "do you remember my name", turns: [[ALICE], ["Do you remember my name?"]], must: ["Alice"] },
  { name: "which city do I live in", turns: [[ALICE], ["Which city do I live in?"]], must: ["Boston"] },
  {
    name: "what do you know about me",
    turns: [["I'm Bob. I work as a nurse."], ["What do you know about me?"]],
    must: ["Bob", "nurse"],
  },
  {
    name: "favourite colour",
    turns: [["My favorite color is teal."], ["What's my favourite colour?"]],
    must: ["teal"],
  },
  {
    name: "codeword",
    turns: [["Please remember this: the codeword is falcon."], ["What was the codeword?"]],
    must: ["falcon"],
  },
  { name: "lucky number", turns: [["My lucky number is 17."], ["What is my lucky number?"]], must: ["17"] },
  { name: "preference", turns: [["I love spicy ramen."], ["What do I like?"]], must: ["spicy ramen"] },
  { name: "how many pets", turns: [["I have two cats."], ["How many cats do I have?"]], must: ["two cats"] },
  { name: "how old am I", turns: [["I am 34 years old."], ["How old am I?"]], must: ["34"] },
  { name: "where am I from", turns: [["I'm originally from Porto."], ["Where am I from?"]], must: ["Porto"] },
  { name: "what do I do", turns: [["I work at a bakery."], ["Where do I work?"]], must: ["bakery"] },
  {
    name: "later fact replaces earlier",
    turns: [["I live in Paris."], ["I moved to Rome."], ["Where do I live?"]],
    must: ["Rome"],
    mustNot: ["Paris"],
  },
  { name: "same turn: facts then question", turns: [[ALICE, "What is my name?"]], must: ["Alice"] },
  {
    name: "memory off: cannot recall",
    turns: [[ALICE], ["What did I just tell you about myself?"]],
    memoryOff: true,
    must: ["can't recall", "session memory"],
    mustNot: ["Alice", "Boston"],
  },
  {
    name: "memory off: city",
    turns: [[ALICE], ["Can you remind me which city I mentioned?"]],
    memoryOff: true,
    must: ["can't recall"],
    mustNot: ["Boston"],
  },
  {
    name: "memory on, never told",
    turns: [["Hello!"], ["What is my name?"]],
    must: ["can't recall your name", "haven't told me"],
  },
  // General knowledge from the built-in table.
  { name: "bad answer: capital of France", turns: [["What is the capital of France?"]], must: ["Paris"] },
  {
    name: "capital follow-ups in one turn",
    turns: [["What is the capital of France?", "And of Portugal?", "And of Japan?"]],
    must: ["Paris", "Lisbon", "Tokyo"],
    mustNot: ["can't"],
  },
  {
    name: "capital follow-up next turn",
    turns: [["What's the capital of Germany?"], ["What about Canada?"]],
    must: ["Ottawa"],
  },
  { name: "capital phrased differently", turns: [["Tell me Australia's capital city."]], must: ["Canberra"] },
  { name: "currency", turns: [["What currency does Japan use?"]], must: ["yen"] },
  { name: "language", turns: [["Which language is spoken in Brazil?"]], must: ["Portuguese"] },
  {
    name: "famous date: Berlin Wall",
    turns: [["When did the Berlin Wall fall?"]],
    must: ["9 November 1989"],
  },
  {
    name: "famous date: moon landing, no tools",
    turns: [["When did Apollo 11 land on the Moon?"]],
    must: ["20 July 1969"],
  },
  { name: "famous date: WWII", turns: [["When did World War II end?"]], must: ["1945"] },
  { name: "famous person", turns: [["Who painted the Mona Lisa?"]], must: ["Leonardo da Vinci"] },
  { name: "famous author", turns: [["Who wrote Pride and Prejudice?"]], must: ["Jane Austen"] },
  { name: "science fact", turns: [["What is the boiling point of water?"]], must: ["100 °C"] },
  { name: "planets", turns: [["How many planets are in the solar system?"]], must: ["eight"] },
  { name: "units: feet in a mile", turns: [["How many feet are in a mile?"]], must: ["5,280 feet"] },
  { name: "units: km to miles", turns: [["Convert 10 km to miles."]], must: ["6.214 miles"] },
  { name: "units: temperature", turns: [["What is 30 °C in Fahrenheit?"]], must: ["86 degrees Fahrenheit"] },
  { name: "units: mismatched", turns: [["Convert 5 kg to miles."]], must: ["can't convert"] },
  // Arithmetic, with and without the calculator tool.
  {
    name: "bad answer: apples in words",
    turns: [["I have 3 apples and buy 5 more. How many apples do I have now?"]],
    tools,
    must: ["8 apples"],
    calls: ['"expression":"3 + 5"'],
  },
  {
    name: "apples without tools",
    turns: [["I have 3 apples and buy 5 more."]],
    must: ["3 + 5 = 8", "8 apples"],
  },
  { name: "number words", turns: [["What is twelve times four?"]], tools, must: ["12 * 4 = 48"] },
  { name: "symbols", turns: [["What is 23 * 19?"]], tools, must: ["23 * 19 = 437"] },
  {
    name: "subtraction story",
    turns: [["Sam had 20 stickers and gave away 7."]],
    tools,
    must: ["20 - 7 = 13", "13 stickers"],
  },
  { name: "groups", turns: [["How many eggs are in 3 boxes of 12 eggs?"]], tools, must: ["3 * 12 = 36"] },
  { name: "sharing", turns: [["Share 12 cookies among 4 friends."]], tools, must: ["12 / 4 = 3"] },
  { name: "percent", turns: [["What's 15% of 240?"]], tools, must: ["36"] },
  {
    name: "bad answer: approval overrides the expression",
    turns: [["What is 6*7?"]],
    tools,
    confirm: { calculator: { expression: "6*7+1" } },
    must: ["6*7+1", "43"],
    mustNot: ["6*7 = 43", /6\*7 =/],
  },
  // Tools: time and knowledge search.
  {
    name: "time question uses current_time",
    turns: [["What time is it in Tokyo?"]],
    tools,
    must: ["The current time is"],
    calls: ["Asia/Tokyo"],
  },
  {
    name: "time without the tool says so",
    turns: [["What time is it?"]],
    must: ["can't tell you the current time"],
  },
  {
    name: "bad answer: Apollo 11 from the archive",
    turns: [["Search the archive: when did Apollo 11 land on the Moon?"]],
    tools,
    must: ["20 July 1969", "Apollo 11 mission summary"],
    mustNot: ["16 July"],
    calls: ['"query":"when did Apollo 11 land on the Moon"'],
    callsNot: ["archive"],
  },
  {
    name: "bad answer: refund policy",
    turns: [["Search the policies: how long do refunds take?"]],
    tools,
    must: ["5 business days", "Refund policy"],
    callsNot: ["policies:"],
  },
  {
    name: "knowledge question without the word search",
    turns: [["How long do I have to request a refund?"]],
    tools,
    must: ["30 days"],
    calls: ["knowledge_search"],
  },
  {
    name: "search finds nothing, then says what it can",
    turns: [["Search the knowledge base for zebra migration"]],
    tools,
    must: ["no documents matched"],
  },
  {
    name: "capital is not searched",
    turns: [["What is the capital of Spain?"]],
    tools,
    must: ["Madrid"],
    callsNot: ["knowledge_search"],
  },
  // Files.
  {
    name: "bad answer: file summary in sentences",
    turns: [[report]],
    must: ["Revenue: $4.2M in Q3", "Q3 2026 business report"],
    mustNot: ["53 words", /\d+ lines/],
  },
  { name: "question about a text file", turns: [[report], ["What was the churn?"]], must: ["2.1% monthly"] },
  {
    name: "summarise a text file on request",
    turns: [[notes], ["Summarize the notes please."]],
    must: ["14 March", "Summary of notes.txt"],
  },
  { name: "question about notes", turns: [[notes, "Who owns the launch checklist?"]], must: ["Priya"] },
  {
    name: "CSV: highest",
    turns: [[sales], ["Which region had the highest revenue?"]],
    must: ["East", "420"],
  },
  { name: "CSV: a row's value", turns: [[sales], ["What was the revenue for South?"]], must: ["120"] },
  { name: "CSV: total", turns: [[sales], ["What is the total revenue?"]], must: ["945"] },
  { name: "CSV: described", turns: [[sales]], must: ["4 rows", "region, month and revenue"] },
  { name: "JSON: a key", turns: [[config], ["What is the version in the config?"]], must: ["2.3.1"] },
  { name: "JSON: described", turns: [[config]], must: ["billing-service", "4 keys"] },
  // Plain questions it cannot know, and statements.
  {
    name: "bad answer: trip questions (example 04)",
    turns: [[
      "I'm planning a trip to Lisbon.",
      "What should I pack for October?",
      "And which neighbourhood should I stay in?",
    ]],
    must: [
      "you are planning a trip to Lisbon",
      "what you should pack for October",
      "which neighbourhood you should stay in",
    ],
    mustNot: [/\bI pack\b/, /\bI stay\b/],
  },
  {
    name: "unknown future",
    turns: [["Who won the 2030 World Cup?"]],
    must: ["can't tell you who won the 2030 World Cup"],
  },
  { name: "unknown why", turns: [["Why is the sky blue?"]], must: ["can't tell you why the sky is blue"] },
  {
    name: "unknown how",
    turns: [["How do I fix a leaking tap?"]],
    must: ["how you fix a leaking tap"],
    mustNot: [/\bI fix\b/],
  },
  {
    name: "yes/no question",
    turns: [["Do I need a visa for Japan?"]],
    must: ["whether you need a visa for Japan"],
  },
  {
    name: "statement acknowledged",
    turns: [["The weather is lovely today."]],
    must: ["Noted: the weather is lovely today."],
  },
  {
    name: "request it cannot do",
    turns: [["Write a haiku about autumn."]],
    must: ["can't write a haiku about autumn"],
  },
  { name: "greeting", turns: [["Hi there!"]], must: ["Hello! How can I help you today?"] },
  { name: "thanks", turns: [["Thanks!"]], must: ["You're welcome"] },
  { name: "identity", turns: [["Are you a real model?"]], must: ["offline model simulator"] },
];

/** Slips every answer is checked for. */
const NEVER: RegExp[] = [
  /When it comes to/i,
  /\babout I\b/,
  /\b(?:of|to|for|about|on) I (?!am\b)/,
  /\b(\w+) \1\b/i,
  /You (?:asked|said): "/,
  /the most useful approach/i,
  /\{topic\}|undefined|NaN|\[object /,
];

function contains(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === "string"
    ? text.toLowerCase().includes(pattern.toLowerCase())
    : pattern.test(text);
}

Deno.test("the simulator answer table has at least 60 prompts", () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, "case names are unique");
});

for (const testCase of CASES) {
  Deno.test(`simulator answers: ${testCase.name}`, async () => {
    const { answers, calls } = await play(testCase);
    const last = answers.at(-1) ?? "";
    const callText = JSON.stringify(calls);
    for (const pattern of testCase.must) {
      assert.ok(contains(last, pattern), `missing ${pattern} in:\n${last}`);
    }
    for (const pattern of testCase.mustNot ?? []) {
      assert.ok(!contains(last, pattern), `unexpected ${pattern} in:\n${last}`);
    }
    for (const pattern of testCase.calls ?? []) assert.ok(contains(callText, pattern), `calls ${callText}`);
    for (const pattern of testCase.callsNot ?? []) {
      assert.ok(!contains(callText, pattern), `calls ${callText}`);
    }
    for (const answer of answers) {
      for (const slip of NEVER) assert.doesNotMatch(answer, slip, `slip in:\n${answer}`);
    }
  });
}
