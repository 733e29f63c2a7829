/**
 * Launches the test Chromium from a driver process (see `chromium.ts`): a fresh profile in a temp
 * folder, removed on close.
 *
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "./chromium.ts";

/** A browser with a fresh profile; `close()` ends it and removes the profile. */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await Deno.makeTempDir({ prefix: "vs-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Playwright adds its own --headless; the rest are ours (the --user-data-dir is the profile above).
    args: CHROMIUM_FLAGS.filter((flag) => flag !== "--headless"),
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
