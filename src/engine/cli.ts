/**
 * `deno task engine [--hostname 127.0.0.1] [--port 8787]`: runs the engine in the foreground.
 * Accepted keys come from `VECTORSHIFT_API_KEY` (comma-separated); without it a key is generated and
 * printed. Providers read `OPENAI_API_KEY` / `OPENAI_BASE_URL` from the environment. Ctrl-C closes
 * every socket with 1001 and exits.
 *
 * @module
 */
import { startEngine } from "./engine.ts";

/** Parsed command line. */
interface Args {
  hostname: string;
  port: number;
}

const USAGE = "usage: deno task engine [--hostname 127.0.0.1] [--port 8787]";

function parseArgs(argv: string[]): Args {
  const args: Args = { hostname: "127.0.0.1", port: 8787 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? "").split("=", 2);
    const value = inline ?? argv[++i];
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (flag === "--hostname" && value) {
      args.hostname = value;
    } else if (flag === "--port" && value && /^\d+$/.test(value) && Number(value) < 65536) {
      args.port = Number(value);
    } else {
      console.error(
        `Unknown or incomplete argument "${argv[i - (inline === undefined ? 1 : 0)] ?? ""}". ${USAGE}`,
      );
      Deno.exit(2);
    }
  }
  return args;
}

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  const configured = (Deno.env.get("VECTORSHIFT_API_KEY") ?? "").split(",").map((k) => k.trim()).filter(
    Boolean,
  );
  const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);
  // Last line of defence: every handler catches its own errors, so reaching these is a bug, logged as
  // one; a long-running server keeps serving the other sessions instead of exiting.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    log(
      `internal error: unhandled rejection: ${
        event.reason instanceof Error ? event.reason.stack : event.reason
      }`,
    );
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    log(
      `internal error: uncaught exception: ${
        event.error instanceof Error ? event.error.stack : event.message
      }`,
    );
  });
  const engine = await startEngine({ ...args, apiKeys: configured, env: Deno.env.toObject(), log });
  console.log(`VectorShift engine listening on ${engine.url}`);
  if (configured.length === 0) {
    console.log(`No VECTORSHIFT_API_KEY set; generated API key: ${engine.apiKey}`);
  } else {
    console.log(`Accepting ${configured.length} API key(s) from VECTORSHIFT_API_KEY.`);
  }
  const env = Deno.env.toObject();
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    log(
      "No OPENAI_API_KEY or OPENAI_BASE_URL: agents using openai are answered by the offline model simulator.",
    );
  }
  let stopping = false;
  const stop = () => {
    // `deno task` forwards the terminal's SIGINT, so the same Ctrl-C can arrive twice.
    if (stopping) return;
    stopping = true;
    log("shutting down");
    engine.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
