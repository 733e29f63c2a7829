/**
 * Small text helpers shared by the offline model simulator's parts: hashing for deterministic
 * choices, tokenising into streamed words, decoding attached files and picking keywords.
 *
 * @module
 */

/** Words too common to tell what a question is about. */
const STOPWORDS = new Set(
  ("a an and are as at be been but by can could did do does for from had has have how i if in into is it " +
    "its me my of on or our please so tell than that the their them then there these this those to us was " +
    "we were what when where which who whom why will with would you your about give show list any some " +
    "just also very much many more most should shall may might must there's what's it's i'm let lets").split(
      " ",
    ),
);

/**
 * A stable 32-bit FNV-1a hash, so every "random-looking" choice the simulator makes is the same for
 * the same input.
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Picks one item of a non-empty list deterministically from a seed text. */
export function pick<T>(items: readonly [T, ...T[]], seed: string): T {
  return items[hashString(seed) % items.length] ?? items[0];
}

/**
 * Splits text into streamed tokens: words with their leading whitespace (`"The"`, `" history"`), so
 * joining the tokens gives back the text exactly.
 */
export function tokenize(text: string): string[] {
  return [...tokens(text)];
}

/**
 * The tokens of {@link tokenize}, one at a time: a long reply streamed slowly then holds only the
 * token being sent, not an array of every token for the whole stream.
 */
export function* tokens(text: string): Generator<string> {
  const pattern = /\s*\S+|\s+$/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    yield match[0];
    // A zero-length match cannot happen (both alternatives consume), but never loop forever.
    if (match[0] === "") pattern.lastIndex++;
  }
}

/** Counts words (runs of non-space). */
export function wordCount(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** Lower-cased content words of a text, without stopwords, in order of first use. */
export function keywords(text: string): string[] {
  const seen = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []) {
    if (word.length > 2 && !STOPWORDS.has(word)) seen.add(word);
  }
  return [...seen];
}

/** Shortens text to at most `max` characters on a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** Removes a trailing sentence mark and surrounding whitespace. */
export function stripEnd(text: string): string {
  return text.trim().replace(/[\s.!?;:,]+$/, "");
}
