/**
 * The offline model simulator's small table of common facts: countries (capital, currency, language),
 * famous dates, and a few well-known facts. Plain data; `simulator_general.ts` reads it.
 *
 * @module
 */

/** A country's capital, currency and main official language. */
export interface Country {
  /** Display name. */
  name: string;
  /** Lower-case names it goes by ("usa", "united states"). */
  aliases: readonly string[];
  capital: string;
  currency: string;
  language: string;
}

const c = (
  name: string,
  capital: string,
  currency: string,
  language: string,
  ...aliases: string[]
): Country => ({ name, aliases: [name.toLowerCase(), ...aliases], capital, currency, language });

/** Countries, by common name. */
export const COUNTRIES: readonly Country[] = [
  c("France", "Paris", "the euro", "French"),
  c("Portugal", "Lisbon", "the euro", "Portuguese"),
  c("Spain", "Madrid", "the euro", "Spanish"),
  c("Germany", "Berlin", "the euro", "German"),
  c("Italy", "Rome", "the euro", "Italian"),
  c("the Netherlands", "Amsterdam", "the euro", "Dutch", "netherlands", "holland"),
  c("Belgium", "Brussels", "the euro", "Dutch, French and German"),
  c("Ireland", "Dublin", "the euro", "Irish and English"),
  c("Greece", "Athens", "the euro", "Greek"),
  c("Austria", "Vienna", "the euro", "German"),
  c("Switzerland", "Bern", "the Swiss franc", "German, French, Italian and Romansh"),
  c(
    "the United Kingdom",
    "London",
    "the pound sterling",
    "English",
    "uk",
    "united kingdom",
    "britain",
    "great britain",
    "england",
  ),
  c("Sweden", "Stockholm", "the Swedish krona", "Swedish"),
  c("Norway", "Oslo", "the Norwegian krone", "Norwegian"),
  c("Denmark", "Copenhagen", "the Danish krone", "Danish"),
  c("Finland", "Helsinki", "the euro", "Finnish and Swedish"),
  c("Poland", "Warsaw", "the złoty", "Polish"),
  c("Russia", "Moscow", "the rouble", "Russian"),
  c("Ukraine", "Kyiv", "the hryvnia", "Ukrainian"),
  c("Turkey", "Ankara", "the Turkish lira", "Turkish", "türkiye"),
  c("Egypt", "Cairo", "the Egyptian pound", "Arabic"),
  c("Nigeria", "Abuja", "the naira", "English"),
  c("Kenya", "Nairobi", "the Kenyan shilling", "Swahili and English"),
  c(
    "South Africa",
    "Pretoria (executive), Cape Town (legislative) and Bloemfontein (judicial)",
    "the rand",
    "eleven official languages, including Zulu, Xhosa, Afrikaans and English",
  ),
  c("Japan", "Tokyo", "the yen", "Japanese"),
  c("China", "Beijing", "the renminbi (yuan)", "Mandarin Chinese"),
  c("South Korea", "Seoul", "the won", "Korean", "korea"),
  c("India", "New Delhi", "the Indian rupee", "Hindi and English"),
  c("Thailand", "Bangkok", "the baht", "Thai"),
  c("Vietnam", "Hanoi", "the đồng", "Vietnamese"),
  c("Indonesia", "Jakarta", "the rupiah", "Indonesian"),
  c("Australia", "Canberra", "the Australian dollar", "English"),
  c("New Zealand", "Wellington", "the New Zealand dollar", "English and Māori"),
  c("Canada", "Ottawa", "the Canadian dollar", "English and French"),
  c(
    "the United States",
    "Washington, D.C.",
    "the US dollar",
    "English",
    "usa",
    "us",
    "united states",
    "america",
    "united states of america",
  ),
  c("Mexico", "Mexico City", "the Mexican peso", "Spanish"),
  c("Brazil", "Brasília", "the real", "Portuguese"),
  c("Argentina", "Buenos Aires", "the Argentine peso", "Spanish"),
  c("Chile", "Santiago", "the Chilean peso", "Spanish"),
  c("Peru", "Lima", "the sol", "Spanish"),
];

/** A well-known fact: the words a question must contain, what kind of question, and the answer. */
export interface KnownFact {
  /** Every one of these must appear in the question (lower-case; words over two letters match as prefixes). */
  all: readonly string[];
  /** Question words it answers: `when`, `who`, `what`, `which`, `how`. */
  asks: readonly string[];
  /** The answer, as a full sentence. */
  answer: string;
}

const f = (all: string, asks: KnownFact["asks"], answer: string): KnownFact => ({
  all: all.split(" "),
  asks,
  answer,
});

