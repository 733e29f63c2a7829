import assert from "node:assert/strict";
import { CloseCode } from "../../src/generated/protocol_schema.ts";
import { SETTINGS } from "../../src/engine/cli_options.ts";
import { createAgent, rest } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const CLI = new URL("../../src/engine/cli.ts", import.meta.url).pathname;
const PERMISSIONS = ["--allow-net=127.0.0.1", "--allow-env", "--allow-read"];
/** Keeps the machine's provider keys and VECTORSHIFT_* settings out of the child. */
const CLEAN_ENV: Record<string, string> = Object.fromEntries([
  ["OPENAI_API_KEY", ""],
  ["OPENAI_BASE_URL", ""],
  ["NO_COLOR", "1"],
  ...SETTINGS.map((s) => [s.env, ""]),
]);

/** Starts the CLI on port 0 and reads stdout until it prints the URL (and the key line). */
async function startCli(apiKeys: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, CLI, "--hostname", "127.0.0.1", "--port", "0", "--memory", ...args],
    env: { ...CLEAN_ENV, VECTORSHIFT_API_KEY: apiKeys, ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  for (let i = 0; i < 100 && !/API key/.test(out); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) {
    child.kill("SIGKILL");
    const err = await new Response(child.stderr).text();
    throw new Error(`The CLI did not print its URL: ${out} ${err}`);
  }
  /** SIGINT, then the exit code and everything logged on stderr. */
  const stop = async () => {
    child.kill("SIGINT");
    const status = await child.status;
    await reader.cancel();
    return { code: status.code, log: await new Response(child.stderr).text() };
  };
  return { child, reader, url, out, stop };
}

/** Runs the CLI to completion (for --help and bad values). */
async function runCli(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, CLI, ...args],
    env: { ...CLEAN_ENV, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno task engine prints its URL and the generated key, and SIGINT closes sockets with 1001", async () => {
  const { child, reader, url, out } = await startCli("");
  const key = /generated API key: (\S+)/.exec(out)?.[1] ?? "";
  assert.match(key, /^vs-[0-9a-f]{48}$/);
  const health = await fetch(`${url}/v1/health`);
  assert.equal((await health.json()).status, "ok");
  const agent = await createAgent({ url, apiKey: key });
  const { client } = await TestClient.connect(url, key, { agent_id: agent.id });
  child.kill("SIGINT");
  assert.equal((await client.closed).code, CloseCode.going_away);
  const status = await child.status;
  assert.equal(status.code, 0);
  await reader.cancel();
  const log = await new Response(child.stderr).text();
  assert.match(log, /session \S+ started/);
  assert.match(log, /shutting down/);
});

