/**
 * How the offline model simulator talks about attached files: it reads text, CSV and JSON files,
 * answers questions from their content (quoting the lines a question is about, looking up table rows
 * and JSON keys), summarises them in sentences taken from them, and acknowledges binary files by name,
 * type and size.
 *
 * @module
 */
import type { SimFile } from "./simulator_turn.ts";
import { isQuestion } from "./simulator_facts.ts";
import {
  answerJson,
  answerTable,
  describeJson,
  describeTable,
  parseCsv,
  parseJson,
} from "./simulator_tables.ts";
import { clip, keywords } from "./simulator_text.ts";

/** Words that point at "the file" rather than at its contents. */
const FILE_WORDS =
  /\b(?:file|files|document|doc|attachment|attached|upload(?:ed)?|csv|report|spreadsheet|data|txt|pdf)\b/i;
const NOT_CONTENT = new Set([
  "file",
  "files",
  "document",
  "attachment",
  "attached",
  "uploaded",
  "report",
  "data",
  "say",
  "says",
  "said",
  "figures",
  "numbers",
  "quote",
  "lines",
  "line",
  "were",
  "look",
  "read",
]);

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
}

function describe(file: SimFile): string {
  return `${file.name} (${file.mimeType}, ${file.size} bytes)`;
}

/** The structured reading of a file, when it is CSV or JSON. */
function structured(file: SimFile): { csv?: ReturnType<typeof parseCsv>; json?: { value: unknown } } {
  if (file.text === undefined) return {};
  if (/csv/i.test(file.mimeType) || /\.csv$/i.test(file.name)) return { csv: parseCsv(file.text) };
  if (/json/i.test(file.mimeType) || /\.json$/i.test(file.name)) {
    const json = parseJson(file.text);
    return json === undefined ? {} : { json };
  }
  return {};
}

/** Acknowledges one attached file: a summary of text files, name/type/size for the rest. */
export function acknowledgeFile(file: SimFile): string {
  if (file.text === undefined) {
    return `I received ${describe(file)}. It is not a text file, so I can't read its contents, ` +
      "but I have noted the attachment.";
  }
  return `I received ${describe(file)}. ${summarizeFile(file)}`;
}

/** Sentences of a text: lines that are sentences already, or sentences split from paragraphs. */
function sentencesOf(text: string): string[] {
  return lines(text).flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z0-9"])/))
    .map((sentence) => sentence.replace(/^[-*#>\s]+/, "").trim()).filter((sentence) => sentence.length > 2);
}

/** Ends a sentence taken from a file with a full stop when it has no end mark. */
function asSentence(text: string): string {
  return /[.!?]["')]?$/.test(text) ? text : `${text}.`;
}

/**
 * A summary in sentences taken from the file: its title line, then the sentences that share the most
 * frequent content words of the whole file (at most three, in file order). CSV and JSON files are
 * described by their structure and values instead.
 */
export function summarizeFile(file: SimFile): string {
  if (file.text === undefined) return acknowledgeFile(file);
  const { csv, json } = structured(file);
  if (csv !== undefined) return describeTable(file.name, csv);
  if (json !== undefined) return describeJson(file.name, json.value);
  const all = sentencesOf(file.text).slice(0, 2000);
  if (all.length === 0) return `${file.name} is empty.`;
  const [first = "", ...rest] = all;
  const title = !/[.!?]$/.test(first) && first.split(/\s+/).length <= 12 ? first : undefined;
  const body = title === undefined ? all : rest;
  const frequency = new Map<string, number>();
  for (const sentence of body) {
    for (const word of keywords(sentence)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  const scored = body.map((sentence, index) => {
    const words = keywords(sentence);
    const points = words.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0) /
      Math.sqrt(words.length || 1);
    return { sentence, index, points };
  });
  const chosen = scored.sort((a, b) => b.points - a.points || a.index - b.index).slice(0, 3)
    .sort((a, b) => a.index - b.index).map(({ sentence }) => asSentence(clip(sentence, 200)));
  const opening = title === undefined
    ? `Summary of ${file.name}:`
    : `Summary of ${file.name} (${clip(title, 100)}):`;
  return [opening, ...chosen].join(" ");
}

/** Picks the file a question names, else the newest. */
function chooseFile(question: string, files: readonly SimFile[]): SimFile | undefined {
  const lower = question.toLowerCase();
  return files.find((file) => lower.includes(file.name.toLowerCase())) ?? files[0];
}

/**
 * Answers a question from attached files (newest first): a summary on "summarize", else the lines
 * that mention the question's key words. Returns undefined when the question is not about the files.
 */
export function answerFromFiles(question: string, files: readonly SimFile[]): string | undefined {
  if (files.length === 0) return undefined;
  const mentionsFile = FILE_WORDS.test(question) || files.some((f) => question.includes(f.name));
  if (/\bsummar(?:y|ise|ize|ising|izing)\b/i.test(question)) {
    const file = chooseFile(question, files);
    return file ? summarizeFile(file) : undefined;
  }
  const terms = keywords(question)
    .filter((word) => !NOT_CONTENT.has(word))
    .map((word) => word.replace(/(?:'s|s)$/, ""))
    .filter((word) => word.length > 2);
  for (const file of files) {
    if (file.text === undefined || terms.length === 0) continue;
    const { csv, json } = structured(file);
    const fromStructure = csv !== undefined
      ? answerTable(file.name, csv, question)
      : json !== undefined
      ? answerJson(file.name, json.value, question)
      : undefined;
    if (fromStructure !== undefined) return fromStructure;
    const hits = lines(file.text).filter((line) => {
      const lower = line.toLowerCase();
      return terms.some((term) => lower.includes(term));
    });
    if (hits.length > 0) {
      const quoted = hits.slice(0, 8).map((line) => `- "${clip(line, 160)}"`).join("\n");
      return `From ${file.name}, the relevant lines are:\n${quoted}`;
    }
  }
  if (!mentionsFile) return undefined;
  const file = chooseFile(question, files);
  if (file === undefined) return undefined;
  if (!isQuestion(question)) return `Thanks — I have ${file.name} and can answer questions about it.`;
  if (file.text === undefined) return acknowledgeFile(file);
  const about = terms.length > 0 ? ` about ${terms.join(", ")}` : "";
  return `I read ${file.name} but found no lines${about}. ${summarizeFile(file)}`;
}
