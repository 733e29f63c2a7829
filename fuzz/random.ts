/**
 * The fuzzer's own seeded PRNG (mulberry32) and the value generators built on it. Every case derives
 * its generator from `(seed, phase, case number)`, so one failing case can be replayed alone
 * (`--replay ws:1234`) without running the cases before it, and a run is reproducible from its seed.
 *
 * @module
 */

/** 32-bit FNV-1a of a string; mixes phase names into case seeds. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Characters that break naive string handling: controls, quotes, separators, surrogates, emoji. */
const HOSTILE = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\r",
  "\u001b[31m",
  "\u007f",
  '"',
  "\\",
  "/",
  "%",
  "%00",
  "%ZZ",
  "\u00e9",
  "\u00df",
  "\u4e2d\u6587",
  "\u0645\u0631\u062d\u0628\u0627",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\ufffd",
  "\ud800",
  "\udfff",
  "\u{1F600}",
  "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}",
  "\u{1F3F3}\uFE0F\u200D\u{1F308}",
  "\u0301\u0301\u0301",
  "${x}",
  "{{inputs.x}}",
  "<script>",
  "' OR 1=1 --",
  "__proto__",
  "constructor",
  "..",
];

/** A seeded pseudo-random generator (mulberry32) with helpers for hostile values. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator of one case: independent of every other case of the run. */
  static forCase(seed: number, phase: string, index: number): Rng {
    return new Rng(
      (Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(phase) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0,
    );
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick() needs a non-empty array");
    return item;
  }

  /** A choice weighted by the numbers in `table`. */
  weighted<T extends string>(table: Readonly<Record<T, number>>): T {
    const entries = Object.entries(table) as [T, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error("weighted() needs a non-empty table");
    return last[0];
  }

  /** A short plain identifier-like string. */
  word(maxLength = 12): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-";
    let out = "";
    const n = this.int(1, maxLength);
    for (let i = 0; i < n; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** A short string mixing plain text with hostile characters. */
  hostileString(maxPieces = 6): string {
    let out = "";
    const n = this.int(0, maxPieces);
    for (let i = 0; i < n; i++) out += this.chance(0.5) ? this.pick(HOSTILE) : this.word(6);
    return out;
  }

  /** A string of about `length` UTF-16 units built by repeating a random (possibly hostile) unit. */
  hugeString(length: number): string {
    const unit = this.chance(0.5) ? this.word(8) : this.hostileString(3) || "x";
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  }

  /** Any string: empty, plain, hostile or large (up to `maxLength`). */
  anyString(maxLength: number): string {
    switch (this.weighted({ empty: 1, word: 4, hostile: 4, long: 1 })) {
      case "empty":
        return "";
      case "word":
        return this.word();
      case "hostile":
        return this.hostileString();
      case "long":
        return this.hugeString(this.int(200, Math.max(200, maxLength)));
    }
  }
}

/** A value nested `depth` levels deep (objects or arrays), built without recursion. */
export function deepValue(depth: number, arrays: boolean): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

/** JSON text nested `depth` levels deep, built as text (cheaper than building and stringifying). */
export function deepJson(depth: number, arrays: boolean): string {
  return arrays
    ? "[".repeat(depth) + "1" + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Cuts a description to `max` characters, showing its length when cut. */
export function truncate(text: string, max = 160): string {
  const flat = JSON.stringify(text).slice(1, -1);
  return flat.length <= max ? flat : `${flat.slice(0, max)}... (${text.length} chars)`;
}
