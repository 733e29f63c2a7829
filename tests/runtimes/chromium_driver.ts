/**
 * Driver (run with `deno run -A` by `chromium.test.ts`): runs the runtime check's client script,
 * bundled for browsers, in Chromium. The page comes from a loopback server of this driver, so the SDK
 * calls the engine cross-origin (CORS) as a web app on its own origin would; the page defines
 * `process.env` with the credentials, the way Bun and Node get them. Reads `{ url, key, bundle }` from
 * stdin; prints the script's report.
 *
 * @module
 */
import { launch } from "../browser/launch.ts";

const input = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
  url: string;
  key: string;
  bundle: string;
};
const env = { VECTORSHIFT_API_KEY: input.key, VECTORSHIFT_API_URL: input.url };
const page = `<!doctype html><meta charset="utf-8"><title>runtime check</title>
<script>globalThis.process = { env: ${JSON.stringify(env)},
  exit(code) { console.log("runtime check exited with " + code); } };</script>
<script type="module" src="/client.js"></script>`;

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
  const path = new URL(request.url).pathname;
  if (path === "/") return new Response(page, { headers: { "content-type": "text/html" } });
  if (path === "/client.js") {
    return new Response(input.bundle, { headers: { "content-type": "text/javascript" } });
  }
  return new Response("not found", { status: 404 });
});
const browser = await launch();
try {
  const tab = await browser.context.newPage();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const report = new Promise<string>((resolve, reject) => {
    tab.on("console", (message) => {
      const text = message.text();
      if (text.startsWith("{")) resolve(text);
    });
    tab.on("pageerror", (error) => reject(error));
    timer = setTimeout(() => reject(new Error("no report from the page within 60 s")), 60_000);
  });
  await tab.goto(`http://127.0.0.1:${server.addr.port}/`);
  console.log(await report.finally(() => clearTimeout(timer)));
} finally {
  await browser.close();
  await server.shutdown();
}
