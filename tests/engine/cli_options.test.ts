import assert from "node:assert/strict";
import { CliError, type CliSettings, helpText, parseCli, SETTINGS } from "../../src/engine/cli_options.ts";
import type { EngineOptions } from "../../src/engine/options.ts";

/** Parses with the given variables, a fixed working directory and no terminal. */
function parse(argv: string[], env: Record<string, string> = {}, terminal = false): CliSettings {
  const request = parseCli(argv, {
    env: (name) => env[name],
    cwd: "/srv/engine",
    stderrIsTerminal: terminal,
  });
  if (request.help) throw new Error("unexpected help");
  return request.settings;
}

/** The error message parsing fails with. */
function problem(argv: string[], env: Record<string, string> = {}): string {
  try {
    parse(argv, env);
  } catch (error) {
    assert.ok(error instanceof CliError);
    return error.message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

Deno.test("every EngineOptions field that fits a command line has a flag", () => {
  // Adding an EngineOptions field fails to type-check here until it is given a flag (or excluded).
  const flags: Record<
    Exclude<keyof EngineOptions, "env" | "log" | "logger" | "knowledgeDocuments">,
    string[]
  > = {
    hostname: ["--hostname"],
    port: ["--port"],
    apiKeys: ["--api-key"],
    offlineModel: ["--offline-tokens-per-second"],
    retainedEvents: ["--retained-events"],
    handshakeTimeoutMs: ["--handshake-timeout-ms"],
    heartbeatIntervalMs: ["--heartbeat-interval-ms"],
    maxFrameBytes: ["--max-frame-bytes"],
    maxMessageBytes: ["--max-message-bytes"],
    coalesceMs: ["--coalesce-ms"],
    coalesceMaxMs: ["--coalesce-max-ms"],
    rateLimit: ["--rate-limit", "--rate-limit-burst"],
    cors: ["--cors-origins", "--cors-max-age"],
    allowedModelHosts: ["--allowed-model-hosts"],
    maxSocketBufferBytes: ["--max-socket-buffer-bytes"],
    maxSocketsPerKey: ["--max-sockets-per-key"],
    maxPendingHandshakes: ["--max-pending-handshakes"],
    maxPostsPerTurn: ["--max-posts-per-turn"],
    maxSessionMessages: ["--max-session-messages"],
    maxWaitingBytes: ["--max-waiting-bytes"],
    idleEvictionMs: ["--idle-eviction-ms"],
    maxKnowledgeChars: ["--max-knowledge-chars"],
    maxMemoryMessages: ["--max-memory-messages"],
    maxMemoryBytes: ["--max-memory-bytes"],
    httpIdleTimeoutMs: ["--http-idle-timeout-ms"],
    // Carried in CliSettings (not settings.engine) until the CLI hands them to the engine.
    dataDir: ["--data", "--memory"],
    redisUrl: ["--redis"],
    redisPrefix: ["--redis-prefix"],
    leaseMs: ["--lease-ms"],
    sessionIdleExpiryMs: ["--session-idle-expiry"],
    drainGraceMs: ["--drain-grace-ms"],
  };
  const known = new Set(SETTINGS.map((s) => s.flag));
  for (const [field, list] of Object.entries(flags)) {
    for (const flag of list) assert.ok(known.has(flag), `${field}: ${flag} missing`);
  }
  // Flags and variables are unique, and each variable is the flag's name in VECTORSHIFT_ form.
  assert.equal(new Set(SETTINGS.map((s) => s.flag)).size, SETTINGS.length);
  assert.equal(new Set(SETTINGS.map((s) => s.env)).size, SETTINGS.length);
  for (const s of SETTINGS) assert.match(s.env, /^VECTORSHIFT_[A-Z_]+$/);
  for (const s of SETTINGS) assert.ok(helpText().includes(`env ${s.env}; default ${s.shownDefault}`));
});

Deno.test("defaults: port 8787, data under the working directory, 7-day expiry, json logs off a terminal", () => {
  const s = parse([]);
  assert.deepEqual(s.engine, { port: 8787 });
  assert.equal(s.apiKeysFrom, undefined);
  assert.equal(s.dataDir, "/srv/engine/.vectorshift-engine");
  assert.equal(s.memory, false);
  assert.equal(s.sessionIdleExpiryMs, 7 * 24 * 3600 * 1000);
  assert.equal(s.drainGraceMs, 10_000);
  assert.equal(s.logFormat, "json");
  assert.equal(s.logLevel, "info");
  assert.equal(parse([], {}, true).logFormat, "text");
});

Deno.test("every flag maps into EngineOptions; a flag wins over its variable", () => {
  const s = parse([
    "--hostname=0.0.0.0",
    "--port",
    "9000",
    "--api-key",
    "vs-a, vs-b",
    "--offline-tokens-per-second=0",
    "--retained-events=5",
    "--handshake-timeout-ms=100",
    "--heartbeat-interval-ms=200",
    "--max-frame-bytes=2048",
    "--max-message-bytes=1000",
    "--coalesce-ms=0",
    "--coalesce-max-ms=7",
    "--rate-limit=2.5",
    "--rate-limit-burst=9",
    "--cors-max-age=60",
    "--cors-origins=https://a.example, http://localhost:3000",
    "--allowed-model-hosts=models.internal,models.internal:8000",
    "--max-socket-buffer-bytes=4096",
    "--max-sockets-per-key=3",
    "--max-pending-handshakes=4",
    "--max-posts-per-turn=2",
    "--max-session-messages=50",
    "--max-memory-messages=10",
    "--max-memory-bytes=2048",
    "--http-idle-timeout-ms=0",
    "--data",
    "state",
    "--memory",
    "--session-idle-expiry=12h",
    "--drain-grace-ms=0",
    "--log-format=TEXT",
    "--log-level=debug",
  ], { VECTORSHIFT_PORT: "1", VECTORSHIFT_API_KEY: "vs-env", VECTORSHIFT_MAX_MEMORY_MESSAGES: "99" });
  assert.deepEqual(s.engine, {
    hostname: "0.0.0.0",
    port: 9000,
    apiKeys: ["vs-a", "vs-b"],
    offlineModel: { tokensPerSecond: 0 },
    retainedEvents: 5,
    handshakeTimeoutMs: 100,
    heartbeatIntervalMs: 200,
    maxFrameBytes: 2048,
    maxMessageBytes: 1000,
    coalesceMs: 0,
    coalesceMaxMs: 7,
    rateLimit: { framesPerSecond: 2.5, burst: 9 },
    cors: { maxAgeSeconds: 60, allowedOrigins: ["https://a.example", "http://localhost:3000"] },
    allowedModelHosts: ["models.internal", "models.internal:8000"],
    maxSocketBufferBytes: 4096,
    maxSocketsPerKey: 3,
    maxPendingHandshakes: 4,
    maxPostsPerTurn: 2,
    maxSessionMessages: 50,
    maxMemoryMessages: 10,
    maxMemoryBytes: 2048,
    httpIdleTimeoutMs: 0,
  });
  assert.equal(s.apiKeysFrom, "--api-key");
  assert.equal(s.dataDir, "/srv/engine/state");
  assert.equal(s.memory, true);
  assert.equal(s.sessionIdleExpiryMs, 12 * 3600 * 1000);
  assert.equal(s.drainGraceMs, 0);
  assert.equal(s.logFormat, "text");
  assert.equal(s.logLevel, "debug");
});

Deno.test("variables alone set settings; an empty variable counts as unset", () => {
  const s = parse([], {
    VECTORSHIFT_API_KEY: "vs-env",
    VECTORSHIFT_CORS_ORIGINS: "off",
    VECTORSHIFT_CORS_MAX_AGE: "5",
    VECTORSHIFT_DATA_DIR: "/var/lib/vs",
    VECTORSHIFT_MEMORY: "no",
    VECTORSHIFT_SESSION_IDLE_EXPIRY: "0",
    VECTORSHIFT_LOG_FORMAT: "",
  });
  assert.deepEqual(s.engine, { port: 8787, apiKeys: ["vs-env"], cors: false });
  assert.equal(s.apiKeysFrom, "VECTORSHIFT_API_KEY");
  assert.equal(s.dataDir, "/var/lib/vs");
  assert.equal(s.memory, false);
  assert.equal(s.sessionIdleExpiryMs, 0);
  assert.equal(s.logFormat, "json");
  assert.deepEqual(parse(["--cors-origins", "*"]).engine.cors, { allowedOrigins: "*" });
  assert.equal(parse(["--memory=false"], { VECTORSHIFT_MEMORY: "1" }).memory, false);
});

Deno.test("bad values name the flag or variable, the value and what is accepted", () => {
  assert.equal(problem(["--port", "65536"]), 'Invalid --port "65536": expected an integer from 0 to 65535.');
  assert.equal(problem(["--port=-1"]), 'Invalid --port "-1": expected an integer from 0 to 65535.');
  assert.equal(problem(["--rate-limit", "0"]), 'Invalid --rate-limit "0": expected a number > 0.');
  assert.equal(
    problem(["--max-frame-bytes=1e6"]),
    'Invalid --max-frame-bytes "1e6": expected an integer >= 1024.',
  );
  assert.match(problem(["--handshake-timeout-ms=9999999999"]), /expected an integer from 1 to 2147483647/);
  assert.match(
    problem(["--session-idle-expiry=soon"]),
    /^Invalid --session-idle-expiry "soon": expected milliseconds/,
  );
  assert.match(problem(["--cors-origins=app.example.com"]), /^Invalid --cors-origins "app.example.com"/);
  assert.match(problem(["--memory=maybe"]), /^Invalid --memory "maybe": expected true, false/);
  assert.equal(
    problem([], { VECTORSHIFT_LOG_FORMAT: "xml" }),
    'Invalid VECTORSHIFT_LOG_FORMAT "xml": expected one of json, text.',
  );
  assert.equal(
    problem(["--api-key", ","]),
    'Invalid --api-key ",": expected a comma-separated list of keys.',
  );
  // A value with control characters is shown escaped.
  assert.equal(
    problem(["--port", "1\u001b[2J"]),
    'Invalid --port "1\\u001b[2J": expected an integer from 0 to 65535.',
  );
  assert.equal(problem(["--nope=1"]), 'Unknown flag "--nope"; run with --help to list every flag.');
  assert.equal(problem(["8787"]), 'Unexpected argument "8787"; run with --help to list every flag.');
  assert.equal(
    problem(["--hostname", "--port", "1"]),
    "Flag --hostname needs a value: an interface name or address such as 127.0.0.1 or 0.0.0.0.",
  );
});

Deno.test("--help and -h ask for help wherever they appear", () => {
  for (const argv of [["--help"], ["-h"], ["--port", "1", "--help"]]) {
    assert.deepEqual(parseCli(argv, { env: () => undefined, cwd: "/", stderrIsTerminal: false }), {
      help: true,
    });
  }
});
