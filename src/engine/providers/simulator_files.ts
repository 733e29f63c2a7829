/**
 * How the offline model simulator talks about attached files: it reads text files, quotes the lines a
 * question is about, summarises on request, and acknowledges binary files by name, type and size.
 *
 * @module
 */
import type { SimFile } from "./simulator_turn.ts";
import { isQuestion } from "./simulator_memory.ts";
import { clip, keywords, wordCount } from "./simulator_text.ts";

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

/** Acknowledges one attached file: a short look at text files, name/type/size for the rest. */
export function acknowledgeFile(file: SimFile): string {
  if (file.text === undefined) {
    return `I received ${describe(file)}. It is not a text file, so I can't read its contents, ` +
      "but I have noted the attachment.";
  }
  const all = lines(file.text);
  const first = all[0];
  return `I received ${describe(file)}: ${all.length} lines and ${wordCount(file.text)} words.` +
    (first === undefined ? " It is empty." : ` It begins: "${clip(first, 120)}".`);
}

/** A short summary of a text file: size, counts and its first lines. */
export function summarizeFile(file: SimFile): string {
  if (file.text === undefined) return acknowledgeFile(file);
  const all = lines(file.text);
  const head = all.slice(0, 3).map((line) => `"${clip(line, 120)}"`).join(", ");
  return `Summary of ${file.name}: ${all.length} lines, ${wordCount(file.text)} words.` +
    (head === "" ? " The file is empty." : ` It opens with ${head}.`);
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
