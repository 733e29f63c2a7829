/**
 * `deno task example [name]`: runs one documented example. With no name it runs the main job,
 * example 15 (terminate a session on the first delta). Names match by number or by words:
 * `deno task example 07`, `deno task example multi_turn`, `deno task example 15_terminate_session`.
 *
 * With `VECTORSHIFT_API_URL` and `VECTORSHIFT_API_KEY` set it runs against that engine; otherwise it
 * starts the engine in process (offline model simulator) and shuts it down afterwards.
 *
 * @module
 */
import { runExample } from "./support/run_example.ts";

const DEFAULT_EXAMPLE = "15_terminate_session";

async function listExamples(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(new URL(".", import.meta.url))) {
    if (entry.isFile && /^\d{2}_.+\.ts$/.test(entry.name)) names.push(entry.name.replace(/\.ts$/, ""));
  }
  return names.sort();
}

function pick(names: string[], wanted: string): string[] {
  const key = wanted.replace(/\.ts$/, "").replace(/^examples\//, "");
  const exact = names.filter((n) => n === key);
  if (exact.length) return exact;
  return names.filter((n) => n.startsWith(`${key}_`) || n.includes(key));
}

const wanted = Deno.args[0] ?? DEFAULT_EXAMPLE;
const names = await listExamples();
const matches = pick(names, wanted);
if (matches.length !== 1) {
  const why = matches.length === 0
    ? `No example matches "${wanted}".`
    : `"${wanted}" matches several examples.`;
  console.error(`${why} Pick one of:\n${names.map((n) => `  ${n}`).join("\n")}`);
  Deno.exit(2);
}
const module: { main: () => Promise<void> } = await import(`./${matches[0]}.ts`);
try {
  await runExample(module.main);
} catch (error) {
  // The SDK's errors say what went wrong and what to do; a stack trace adds nothing for a user here.
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  console.error(`Example ${matches[0]} failed: ${name}: ${message}`);
  Deno.exit(1);
}
