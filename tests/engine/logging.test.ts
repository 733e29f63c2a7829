import assert from "node:assert/strict";
import {
  createLogger,
  escapeControls,
  formatJson,
  formatText,
  lineSink,
  type LogFields,
  type Logger,
  loggerBehind,
  type LogLevel,
} from "../../src/engine/log.ts";
import { createAgent, rest, testEngine } from "./support/engine_fixture.ts";
import { TestClient } from "./support/ws_client.ts";

const TS = new Date("2030-01-02T03:04:05.678Z");
/** Every character a log line must never carry raw. */
const NASTY = "a\nb\rc\td\u001b[31me\u009b1m\u007ff\u2028g\u2029h\u202ei\u2066j\ud800k";

/** A logger that keeps its formatted lines. */
function recording(format: "json" | "text", level: LogLevel = "debug") {
  const lines: string[] = [];
  const logger = createLogger({ format, level, write: (line) => lines.push(line), now: () => TS });
  return { logger, lines };
}

/** A logger that keeps its entries unformatted. */
function collecting(): { logger: Logger; entries: { level: LogLevel; msg: string; fields?: LogFields }[] } {
  const entries: { level: LogLevel; msg: string; fields?: LogFields }[] = [];
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) =>
    entries.push(fields === undefined ? { level, msg } : { level, msg, fields });
  const logger: Logger = {
    level: "debug",
    enabled: () => true,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    access: (fields) => entries.push({ level: "info", msg: "access", fields }),
  };
  return { logger, entries };
}

/** True when `text` holds a character that may not reach a terminal raw. */
function hasRawControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/.test(text);
}

Deno.test("JSON lines are {ts, level, msg, ...fields} with every control character escaped", () => {
  const line = formatJson({
    ts: TS,
    level: "warn",
    msg: NASTY,
    fields: { name: NASTY, n: 3, ok: true, gone: undefined },
  });
  assert.ok(!hasRawControl(line), line);
  const parsed = JSON.parse(line);
  assert.deepEqual(Object.keys(parsed), ["ts", "level", "msg", "name", "n", "ok"]);
  assert.equal(parsed.ts, "2030-01-02T03:04:05.678Z");
  assert.equal(parsed.level, "warn");
  // Escaped on the wire, the same text once parsed (the lone surrogate becomes U+FFFD when decoded).
  assert.equal(parsed.name, NASTY);
  assert.equal(parsed.msg, NASTY);
});

Deno.test("JSON fields cannot overwrite ts, level or msg", () => {
  const parsed = JSON.parse(
    formatJson({ ts: TS, level: "info", msg: "m", fields: { level: "error", "a b": 1 } }),
  );
  assert.equal(parsed.level, "info");
  assert.equal(parsed.level_, "error");
  assert.equal(parsed.a_b, 1);
});

Deno.test("text lines are `ts LEVEL msg key=value`, values quoted and escaped", () => {
  const line = formatText({
    ts: TS,
    level: "info",
    msg: `session started\n${"2030-01-01T00:00:00.000Z ERROR forged"}`,
    fields: {
      path: "/v1/agents",
      name: NASTY,
      quote: 'say "hi" \\ there',
      empty: "",
      n: 1.5,
      gone: undefined,
    },
  });
  assert.ok(!hasRawControl(line), line);
  assert.equal(line.split("\n").length, 1);
  assert.equal(
    line,
    "2030-01-02T03:04:05.678Z INFO  session started\\n2030-01-01T00:00:00.000Z ERROR forged " +
      'path=/v1/agents name="a\\nb\\rc\\td\\u001b[31me\\u009b1m\\u007ff\\u2028g\\u2029h\\u202ei\\u2066j\\ud800k" ' +
      'quote="say \\"hi\\" \\\\ there" empty="" n=1.5',
  );
});

Deno.test("escapeControls keeps ordinary text, emoji and non-Latin scripts", () => {
  assert.equal(escapeControls('héllo wörld 日本 🙂 \\ "'), 'héllo wörld 日本 🙂 \\ "');
});

Deno.test("a logger drops entries below its level and writes access lines at info", () => {
  const { logger, lines } = recording("json", "warn");
  logger.debug("d");
  logger.info("i");
  logger.access({ type: "http" });
  logger.warn("w");
  logger.error("e", { code: 1 });
  assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ["w", "e"]);
  assert.equal(logger.enabled("info"), false);
  assert.equal(logger.enabled("error"), true);
  const all = recording("text", "debug");
  all.logger.access({ type: "ws", code: 1000 });
  assert.deepEqual(all.lines, ["2030-01-02T03:04:05.678Z INFO  access type=ws code=1000"]);
});

