/**
 * An in-memory full-text index over an organisation's knowledge documents, ranked with BM25 (term
 * frequency, weighted by how rare each term is, normalised by document length), with a snippet around
 * the best-matching passage. The engine keeps one per organisation.
 *
 * @module
 */
import type { SearchHit } from "./tool.ts";

/** A stored document as the REST API reports it. */
export interface KnowledgeDocumentInfo {
  /** Document id. */
  id: string;
  /** Title. */
  title: string;
  /** Length of the text in characters. */
  chars: number;
}

interface IndexedDocument extends KnowledgeDocumentInfo {
  text: string;
  terms: Map<string, number>;
  length: number;
}

const STOPWORDS = new Set(
  "a an and are as at be but by for from has have how i in is it its of on or that the this to was were what when where which who why will with you your do does did can"
    .split(" "),
);
const K1 = 1.2;
const B = 0.75;
const SNIPPET_CHARS = 240;
const MAX_LIMIT = 50;
/** Passages of one document looked at for a snippet (the text is bounded, but a snippet need not scan all). */
const MAX_PASSAGES = 2000;

/**
 * Lower-cased words without stopwords, with plural and past-tense endings folded ("policies" →
 * "policy", "landed" → "land"), so a question in the present tense finds a report in the past.
 */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(word)) continue;
    terms.push(stem(word));
  }
  return terms;
}

/** A crude suffix folding: enough for plurals and regular past tenses, never below three letters. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith("ied")) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith("ed") && !word.endsWith("eed")) {
    const base = word.slice(0, -2);
    // "stopped" → "stop"; "issued" → "issu" like "issue" → "issu" below.
    return /([b-df-hj-np-tv-z])\1$/.test(base) ? base.slice(0, -1) : base.replace(/e$/, "");
  }
  if (word.length > 5 && word.endsWith("ing")) {
    const base = word.slice(0, -3);
    return /([b-df-hj-np-tv-z])\1$/.test(base) ? base.slice(0, -1) : base;
  }
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return stem(word.slice(0, -1));
  if (word.length > 4 && word.endsWith("e") && !word.endsWith("ee")) return word.slice(0, -1);
  return word;
}

function counts(terms: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const term of terms) map.set(term, (map.get(term) ?? 0) + 1);
  return map;
}

/**
 * A per-organisation document index.
 *
 * @example Add and search
 * ```ts
 * import { KnowledgeIndex } from "./knowledge_index.ts";
 * const index = new KnowledgeIndex();
 * index.add({ title: "Refunds", text: "Refunds are paid within 14 days of a return." });
 * console.log(index.search("refund policy", 3)[0]?.title); // "Refunds"
 * ```
 */
export class KnowledgeIndex {
  #docs = new Map<string, IndexedDocument>();
  #documentFrequency = new Map<string, number>();
  #totalLength = 0;
  #newId: () => string;

  /**
   * Creates an empty index.
   *
   * @param options.newId Makes document ids (default: `doc_` plus random hex).
   */
  constructor(options: { newId?: () => string } = {}) {
    this.#newId = options.newId ?? (() => `doc_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`);
  }

  /** Number of documents. */
  get size(): number {
    return this.#docs.size;
  }

  /** Adds a document and returns what the REST API reports about it. */
  add(document: { title: string; text: string; id?: string }): KnowledgeDocumentInfo {
    const id = document.id ?? this.#newId();
    // The title counts twice: a match in the title says more than one in the body.
    const terms = counts([
      ...searchTerms(document.title),
      ...searchTerms(document.title),
      ...searchTerms(document.text),
    ]);
    const length = [...terms.values()].reduce((sum, n) => sum + n, 0);
    this.#docs.set(id, {
      id,
      title: document.title,
      chars: document.text.length,
      text: document.text,
      terms,
      length,
    });
    for (const term of terms.keys()) {
      this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
    }
    this.#totalLength += length;
    return { id, title: document.title, chars: document.text.length };
  }

  /** Removes a document; false when the id is unknown. */
  remove(id: string): boolean {
    const doc = this.#docs.get(id);
    if (doc === undefined) return false;
    this.#docs.delete(id);
    for (const term of doc.terms.keys()) {
      const n = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (n <= 0) this.#documentFrequency.delete(term);
      else this.#documentFrequency.set(term, n);
    }
    this.#totalLength -= doc.length;
    return true;
  }

  /** The stored documents, oldest first. */
  /** Characters of text held, over every document. */
  get chars(): number {
    let total = 0;
    for (const doc of this.#docs.values()) total += doc.chars;
    return total;
  }

  list(): KnowledgeDocumentInfo[] {
    return [...this.#docs.values()].map(({ id, title, chars }) => ({ id, title, chars }));
  }

  #idf(term: string): number {
    const n = this.#docs.size;
    const df = this.#documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The best matches for `query`, best first; documents sharing no term with it are left out.
   *
   * @param limit At most this many hits (clamped to 1..50).
   */
  search(query: string, limit: number): SearchHit[] {
    const queryTerms = [...new Set(searchTerms(query))];
    if (queryTerms.length === 0 || this.#docs.size === 0) return [];
    const average = this.#totalLength / this.#docs.size || 1;
    const scored: Array<{ doc: IndexedDocument; score: number }> = [];
    for (const doc of this.#docs.values()) {
      let score = 0;
      for (const term of queryTerms) {
        const tf = doc.terms.get(term) ?? 0;
        if (tf > 0) {
          score += this.#idf(term) * (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / average));
        }
      }
      if (score > 0) scored.push({ doc, score });
    }
    scored.sort((a, b) => b.score - a.score);
    const count = Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
    return scored.slice(0, count).map(({ doc, score }) => ({
      document_id: doc.id,
      title: doc.title,
      snippet: this.#snippet(doc.text, queryTerms),
      score: Math.round(score * 1000) / 1000,
    }));
  }

  /**
   * The passage with the most (rarity-weighted) query terms, clipped around its first match. Other
   * matching passages follow it, in document order, while they fit: a question often needs two
   * sentences ("refunds within 30 days" and "paid within 5 days").
   */
  #snippet(text: string, queryTerms: readonly string[]): string {
    const passages = text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s !== "")
      .slice(0, MAX_PASSAGES);
    const scores = passages.map((passage) => {
      const terms = new Set(searchTerms(passage));
      return queryTerms.reduce((sum, term) => sum + (terms.has(term) ? this.#idf(term) + 1 : 0), 0);
    });
    let bestAt = 0;
    scores.forEach((score, i) => {
      if (score > (scores[bestAt] ?? 0)) bestAt = i;
    });
    const best = passages[bestAt] ?? "";
    if (best.length <= SNIPPET_CHARS) {
      let length = best.length;
      const chosen = new Set([bestAt]);
      for (let i = 0; i < passages.length; i++) {
        const passage = passages[i] ?? "";
        if (chosen.has(i) || (scores[i] ?? 0) === 0 || length + passage.length + 1 > SNIPPET_CHARS) continue;
        chosen.add(i);
        length += passage.length + 1;
      }
      return passages.filter((_, i) => chosen.has(i)).join(" ");
    }
    const lower = best.toLowerCase();
    const first = Math.min(...queryTerms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), best.length);
    const start = Math.max(0, Math.min(first - 60, best.length - SNIPPET_CHARS));
    const cut = best.slice(start, start + SNIPPET_CHARS).trim();
    return `${start > 0 ? "…" : ""}${cut}${start + SNIPPET_CHARS < best.length ? "…" : ""}`;
  }
}
