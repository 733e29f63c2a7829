/**
 * General questions the offline model simulator can answer from its small table of common facts:
 * capitals, currencies and languages of countries (including follow-ups such as "And of Portugal?"),
 * famous dates and people, and unit conversions.
 *
 * @module
 */
import { COUNTRIES, type Country, KNOWN_FACTS } from "./simulator_general_data.ts";
import { convertUnits } from "./simulator_units.ts";

type Relation = "capital" | "currency" | "language";

const RELATIONS: ReadonlyArray<{ relation: Relation; re: RegExp }> = [
  { relation: "capital", re: /\bcapital\b/i },
  { relation: "currency", re: /\b(?:currency|money)\b/i },
  { relation: "language", re: /\b(?:language|languages|speak|spoken)\b/i },
];

/** Countries by alias, longest alias first so "united states of america" wins over "america". */
const ALIASES: ReadonlyArray<[string, Country]> = COUNTRIES
  .flatMap((country) => country.aliases.map((alias) => [alias, country] as [string, Country]))
  .sort((a, b) => b[0].length - a[0].length);

function findCountry(text: string): Country | undefined {
  const lower = text.toLowerCase();
  for (const [alias, country] of ALIASES) {
    // Two-letter aliases ("us", "uk") only as a whole word in capitals, so "us" the pronoun is no country.
    if (alias.length <= 2 && !new RegExp(String.raw`\b${alias.toUpperCase()}\b`).test(text)) continue;
    if (new RegExp(String.raw`(?:^|[^\p{L}])${alias}(?:$|[^\p{L}])`, "u").test(lower)) return country;
  }
  return undefined;
}

function relationOf(text: string): Relation | undefined {
  return RELATIONS.find(({ re }) => re.test(text))?.relation;
}

function countryAnswer(relation: Relation, country: Country): string {
  const name = country.name.charAt(0).toUpperCase() + country.name.slice(1);
  switch (relation) {
    case "capital":
      return `The capital of ${country.name} is ${country.capital}.`;
    case "currency":
      return `${name} uses ${country.currency}.`;
    case "language":
      return `The main language of ${country.name} is ${country.language}.`;
  }
}

/** "And of Portugal?", "What about Japan?", "and for Spain": a follow-up that names only a new subject. */
const FOLLOW_UP =
  /^(?:and|what about|how about|same for|and what about)\b(?:\s+(?:of|for|in))?\s+(.+?)\s*\??$/i;

/** The words of a question, lower-cased. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function askedWith(text: string): string {
  const first = words(text).find((w) => /^(?:when|who|what|which|how|where)$/.test(w));
  if (first !== undefined) return first;
  return /\b(?:year|date)\b/i.test(text) ? "when" : "what";
}

function knownFact(text: string): string | undefined {
  const said = words(text);
  const asks = askedWith(text);
  const has = (key: string) =>
    said.some((word) =>
      key.length <= 2 ? word === key : word.startsWith(key) || key.startsWith(word) && word.length > 3
    );
  for (const fact of KNOWN_FACTS) {
    if (fact.all.every(has) && (fact.asks.includes(asks) || asks === "what" || asks === "which")) {
      return fact.answer;
    }
  }
  return undefined;
}

/**
 * Answers a general question from the built-in table, or undefined when it is not in it.
 *
 * @param text The question.
 * @param previous Earlier questions, newest last: a follow-up ("And of Portugal?") reuses the relation
 *   of the newest one that had one.
 */
export function answerGeneral(text: string, previous: readonly string[]): string | undefined {
  const units = convertUnits(text);
  if (units !== undefined) return units;
  const relation = relationOf(text);
  const country = findCountry(text);
  if (relation !== undefined && country !== undefined) return countryAnswer(relation, country);
  const followUp = FOLLOW_UP.exec(text.trim());
  if (followUp && country !== undefined) {
    for (let i = previous.length - 1; i >= 0 && i >= previous.length - 5; i--) {
      const earlier = relationOf(previous[i] ?? "");
      if (earlier !== undefined) return countryAnswer(earlier, country);
    }
  }
  return knownFact(text);
}
