/**
 * REST: the browser playground. `GET /playground` serves the page, `/playground/app.js` and `app.css`
 * its code and style (`playground/` in the package, imported as text: part of the module graph, so
 * serving them needs no read permission), and `/playground/sdk.js` the SDK itself (`mod.ts`) bundled
 * for browsers, built once per process on first request. The page holds no
 * credential: the operator opens it with a scoped token in the URL fragment or pastes one in.
 *
 * @module
 */
import APP_CSS from "../../../playground/app.css" with { type: "text" };
import APP_JS from "../../../playground/app.js" with { type: "text" };
import INDEX_HTML from "../../../playground/index.html" with { type: "text" };
import { ApiError } from "./errors.ts";
import type { Route } from "./router.ts";

const SDK_ENTRY = new URL("../../../mod.ts", import.meta.url);

const FILES: Readonly<Record<string, { type: string; body: string }>> = {
  "index.html": { type: "text/html; charset=utf-8", body: INDEX_HTML },
  "app.js": { type: "text/javascript; charset=utf-8", body: APP_JS },
  "app.css": { type: "text/css; charset=utf-8", body: APP_CSS },
};

/** Headers for every playground answer: no framing by other sites, nothing fetched from elsewhere. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

/** The SDK bundled for browsers (ES module), or why it cannot be built here. */
type Bundle = { code: string } | { problem: string };

interface DenoWithBundle {
  bundle?: (options: {
    entrypoints: string[];
    platform: "browser";
    format: "esm";
    minify: boolean;
    write: false;
  }) => Promise<{ success: boolean; errors: { text?: string }[]; outputFiles?: { text(): string }[] }>;
}

/** In process with `Deno.bundle` (`--unstable-bundle`), else with the `deno bundle` command. */
async function buildSdkBundle(): Promise<Bundle> {
  const inProcess = (Deno as unknown as DenoWithBundle).bundle;
  try {
    if (inProcess) {
      const result = await inProcess({
        entrypoints: [SDK_ENTRY.href],
        platform: "browser",
        format: "esm",
        minify: true,
        write: false,
      });
      const code = result.outputFiles?.[0]?.text();
      if (result.success && code) return { code };
      return { problem: `bundling failed: ${result.errors.map((e) => e.text).join("; ")}` };
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "browser", "--minify", SDK_ENTRY.href],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return { code: new TextDecoder().decode(out.stdout) };
    return { problem: `deno bundle failed: ${new TextDecoder().decode(out.stderr).slice(0, 500)}` };
  } catch (error) {
    return {
      problem: `the engine cannot bundle the SDK (${error instanceof Error ? error.message : error}). ` +
        "Run it with --unstable-bundle (deno task engine does) or with --allow-run",
    };
  }
}

/** The playground routes; the SDK bundle is built on first request and kept. */
export function playgroundRoutes(): Route[] {
  let bundle: Promise<Bundle> | undefined;
  const file = (name: string): Response => {
    const found = FILES[name];
    if (found === undefined) {
      throw new ApiError(
        404,
        `No playground file ${name.slice(0, 40)}; the files are ${Object.keys(FILES)}, sdk.js.`,
      );
    }
    return new Response(found.body, { headers: { "content-type": found.type, ...SECURITY_HEADERS } });
  };
  return [
    { method: "GET", path: "/playground", auth: false, handler: () => file("index.html") },
    {
      method: "GET",
      path: "/playground/:asset",
      auth: false,
      handler: async ({ params }) => {
        if (params.asset !== "sdk.js") return file(params.asset ?? "");
        bundle ??= buildSdkBundle();
        const built = await bundle;
        if ("problem" in built) {
          bundle = undefined; // the next request tries again (a permission may have been granted)
          throw new ApiError(503, `The SDK bundle for the playground is unavailable: ${built.problem}.`);
        }
        return new Response(built.code, {
          headers: { "content-type": "text/javascript; charset=utf-8", ...SECURITY_HEADERS },
        });
      },
    },
  ];
}