Deno.test("a logger whose output fails does not throw into the engine", () => {
  const logger = createLogger({
    format: "json",
    level: "info",
    write: () => {
      throw new Error("stderr closed");
    },
  });
  logger.info("still fine");
});

Deno.test("lineSink turns plain lines into escaped info entries (internal errors at error) and remembers its logger", () => {
  const { logger, lines } = recording("text");
  const plain: string[] = [];
  const sink = lineSink(logger, (line) => plain.push(line));
  sink('session s_1 started (agent a_1 "x\ny", org o)');
  sink("socket: internal error: boom");
  assert.deepEqual(lines, [
    '2030-01-02T03:04:05.678Z INFO  session s_1 started (agent a_1 "x\\ny", org o)',
    "2030-01-02T03:04:05.678Z ERROR socket: internal error: boom",
  ]);
  assert.equal(plain.length, 2);
  assert.equal(loggerBehind(sink), logger);
  assert.equal(loggerBehind(() => {}), undefined);
});

Deno.test("an engine with a logger writes one access entry per REST request and per socket close", async () => {
  const { logger, entries } = collecting();
  await using engine = await testEngine({ logger });
  const agent = await createAgent(engine);
  assert.equal((await rest(engine, "GET", `/v1/agents/${agent.id}?secret=1`)).status, 200);
  assert.equal((await rest(engine, "GET", "/v1/agents", undefined, "vs-wrong")).status, 401);
  assert.equal((await rest(engine, "GET", `/v1/${"x".repeat(1000)}`)).status, 404);
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  assert.equal((await client.close()).code, 1000);
  const second = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await engine.close();
  assert.equal((await second.client.closed).code, 1001);

  const http = entries.filter((e) => e.msg === "access" && e.fields?.type === "http").map((e) =>
    e.fields ?? {}
  );
  assert.equal(http.length, 4);
  const [created, read, refused, missing] = http;
  assert.deepEqual([created?.method, created?.path, created?.status], ["POST", "/v1/agents", 201]);
  assert.match(String(created?.org), /^org_/);
  assert.equal(typeof created?.ms, "number");
  assert.ok(Number(created?.req_bytes) > 0, "request bytes from content-length");
  assert.equal(read?.path, `/v1/agents/${agent.id}`, "no query string in the log");
  assert.deepEqual([refused?.status, refused?.org], [401, "-"]);
  assert.equal(String(missing?.path).length, 300);
  assert.ok(String(missing?.path).endsWith("..."));

  const ws = entries.filter((e) => e.msg === "access" && e.fields?.type === "ws").map((e) => e.fields ?? {});
  assert.equal(ws.length, 2);
  assert.deepEqual(
    { ...ws[0], ms: 0 },
    {
      type: "ws",
      session: connected.session_id,
      org: created?.org,
      code: 1000,
      closed_by: "client",
      frames_in: 1,
      frames_out: ws[0]?.frames_out,
      ms: 0,
    },
  );
  assert.ok(Number(ws[0]?.frames_out) >= 1);
  assert.equal(typeof ws[0]?.ms, "number");
  assert.deepEqual([ws[1]?.code, ws[1]?.closed_by, ws[1]?.session], [
    1001,
    "engine",
    second.connected.session_id,
  ]);
  // Plain engine log lines arrive as info entries.
  assert.ok(
    entries.some((e) => e.level === "info" && e.msg.startsWith(`session ${connected.session_id} started`)),
  );
});

Deno.test("an engine with both log and logger sends plain lines to log and entries to logger", async () => {
  const { logger, entries } = collecting();
  const plain: string[] = [];
  await using engine = await testEngine({ logger, log: (line) => plain.push(line) });
  const agent = await createAgent(engine);
  const { client, connected } = await TestClient.connect(engine.url, engine.apiKey, { agent_id: agent.id });
  await client.close();
  assert.ok(plain.some((line) => line.startsWith(`session ${connected.session_id} started`)));
  assert.ok(!plain.some((line) => line.includes("access")));
  assert.ok(entries.some((e) => e.msg.startsWith(`session ${connected.session_id} started`)));
  assert.ok(entries.some((e) => e.msg === "access"));
});
