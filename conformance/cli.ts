/**
 * `deno task conformance --url <base url> --key <api key>`: runs the kit against a server, prints one
 * line per check and a summary, and exits 1 when a check failed (2 on bad arguments).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { checkIds, formatResult, formatSummary, runConformance } from "./mod.ts";
import { type ConformanceOptions, resolveOptions } from "./options.ts";

const HELP = `Usage: deno task conformance --url <base url> --key <api key> [options]

Runs the protocol v1 conformance kit against a server, over REST and WebSocket only.

  --url URL                  the server's base URL, such as http://127.0.0.1:8787
  --key KEY                  an API key of the server (or VECTORSHIFT_API_KEY)
  --other-key KEY            a key of a second organisation (otherwise those checks are skipped)
  --llm-info JSON            llm_info of the agents the kit creates
                             (default {"provider":"simulator","model_id":"offline-simulator-1"})
  --handshake-timeout-ms N   the server's handshake timeout (default 10000)
  --wait-ms N                longest wait for one expected event or answer (default 10000)
  --only ID[,ID...]          run only these checks or groups (such as handshake,replay.gap_event)
  --list                     print the check ids and exit
  --help                     this text`;

function fail(message: string): never {
  console.error(`${message}\nRun with --help for usage.`);
  Deno.exit(2);
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    fail(`--${name} must be a positive number of milliseconds; got "${value}".`);
  }
  return n;
}

function options(args: string[]): ConformanceOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        url: { type: "string" },
        key: { type: "string" },
        "other-key": { type: "string" },
        "llm-info": { type: "string" },
        "handshake-timeout-ms": { type: "string" },
        "wait-ms": { type: "string" },
        only: { type: "string" },
        list: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (parsed.help) {
    console.log(HELP);
    return undefined;
  }
  if (parsed.list) {
    console.log(checkIds().join("\n"));
    return undefined;
  }
  const url = parsed.url ??
    fail("Give the server's base URL with --url, such as --url http://127.0.0.1:8787.");
  const key = parsed.key ?? Deno.env.get("VECTORSHIFT_API_KEY")?.split(",")[0] ??
    fail(
      "Give an API key of the server with --key (the engine prints one at start), or set VECTORSHIFT_API_KEY.",
    );
  let llmInfo: Record<string, unknown> | undefined;
  if (parsed["llm-info"] !== undefined) {
    try {
      llmInfo = JSON.parse(parsed["llm-info"]);
    } catch {
      fail(`--llm-info must be a JSON object, such as '{"provider":"openai","model_id":"gpt-4o"}'.`);
    }
  }
  const handshake = number("handshake-timeout-ms", parsed["handshake-timeout-ms"]);
  const wait = number("wait-ms", parsed["wait-ms"]);
  return {
    url,
    key,
    ...(parsed["other-key"] === undefined ? {} : { otherKey: parsed["other-key"] }),
    ...(llmInfo === undefined ? {} : { llmInfo }),
    ...(handshake === undefined ? {} : { handshakeTimeoutMs: handshake }),
    ...(wait === undefined ? {} : { waitMs: wait }),
    ...(parsed.only === undefined
      ? {}
      : { only: parsed.only.split(",").map((s) => s.trim()).filter(Boolean) }),
    onResult: (result) => console.log(formatResult(result)),
  };
}

/** Fails with an actionable message when the URL or key is unusable, or the server does not answer. */
async function reachable(chosen: ConformanceOptions): Promise<void> {
  let url: string;
  try {
    url = resolveOptions(chosen).url;
  } catch (error) {
    fail((error as Error).message);
  }
  let status: number;
  try {
    const answer = await fetch(`${url}/v1/agents?limit=1`, {
      headers: { authorization: `Bearer ${chosen.key}` },
      signal: AbortSignal.timeout(5_000),
    });
    await answer.body?.cancel();
    status = answer.status;
  } catch (error) {
    fail(`Cannot reach ${url} (${(error as Error).message}); is the server running at that address?`);
  }
  if (status === 401) fail(`${url} refused the key (401); give one of the server's API keys with --key.`);
  if (status === 404) {
    fail(`${url}/v1/agents answered 404; is ${url} the server's base URL (REST under /v1)?`);
  }
}

if (import.meta.main) {
  const chosen = options(Deno.args);
  if (chosen !== undefined) {
    await reachable(chosen);
    let report;
    try {
      report = await runConformance(chosen);
    } catch (error) {
      if (error instanceof TypeError) fail(error.message);
      throw error;
    }
    console.log(formatSummary(report));
    Deno.exit(report.ok ? 0 : 1);
  }
}
