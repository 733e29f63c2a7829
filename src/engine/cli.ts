/**
 * `deno task engine [options]`: runs the engine in the foreground. Every setting has a flag and an
 * environment variable (`deno task engine --help` lists them with their defaults; see
 * `cli_options.ts`). Accepted keys come from `--api-key` or `VECTORSHIFT_API_KEY` (comma-separated);
 * without either a key is generated and printed. Providers read `OPENAI_API_KEY` / `OPENAI_BASE_URL`
 * and `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL` from the environment. Logs go to stderr as JSON lines or text (`--log-format`, `--log-level`), with
 * one access line per REST request and per WebSocket close. Every organisation starts with the sample
 * knowledge documents the examples search (`tools/sample_knowledge.ts`). Ctrl-C or SIGTERM closes every socket
 * with 1001 and exits. A bad flag or variable exits with status 2.
 *
 * @module
 */
import { CliError, type CliSettings, helpText, parseCli } from "./cli_options.ts";
import { DATABASE_FILE, type Engine, startEngine } from "./engine.ts";
import { createLogger, type Logger } from "./log.ts";
import { PLAYGROUND_LINK_TTL_SECONDS, playgroundLink } from "./playground_link.ts";
import { redactUrl } from "./store/redis_url.ts";
import { SAMPLE_KNOWLEDGE_DOCUMENTS } from "./tools/sample_knowledge.ts";

/** Parses the command line, or prints help (exit 0) or the problem (exit 2). */
function settingsOrExit(): CliSettings {
  try {
    const request = parseCli(Deno.args, {
      env: (name) => Deno.env.get(name),
      cwd: Deno.cwd(),
      stderrIsTerminal: Deno.stderr.isTerminal(),
    });
    if (request.help) {
      console.log(helpText());
      Deno.exit(0);
    }
    return request.settings;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`deno task engine: ${error.message}`);
    Deno.exit(2);
  }
}

/**
 * THE place where CLI settings reach the engine: every `EngineOptions` flag, the data directory
 * (persistent by default; `--memory` keeps nothing), idle expiry and the drain on stop.
 */
async function startFromSettings(settings: CliSettings, logger: Logger): Promise<Engine> {
  return await startEngine({
    // Facing the network, the standalone engine closes idle and half-sent HTTP connections by default.
    httpIdleTimeoutMs: 30_000,
    ...settings.engine,
    // The examples' documents, so every example answers the same against this engine as embedded.
    knowledgeDocuments: SAMPLE_KNOWLEDGE_DOCUMENTS.map((doc) => ({ ...doc })),
    env: Deno.env.toObject(),
    logger,
    ...(settings.memory ? {} : { dataDir: settings.dataDir }),
    sessionIdleExpiryMs: settings.sessionIdleExpiryMs,
    drainGraceMs: settings.drainGraceMs,
  });
}

if (import.meta.main) {
  const settings = settingsOrExit();
  const encoder = new TextEncoder();
  const logger = createLogger({
    format: settings.logFormat,
    level: settings.logLevel,
    write: (line) => {
      // writeSync may write part of a long line; loop until all of it is out.
      let bytes = encoder.encode(`${line}\n`);
      for (let i = 0; i < 1000 && bytes.length > 0; i++) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
    },
  });
  // Last line of defence: every handler catches its own errors, so reaching these is a bug, logged as
  // one; a long-running server keeps serving the other sessions instead of exiting.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    logger.error("internal error: unhandled rejection", {
      error: event.reason instanceof Error ? event.reason.stack : String(event.reason),
    });
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    logger.error("internal error: uncaught exception", {
      error: event.error instanceof Error ? event.error.stack : event.message,
    });
  });
  let engine: Engine;
  try {
    engine = await startFromSettings(settings, logger);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
    const hint = error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ? " Run it with --allow-write (deno task engine does), or pass --memory to keep nothing."
      : "";
    console.error(`deno task engine: cannot start: ${reason}.${hint}`);
    Deno.exit(1);
  }
  console.log(`VectorShift engine listening on ${engine.url}`);
  console.log(
    settings.engine.redisUrl !== undefined
      ? `State is kept in Redis at ${
        redactUrl(settings.engine.redisUrl)
      }, shared with every engine started with it.`
      : settings.memory
      ? "State is kept in memory only (--memory): a restart loses every agent and session."
      : `State is kept in ${settings.dataDir}/${DATABASE_FILE} (survives crashes and restarts).`,
  );
  const keyCount = settings.engine.apiKeys?.length ?? 0;
  if (settings.apiKeysFrom === undefined) {
    console.log(`No VECTORSHIFT_API_KEY set; generated API key: ${engine.apiKey}`);
  } else {
    console.log(`Accepting ${keyCount} API key(s) from ${settings.apiKeysFrom}.`);
  }
  try {
    const link = await playgroundLink(engine);
    console.log(`Playground (the link holds a token valid ${PLAYGROUND_LINK_TTL_SECONDS / 60} min): ${link}`);
  } catch (error) {
    logger.warn("no playground link", { error: error instanceof Error ? error.message : String(error) });
  }
  logger.info("engine listening", {
    url: engine.url,
    log_format: settings.logFormat,
    log_level: settings.logLevel,
  });
  const env = Deno.env.toObject();
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    logger.info(
      "No OPENAI_API_KEY or OPENAI_BASE_URL: agents using openai are answered by the offline model simulator.",
    );
  }
  if (!env.ANTHROPIC_API_KEY && !env.ANTHROPIC_BASE_URL) {
    logger.info(
      "No ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL: agents using anthropic are answered by the offline model simulator.",
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    // `deno task` forwards the terminal's SIGINT, so the same Ctrl-C can arrive twice.
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    engine.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
}
