/**
 * Arithmetic in words for the offline model simulator: number words ("three", "twenty-five") become
 * digits, and short word problems become an expression and the thing counted ("I have 3 apples and
 * buy 5 more" → `3 + 5`, apples). The calculator tool then does the sum.
 *
 * @module
 */

const SMALL: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  a: 1,
  an: 1,
  dozen: 12,
  half: 0.5,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** Replaces number words with digits: "twenty-five" → "25", "a hundred" → "100", "three" → "3". */
export function numbersToDigits(text: string): string {
  return text
    .replace(
      /\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](one|two|three|four|five|six|seven|eight|nine))?\b/gi,
      (_, tens: string, ones: string | undefined) =>
        String((TENS[tens.toLowerCase()] ?? 0) + (ones ? SMALL[ones.toLowerCase()] ?? 0 : 0)),
    )
    .replace(
      /\b(?:a|one) (hundred|thousand)\b/gi,
      (_, unit: string) => unit.toLowerCase() === "hundred" ? "100" : "1000",
    )
    .replace(
      /\b(\d+) (hundred|thousand)\b/gi,
      (_, n: string, unit: string) => String(Number(n) * (unit.toLowerCase() === "hundred" ? 100 : 1000)),
    )
    .replace(
      /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|dozen)\b/gi,
      (word) => String(SMALL[word.toLowerCase()] ?? word),
    );
}

/** A word problem read as arithmetic. */
export interface WordProblem {
  /** The expression for the calculator, such as `3 + 5`. */
  expression: string;
  /** What is counted ("apples"), when the problem names it. */
  unit?: string;
  /** The subject of the final sentence: "you" for "I have ...", else undefined. */
  owner?: "you";
}

const N = String.raw`(\d+(?:\.\d+)?)`;
const THING = String.raw`([\p{L}-]+)`;
const GAIN = String
  .raw`(?:buy|bought|get|got|receive|received|find|found|add|added|pick|picked|gain|gained|earn|earned|win|won|make|made|bake|baked|catch|caught|collect|collected)(?: up)?`;
const LOSS = String
  .raw`(?:eat|ate|give away|gave away|give|gave|lose|lost|sell|sold|use|used|spend|spent|drop|dropped|break|broke|throw away|threw away|remove|removed|take away|took away)`;

const PROBLEMS: ReadonlyArray<{ re: RegExp; make: (m: RegExpMatchArray) => WordProblem }> = [
  {
    // "I have 3 apples and buy 5 more", "Tom had 10 sweets, then he got 4 more"
    re: new RegExp(
      String
        .raw`\b(I|we|\p{Lu}\p{L}+) (?:have|has|had|start with|started with)\s+${N}\s+${THING}.*?\b${GAIN}\s+(?:another\s+)?${N}(?:\s+more)?`,
      "iu",
    ),
    make: (m) => problem(`${m[2]} + ${m[4]}`, m[3], m[1]),
  },
  {
    // "I have 12 eggs and use 5", "She had 20 dollars and spent 7 of them"
    re: new RegExp(
      String
        .raw`\b(I|we|\p{Lu}\p{L}+) (?:have|has|had|start with|started with)\s+${N}\s+${THING}.*?\b${LOSS}\s+${N}`,
      "iu",
    ),
    make: (m) => problem(`${m[2]} - ${m[4]}`, m[3], m[1]),
  },
  {
    // "3 boxes of 12 eggs", "4 bags with 6 oranges each"
    re: new RegExp(String.raw`${N}\s+[\p{L}-]+\s+(?:of|with|containing|holding)\s+${N}\s+${THING}`, "iu"),
    make: (m) => problem(`${m[1]} * ${m[2]}`, m[3]),
  },
  {
    // "share 12 cookies among 4 friends", "split 90 dollars between 3 people"
    re: new RegExp(
      String
        .raw`\b(?:share|split|divide|shared|split up)\s+${N}\s+${THING}\s+(?:among|between|by|into)\s+${N}`,
      "iu",
    ),
    make: (m) => problem(`${m[1]} / ${m[3]}`, m[2]),
  },
  {
    // "how much is 3 and 4 together", "add 7 and 8", "the sum of 7 and 8"
    re: new RegExp(String.raw`\b(?:add|sum of|total of|plus)\s+${N}\s+(?:and|to|plus)\s+${N}`, "i"),
    make: (m) => problem(`${m[1]} + ${m[2]}`),
  },
  {
    re: new RegExp(String.raw`\b(?:subtract|take)\s+${N}\s+(?:from|away from)\s+${N}`, "i"),
    make: (m) => problem(`${m[2]} - ${m[1]}`),
  },
  {
    re: new RegExp(String.raw`\b(?:difference between|product of)\s+${N}\s+and\s+${N}`, "i"),
    make: (m) => problem(`${m[1]} ${/product/i.test(m[0]) ? "*" : "-"} ${m[2]}`),
  },
  {
    re: new RegExp(String.raw`\b(?:double|twice)\s+${N}\b`, "i"),
    make: (m) => problem(`2 * ${m[1]}`),
  },
  {
    re: new RegExp(String.raw`\bhalf of\s+${N}\b`, "i"),
    make: (m) => problem(`${m[1]} / 2`),
  },
];

function problem(expression: string, unit?: string, who?: string): WordProblem {
  const result: WordProblem = { expression };
  if (unit !== undefined && !/^(?:more|of|and|then|times)$/i.test(unit)) result.unit = unit;
  if (who !== undefined && /^(?:i|we)$/i.test(who)) result.owner = "you";
  return result;
}

/** The word problem in a text, or undefined when it has none. */
export function readWordProblem(text: string): WordProblem | undefined {
  const digits = numbersToDigits(text);
  for (const { re, make } of PROBLEMS) {
    const match = digits.match(re);
    if (match) return make(match);
  }
  return undefined;
}