/** Famous dates, people and numbers. */
export const KNOWN_FACTS: readonly KnownFact[] = [
  f("apollo 11 land", ["when", "what"], "Apollo 11 landed on the Moon on 20 July 1969."),
  f("moon land first", ["when", "what"], "The first crewed Moon landing was Apollo 11, on 20 July 1969."),
  f(
    "first walk moon",
    ["who"],
    "Neil Armstrong was the first person to walk on the Moon, on 21 July 1969 (UTC).",
  ),
  f(
    "first person moon",
    ["who"],
    "Neil Armstrong was the first person to walk on the Moon, on 21 July 1969 (UTC).",
  ),
  f("first person space", ["who", "when"], "Yuri Gagarin was the first person in space, on 12 April 1961."),
  f("berlin wall fall", ["when", "what"], "The Berlin Wall fell on 9 November 1989."),
  f(
    "world war ii end",
    ["when", "what"],
    "World War II ended in 1945: in Europe on 8 May, and with Japan's formal surrender on 2 September.",
  ),
  f(
    "world war 2 end",
    ["when", "what"],
    "World War II ended in 1945: in Europe on 8 May, and with Japan's formal surrender on 2 September.",
  ),
  f(
    "second world war end",
    ["when", "what"],
    "The Second World War ended in 1945: in Europe on 8 May, and with Japan's formal surrender on 2 September.",
  ),
  f(
    "world war ii start",
    ["when", "what"],
    "World War II began on 1 September 1939, when Germany invaded Poland.",
  ),
  f(
    "world war 2 start",
    ["when", "what"],
    "World War II began on 1 September 1939, when Germany invaded Poland.",
  ),
  f("world war i end", ["when", "what"], "World War I ended with the armistice of 11 November 1918."),
  f("world war 1 end", ["when", "what"], "World War I ended with the armistice of 11 November 1918."),
  f("world war i start", ["when", "what"], "World War I began on 28 July 1914."),
  f("world war 1 start", ["when", "what"], "World War I began on 28 July 1914."),
  f(
    "declaration independence",
    ["when", "what"],
    "The US Declaration of Independence was adopted on 4 July 1776.",
  ),
  f("titanic sink", ["when", "what"], "The Titanic sank on 15 April 1912."),
  f("titanic sank", ["when", "what"], "The Titanic sank on 15 April 1912."),
  f(
    "wright first flight",
    ["when", "who", "what"],
    "The Wright brothers made the first powered aeroplane flight on 17 December 1903.",
  ),
  f(
    "french revolution",
    ["when", "what"],
    "The French Revolution began in 1789; the Bastille was stormed on 14 July 1789.",
  ),
  f("magna carta", ["when", "what"], "King John sealed the Magna Carta on 15 June 1215."),
  f("columbus americ", ["when", "what"], "Christopher Columbus reached the Americas on 12 October 1492."),
  f("wrote hamlet", ["who"], "William Shakespeare wrote Hamlet, around 1600."),
  f("wrote romeo juliet", ["who"], "William Shakespeare wrote Romeo and Juliet, in the mid-1590s."),
  f("wrote pride prejudice", ["who"], "Jane Austen wrote Pride and Prejudice, published in 1813."),
  f("wrote 1984", ["who"], "George Orwell wrote Nineteen Eighty-Four, published in 1949."),
  f("painted mona lisa", ["who"], "Leonardo da Vinci painted the Mona Lisa, in the early 1500s."),
  f("discovered penicillin", ["who", "when"], "Alexander Fleming discovered penicillin in 1928."),
  f("invented telephone", ["who", "when"], "Alexander Graham Bell patented the telephone in 1876."),
  f(
    "theory relativity",
    ["who", "when", "what"],
    "Albert Einstein developed the theory of relativity: special relativity in 1905 and general relativity in 1915.",
  ),
  f("boiling point water", ["what", "how"], "Water boils at 100 °C (212 °F) at sea-level pressure."),
  f("water boil", ["what", "how", "when"], "Water boils at 100 °C (212 °F) at sea-level pressure."),
  f("freezing point water", ["what", "how"], "Water freezes at 0 °C (32 °F) at sea-level pressure."),
  f(
    "speed light",
    ["what", "how"],
    "The speed of light in a vacuum is exactly 299,792,458 metres per second (about 300,000 km/s).",
  ),
  f(
    "many planets",
    ["how", "what"],
    "There are eight planets in the Solar System: Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus and Neptune.",
  ),
  f("largest planet", ["what", "which"], "Jupiter is the largest planet in the Solar System."),
  f("biggest planet", ["what", "which"], "Jupiter is the largest planet in the Solar System."),
  f(
    "tallest mountain",
    ["what", "which"],
    "Mount Everest is the tallest mountain above sea level, at 8,849 metres.",
  ),
  f(
    "highest mountain",
    ["what", "which"],
    "Mount Everest is the highest mountain above sea level, at 8,849 metres.",
  ),
  f("largest ocean", ["what", "which"], "The Pacific is the largest ocean."),
  f(
    "many continents",
    ["how", "what"],
    "There are seven continents: Africa, Antarctica, Asia, Australia (Oceania), Europe, North America and South America.",
  ),
  f("chemical symbol gold", ["what"], "The chemical symbol for gold is Au."),
  f("formula water", ["what"], "The chemical formula of water is H₂O."),
  f("many days leap year", ["how", "what"], "A leap year has 366 days."),
  f("many days year", ["how", "what"], "A common year has 365 days; a leap year has 366."),
  f("many bones", ["how", "what"], "An adult human skeleton has 206 bones."),
];