Deno.test("the standalone engine accepts the keys from VECTORSHIFT_API_KEY (comma-separated)", async () => {
  const { url, out, stop } = await startCli("vs-one, vs-two");
  assert.match(out, /Accepting 2 API key\(s\) from VECTORSHIFT_API_KEY/);
  for (const key of ["vs-one", "vs-two"]) {
    const answer = await fetch(`${url}/v1/agents`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
  }
  const wrong = await fetch(`${url}/v1/agents`, { headers: { authorization: "Bearer vs-three" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  assert.equal((await stop()).code, 0);
});

Deno.test("--help lists every flag with its environment variable and default", async () => {
  const { code, stdout } = await runCli(["--help"]);
  assert.equal(code, 0);
  // Written out by hand, so a setting dropped from the table fails here.
  const expected: [string, string, string][] = [
    ["--hostname", "VECTORSHIFT_HOSTNAME", "127.0.0.1"],
    ["--port", "VECTORSHIFT_PORT", "8787"],
    ["--api-key", "VECTORSHIFT_API_KEY", "one generated and printed"],
    ["--offline-tokens-per-second", "VECTORSHIFT_OFFLINE_TOKENS_PER_SECOND", "200"],
    ["--retained-events", "VECTORSHIFT_RETAINED_EVENTS", "10000"],
    ["--handshake-timeout-ms", "VECTORSHIFT_HANDSHAKE_TIMEOUT_MS", "10000"],
    ["--heartbeat-interval-ms", "VECTORSHIFT_HEARTBEAT_INTERVAL_MS", "15000"],
    ["--max-frame-bytes", "VECTORSHIFT_MAX_FRAME_BYTES", "8388608"],
    ["--max-message-bytes", "VECTORSHIFT_MAX_MESSAGE_BYTES", "4194304"],
    ["--coalesce-ms", "VECTORSHIFT_COALESCE_MS", "40"],
    ["--coalesce-max-ms", "VECTORSHIFT_COALESCE_MAX_MS", "10 x --coalesce-ms"],
    ["--rate-limit", "VECTORSHIFT_RATE_LIMIT", "200"],
    ["--rate-limit-burst", "VECTORSHIFT_RATE_LIMIT_BURST", "400"],
    ["--cors-origins", "VECTORSHIFT_CORS_ORIGINS", "*"],
    ["--cors-max-age", "VECTORSHIFT_CORS_MAX_AGE", "600"],
    ["--allowed-model-hosts", "VECTORSHIFT_ALLOWED_MODEL_HOSTS", "any host"],
    ["--max-socket-buffer-bytes", "VECTORSHIFT_MAX_SOCKET_BUFFER_BYTES", "16777216"],
    ["--max-sockets-per-key", "VECTORSHIFT_MAX_SOCKETS_PER_KEY", "1000"],
    ["--max-pending-handshakes", "VECTORSHIFT_MAX_PENDING_HANDSHAKES", "1000"],
    ["--max-posts-per-turn", "VECTORSHIFT_MAX_POSTS_PER_TURN", "32"],
    ["--max-session-messages", "VECTORSHIFT_MAX_SESSION_MESSAGES", "10000"],
    ["--max-waiting-bytes", "VECTORSHIFT_MAX_WAITING_BYTES", "8388608"],
    ["--max-knowledge-chars", "VECTORSHIFT_MAX_KNOWLEDGE_CHARS", "33554432"],
    ["--idle-eviction-ms", "VECTORSHIFT_IDLE_EVICTION_MS", "30000"],
    ["--max-memory-messages", "VECTORSHIFT_MAX_MEMORY_MESSAGES", "200"],
    ["--max-memory-bytes", "VECTORSHIFT_MAX_MEMORY_BYTES", "1048576"],
    ["--http-idle-timeout-ms", "VECTORSHIFT_HTTP_IDLE_TIMEOUT_MS", "30000"],
    ["--data", "VECTORSHIFT_DATA_DIR", "./.vectorshift-engine"],
    ["--redis", "VECTORSHIFT_REDIS_URL", "none"],
    ["--redis-prefix", "VECTORSHIFT_REDIS_PREFIX", "vs:"],
    ["--lease-ms", "VECTORSHIFT_LEASE_MS", "3000"],
    ["--memory", "VECTORSHIFT_MEMORY", "false"],
    ["--session-idle-expiry", "VECTORSHIFT_SESSION_IDLE_EXPIRY", "7d"],
    ["--drain-grace-ms", "VECTORSHIFT_DRAIN_GRACE_MS", "10000"],
    ["--log-format", "VECTORSHIFT_LOG_FORMAT", "text if stderr is a terminal, else json"],
    ["--log-level", "VECTORSHIFT_LOG_LEVEL", "info"],
  ];
  assert.equal(SETTINGS.length, expected.length);
  const lines = stdout.split("\n");
  for (const [flag, env, shown] of expected) {
    const at = lines.findIndex((l) => l.trim().split(" ")[0] === flag);
    assert.ok(at >= 0, `--help lacks ${flag}`);
    const block = lines.slice(at, at + 3).join("\n");
    assert.ok(block.includes(`env ${env}; default ${shown}`), `--help for ${flag}:\n${block}`);
  }
});

Deno.test("flags and environment variables set engine limits; a flag wins over its variable", async () => {
  const { url, stop } = await startCli("vs-limits", ["--max-frame-bytes", "65536"], {
    VECTORSHIFT_MAX_FRAME_BYTES: "131072",
    VECTORSHIFT_RETAINED_EVENTS: "77",
  });
  const engine = { url, apiKey: "vs-limits" };
  const agent = await createAgent(engine);
  const { client, connected } = await TestClient.connect(url, engine.apiKey, { agent_id: agent.id });
  assert.equal(connected.data.limits.max_frame_bytes, 65536);
  assert.equal(connected.data.limits.retained_events, 77);
  // And the engine enforces it: a frame over the flag's limit closes the socket with 1009.
  client.send(JSON.stringify({ type: "ping", pad: "x".repeat(70_000) }));
  assert.equal((await client.closed).code, CloseCode.frame_too_large);
  assert.equal((await stop()).code, 0);
});

Deno.test("a bad flag or variable value exits with 2 and names it, the value and what is accepted", async () => {
  const flag = await runCli(["--max-frame-bytes", "12"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /Invalid --max-frame-bytes "12": expected an integer >= 1024\./);
  const variable = await runCli([], { VECTORSHIFT_LOG_LEVEL: "loud" });
  assert.equal(variable.code, 2);
  assert.match(
    variable.stderr,
    /Invalid VECTORSHIFT_LOG_LEVEL "loud": expected one of debug, info, warn, error\./,
  );
  const cors = await runCli(["--cors-origins=https://app.example.com/path"]);
  assert.equal(cors.code, 2);
  assert.match(cors.stderr, /Invalid --cors-origins "https:\/\/app.example.com\/path": expected "\*"/);
  const unknown = await runCli(["--max-frames"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown flag "--max-frames"; run with --help/);
  const missing = await runCli(["--port"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Flag --port needs a value: an integer from 0 to 65535\./);
});

/** An agent name that would forge a log line and colour the terminal if logged raw. */
const EVIL_NAME = "evil\n2099-01-01T00:00:00.000Z ERROR forged \u001b[31mred\u009b31m";

/** Runs a session with the evil agent and `requests` REST calls; returns the stderr log. */
async function loggedRun(format: "json" | "text", requests: number) {
  const { url, stop } = await startCli("vs-log", [`--log-format=${format}`]);
  const engine = { url, apiKey: "vs-log" };
  const agent = await createAgent(engine, { name: EVIL_NAME });
  for (let i = 0; i < requests; i++) assert.equal((await rest(engine, "GET", "/v1/agents")).status, 200);
  assert.equal((await rest(engine, "GET", "/v1/nowhere%0A%1B")).status, 404);
  const { client, connected } = await TestClient.connect(url, engine.apiKey, { agent_id: agent.id });
  assert.equal((await client.close()).code, 1000);
  const { code, log } = await stop();
  assert.equal(code, 0);
  // Nothing raw reaches the terminal: no ESC, no CSI, no stray carriage return.
  for (const raw of ["\u001b", "\u009b", "\r"]) {
    assert.ok(!log.includes(raw), `raw control character in:\n${log}`);
  }
  return { log, lines: log.split("\n").filter((l) => l !== ""), sessionId: connected.session_id };
}

Deno.test("JSON log lines parse, carry levels, escape an agent name and give one access line per request", async () => {
  const requests = 3;
  const { lines, sessionId } = await loggedRun("json", requests);
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const entry of entries) {
    assert.match(String(entry.ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(["debug", "info", "warn", "error"].includes(String(entry.level)), JSON.stringify(entry));
    assert.equal(typeof entry.msg, "string");
  }
  const started = entries.filter((e) => String(e.msg).includes(`session ${sessionId} started`));
  assert.equal(started.length, 1);
  assert.ok(String(started[0]?.msg).includes(EVIL_NAME), "the name survives, escaped, in one line");
  assert.ok(!entries.some((e) => String(e.msg).startsWith("forged")), "no forged entry");
  const http = entries.filter((e) => e.msg === "access" && e.type === "http");
  // createAgent, the GETs and the 404.
  assert.equal(http.length, 1 + requests + 1);
  assert.deepEqual(http.map((e) => [e.method, e.status]), [
    ["POST", 201],
    ...Array.from({ length: requests }, () => ["GET", 200]),
    ["GET", 404],
  ]);
  for (const e of http) {
    assert.equal(e.level, "info");
    assert.equal(typeof e.ms, "number");
    assert.match(String(e.org), e.status === 404 ? /^-$/ : /^org_/);
  }
  assert.equal(http[0]?.path, "/v1/agents");
  assert.equal(http.at(-1)?.path, "/v1/nowhere%0A%1B");
  const ws = entries.filter((e) => e.msg === "access" && e.type === "ws");
  assert.equal(ws.length, 1);
  assert.equal(ws[0]?.session, sessionId);
  assert.equal(ws[0]?.code, 1000);
  assert.equal(ws[0]?.closed_by, "client");
  assert.equal(ws[0]?.frames_in, 1);
  assert.ok(Number(ws[0]?.frames_out) >= 1);
});

Deno.test("text log lines escape an agent name with a newline and an ANSI escape: one line, not two", async () => {
  const { lines, sessionId } = await loggedRun("text", 1);
  // Every line is an entry of its own: it starts with a timestamp and a level.
  for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\S+Z (DEBUG|INFO |WARN |ERROR) /, line);
  const started = lines.filter((l) => l.includes(`session ${sessionId} started`));
  assert.equal(started.length, 1);
  assert.ok(started[0]?.includes("evil\\n2099-01-01T00:00:00.000Z ERROR forged \\u001b[31mred\\u009b31m"));
  assert.ok(!lines.some((l) => l.startsWith("2099")), "no forged line");
  assert.equal(lines.filter((l) => l.includes(" INFO  access type=http ")).length, 3);
  assert.ok(lines.some((l) => l.includes(` access type=ws session=${sessionId} `)));
});

Deno.test("without write access to its data directory the standalone engine says what to do", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vectorshift-cli-" });
  try {
    const refused = await runCli(["--port", "0", "--data", `${dir}/state`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot start: .*--allow-write.*--memory/s);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
