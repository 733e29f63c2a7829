/**
 * Driver (run with `deno run -A` by `playground.test.ts`): uses the playground in Chromium as a person
 * would: opens it with a token in the URL fragment, creates an agent, has two turns, approves a tool
 * call, disconnects and resumes by id, terminates. Reads `{ url, token, screenshot }` from stdin and
 * prints one JSON line of what it saw.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { launch } from "./launch.ts";

const input = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
  url: string;
  token: string;
  screenshot: string;
};

const TIMEOUT = 20_000;

/** The text of the newest assistant bubble once it contains `pattern`. */
async function answer(page: Page, pattern: RegExp): Promise<string> {
  const bubble = page.locator(".msg.assistant:not(.streaming)").last();
  await bubble.filter({ hasText: pattern }).waitFor({ timeout: TIMEOUT });
  return await bubble.innerText();
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#message", text);
  await page.press("#message", "Enter");
}

const browser = await launch();
const report: Record<string, unknown> = {};
const pageErrors: string[] = [];
try {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(`${input.url}/playground#token=${input.token}`);
  await page.locator("#app").waitFor({ state: "visible", timeout: TIMEOUT });
  report.urlAfterOpen = page.url();
  report.htmlHoldsToken = (await page.content()).includes(input.token);

  // Create an agent (its calculator asks for approval by default).
  await page.click("#new-agent summary");
  await page.fill("#agent-name", "Playground demo");
  await page.click("#create-agent");
  await page.locator("#chat-title", { hasText: "Playground demo" }).waitFor({ timeout: TIMEOUT });
  await page.locator("#session-id", { hasText: /^ses_/ }).waitFor({ timeout: TIMEOUT });
  report.firstSession = await page.innerText("#session-id");

  // Two turns, the second with an approval answered with the button.
  await say(page, "My name is Ada.");
  report.firstAnswer = await answer(page, /Ada/);
  await say(page, "What is 23 * 19?");
  await page.locator(".approval button.approve").waitFor({ timeout: TIMEOUT });
  report.approvalText = await page.innerText(".approval");
  await page.click(".approval button.approve");
  report.secondAnswer = await answer(page, /437/);
  report.toolNotes = await page.locator(".note.tool").allInnerTexts();
  await page.screenshot({ path: input.screenshot });

  // Disconnect, then resume by id: the history comes back and memory holds.
  await page.click("#disconnect");
  await page.locator(".note.warn", { hasText: "Disconnected from" }).waitFor({ timeout: TIMEOUT });
  report.resumeFieldAfterDisconnect = await page.inputValue("#resume-id");
  await page.click("#resume-form button");
  await page.locator(".note.warn", { hasText: "Resumed" }).waitFor({ timeout: TIMEOUT });
  report.historyAfterResume = await page.locator(".msg").allInnerTexts();
  await say(page, "What is my name?");
  report.thirdAnswer = await answer(page, /Ada/);

  // The timeline: every event with its type and seq.
  report.timeline = await page.$$eval(
    "#events tr",
    (rows) =>
      rows.filter((row) => row.children.length === 3).map((row) => ({
        seq: row.children[0]?.textContent ?? "",
        type: row.children[1]?.textContent ?? "",
      })),
  );

  await page.click("#terminate");
  await page.locator(".note.error", { hasText: "terminated" }).waitFor({ timeout: TIMEOUT });
  report.sendDisabledAfterTerminate = await page.isDisabled("#send");
  report.statusAfterTerminate = await page.innerText("#status-text");
  report.pageErrors = pageErrors;
  console.log(JSON.stringify(report));
} catch (error) {
  console.error(`playground driver failed: ${error instanceof Error ? error.stack : error}`);
  console.error(`what it saw: ${JSON.stringify({ ...report, pageErrors })}`);
  Deno.exitCode = 1;
} finally {
  await browser.close();
}
