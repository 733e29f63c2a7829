/**
 * Real Chromium for the browser tests: Debian's `chromium` driven by `playwright-core` (npm), with a
 * fresh profile in a temp folder and everything that would reach the network turned off (the machine
 * has no network). Playwright needs permissions the test run does not grant (it reads /proc), so the
 * drivers run in their own `deno run -A` process; {@link runDriver} starts one and reads its report.
 * Tests are skipped with a message only where Chromium is missing; CI sets
 * `VECTORSHIFT_REQUIRE_BROWSER=1`, which turns a missing Chromium into a failure.
 *
 * @module
 */

/** Where Debian installs Chromium (`apt-get install -y chromium`); `VECTORSHIFT_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = Deno.env.get("VECTORSHIFT_CHROMIUM") ?? "/usr/bin/chromium";

/** The flags every test browser runs with (headless comes from Playwright). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why browser tests cannot run here, or undefined when they can; throws when CI requires a browser. */
export function chromiumMissing(): string | undefined {
  try {
    if (Deno.statSync(CHROMIUM_PATH).isFile) return undefined;
  } catch {
    // not installed
  }
  const message =
    `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y chromium)`;
  if (Deno.env.get("VECTORSHIFT_REQUIRE_BROWSER") === "1") throw new Error(message);
  console.warn(`skipped: ${message}`);
  return message;
}

/** Registers a test that needs Chromium; ignored, with the message above, when it is missing. */
export function browserTest(name: string, fn: () => Promise<void>): void {
  const missing = chromiumMissing();
  Deno.test({ name: missing ? `${name} (skipped: chromium missing)` : name, ignore: !!missing, fn });
}

/**
 * Runs a driver script (`deno run -A`) with `input` as JSON on stdin and returns the JSON object it
 * prints last; fails with its output when it exits non-zero.
 */
export async function runDriver<T>(script: URL, input: unknown): Promise<T> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`driver ${script.pathname} exited ${out.code}\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  return JSON.parse(stdout.split("\n").at(-1) ?? "{}") as T;
}
