/**
 * SDK-side fuzz against a hostile server (issue 9). An in-process scripted WebSocket server plays, per
 * case, a seeded random script: valid logged events interleaved with bogus `seq` values (2^53, negative,
 * non-integer, strings, gaps, jumps, duplicates, going backwards), unknown event types and fields,
 * malformed JSON, binary frames, frames missing envelope fields, huge frames, connection-scoped events
 * with odd seqs, stray handshake frames, random close codes, and sends the server refuses as too large.
 * Events may be logged while the SDK is away (after a close), and reconnect handshakes may lie: a
 * `replay_from_seq` above the `last_seq` the SDK sent with no `resync_required` (or one that does not
 * explain the jump), or, honestly, a `resync_required` for events the server no longer retains.
 *
 * Oracle, per case: `listen()` yields every valid logged event in seq order exactly once, and nothing
 * else as a logged event; or it throws a typed SDK error (`VectorshiftError`) after an in-order prefix.
 * Two kinds of skips are allowed because they are announced: positions the SDK reported as malformed
 * frames (`skipped_seq`), and events an honest `resync_required` says are no longer retained.
 * Never a silent drop, a hang (each case is bounded in time), an untyped throw, an unhandled rejection
 * or an uncaught exception. A refused oversize send settles with a typed error and is not re-sent
 * after a 1009 (and at most a few times after closes without a code).
 *
 * @module
 */
import { configure, Session, type SessionEvent, VectorshiftError } from "../mod.ts";

/** What {@link runSdkFuzz} takes. */
export interface SdkFuzzOptions {
  /** PRNG seed: the same seed plays the same scripts. */
  seed: number;
  /** Most cases to run. */
  cases: number;
  /**
   * The number of the first case to run (default 0). Scripts come from one PRNG stream, so earlier
   * cases are still drawn (cheaply, without running them): `{ seed, firstCase: n, cases: 1 }` replays
   * exactly case `n` of a longer run with the same seed.
   */
  firstCase?: number;
  /** Stop starting cases after this long (a running case still ends within its own bound). */
  timeLimitMs: number;
  /** Progress and failure lines. */
  log: (line: string) => void;
}

/** What {@link runSdkFuzz} found. */
export interface SdkFuzzResult {
  /** Cases run. */
  cases: number;
  /** One line per failure, naming seed, case and what went wrong. */
  failures: string[];
}

const WS_PATH = "/v1/sessions/ws";
const API_KEY = "vs-fuzz";
const CASE_TIMEOUT_MS = 4000;
const MAX_STEPS = 40;
/** The advertised `limits.max_frame_bytes`. */
const ADVERTISED_MAX_FRAME_BYTES = 1 << 20;
/** The limit a lying server really enforces in "hidden limit" cases. */
const HIDDEN_MAX_FRAME_BYTES = 512;
/** Closes without a code the SDK may take to give up on a frame the engine keeps dropping the socket on. */
const MAX_RESENDS_AFTER_SILENT_CLOSE = 3;
const BIG_POST_ID = "post_fuzz_big";
const RETRYABLE_CLOSES = [1000, 1001, 1011, 4000, 3000, 4999, undefined] as const;
const FINAL_CLOSES = [1009, 4001, 4003, 4004, 4010, 4400] as const;

/** Small, fast, seedable PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  float(): number {
    return this.#next();
  }
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** One step of a case's script, decided up front so timing never changes what is played. */
type Step =
  | { kind: "valid"; seq: number; text: string } // a logged event the SDK must deliver
  | { kind: "noise"; what: string; frame: string | Uint8Array } // must not be delivered as a logged event
  | { kind: "close"; code: number | undefined };

/** How a case exercises sends. */
type SendMode = "none" | "honest_limit" | "hidden_1009" | "hidden_silent_close";

interface Script {
  steps: Step[];
  /** Valid events by seq (index 0 is seq 1), to replay on resume. */
  log: string[];
  sendMode: SendMode;
  /** The case ends with a final close somewhere: a typed throw is expected then. */
  description: string;
}

function envelope(type: string, seq: unknown, logged: unknown, sessionId: string, data: unknown) {
  return { type, seq, logged, session_id: sessionId, ts: new Date(0).toISOString(), data };
}

function delta(sessionId: string, seq: unknown, logged: unknown, text: string) {
  return {
    ...envelope("message_delta", seq, logged, sessionId, { delta: text, index: 0 }),
    message_id: "msg_f",
  };
}

/** A valid logged event at `seq`, of one of several shapes (all must be delivered). */
function validFrame(rng: Rng, sessionId: string, seq: number): string {
  const text = `v${seq}`;
  switch (rng.int(6)) {
    case 0: // a type this SDK does not know, with a good envelope (forward compatibility)
      return JSON.stringify(envelope("fuzz_future_event", seq, true, sessionId, { delta: text }));
    case 1: // a field a newer engine may add to the payload
      return JSON.stringify({
        ...delta(sessionId, seq, true, text),
        data: { delta: text, index: 0, newer: 1 },
      });
    case 2: // a field a newer engine may add to the envelope
      return JSON.stringify({ ...delta(sessionId, seq, true, text), newer_envelope_field: "x" });
    case 3: // a huge (but valid) frame, rarely
      if (rng.chance(0.15)) {
        return JSON.stringify(
          delta(sessionId, seq, true, `${text}|${"x".repeat(200_000 + rng.int(300_000))}`),
        );
      }
      return JSON.stringify(delta(sessionId, seq, true, text));
    default:
      return JSON.stringify(delta(sessionId, seq, true, text));
  }
}

/** A frame that must never reach a listener as a logged event; `head` is the newest valid seq so far. */
function noiseFrame(
  rng: Rng,
  sessionId: string,
  head: number,
  log: readonly string[],
): { what: string; frame: string | Uint8Array } {
  const bogus = (seq: unknown, what: string) => ({
    what,
    frame: JSON.stringify(delta(sessionId, seq, true, "bogus")),
  });
  switch (rng.int(20)) {
    case 0:
      return bogus(2 ** 53, "seq 2^53");
    case 1: // 2^53 + 1 is not representable: JSON.parse reads it as 2^53
      return {
        what: "seq 2^53+1",
        frame: JSON.stringify(delta(sessionId, 0, true, "bogus")).replace(
          '"seq":0',
          '"seq":9007199254740993',
        ),
      };
    case 2:
      return bogus(head + 2, `gap to ${head + 2}`);
    case 3:
      return bogus(head + 1000 + rng.int(1_000_000), "huge jump");
    case 4:
      return bogus(Math.max(0, head - 1 - rng.int(3)), "backwards seq");
    case 5:
      return bogus(rng.pick([-1, 1.5, "NaN", "7", null, true, {}]), "seq of a bad type or sign");
    case 6:
      return {
        what: "seq 1e400",
        frame: JSON.stringify(delta(sessionId, 0, true, "bogus")).replace('"seq":0', '"seq":1e400'),
      };
    case 7: { // an exact duplicate of an event already sent: harmless, must not be delivered twice
      if (head === 0) return bogus(2 ** 53 - 1, "seq MAX_SAFE_INTEGER");
      return { what: "exact duplicate", frame: log[rng.int(head)] as string };
    }
    case 8:
      return {
        what: "malformed JSON",
        frame: rng.pick(["{", "", "null", "[]", "42", '"text"', '{"type":', "\u0000\ufffd", "{}"]),
      };
    case 9: // binary frames are not part of the protocol, even with a plausible event inside
      return {
        what: "binary frame",
        frame: new TextEncoder().encode(JSON.stringify(delta(sessionId, head + 1, true, "bogus"))),
      };
    case 10: {
      const event: Record<string, unknown> = delta(sessionId, head + 1, true, "bogus");
      const field = rng.pick(["seq", "logged", "session_id", "ts", "data", "type"]);
      delete event[field];
      return { what: `missing envelope field ${field}`, frame: JSON.stringify(event) };
    }
    case 11:
      return {
        what: "unknown type, bad envelope",
        frame: JSON.stringify({ type: "fuzz_future_event", seq: head + 1, logged: true }),
      };
    case 12: // payload of the wrong shape for its (known) type, at the next seq
      return {
        what: "known type, bad payload",
        frame: JSON.stringify({ ...delta(sessionId, head + 1, true, "bogus"), data: { delta: 5 } }),
      };
    case 13: // connection-scoped frames carry a seq that is not a log position
      return {
        what: "pong with odd seq",
        frame: JSON.stringify(envelope("pong", rng.pick([2 ** 53, 0, head + 50]), false, sessionId, {})),
      };
    case 14:
      return {
        what: "connection-scoped delta with odd seq",
        frame: JSON.stringify(delta(sessionId, rng.pick([2 ** 53, head + 7, 0]), false, "scoped")),
      };
    case 15: // a second handshake answer on an open socket is a protocol violation
      return {
        what: "stray session_connected",
        frame: JSON.stringify(connectedFrame(sessionId, rng.pick([2 ** 53, 0, head + 5]), head)),
      };
    case 16:
      return {
        what: "stray resync_required",
        frame: JSON.stringify(
          envelope("resync_required", head, false, sessionId, {
            last_seq: 0,
            oldest_retained_seq: 1,
            head_seq: 2 ** 53,
          }),
        ),
      };
    case 17:
      return {
        what: "huge malformed frame",
        frame: `{"type":"message_delta","seq":${head + 1},"data":"${"y".repeat(100_000 + rng.int(200_000))}`,
      };
    case 18:
      return {
        what: "logged flag of a bad type",
        frame: JSON.stringify(delta(sessionId, head + 1, "yes", "bogus")),
      };
    default:
      return {
        what: "server error event",
        frame: JSON.stringify(
          envelope("error", head, false, sessionId, { error: "fuzz noise", code: "internal", fatal: false }),
        ),
      };
  }
}

function connectedFrame(sessionId: string, replayFrom: number, head: number) {
  return envelope("session_connected", head, false, sessionId, {
    protocol_version: 1,
    resumed: true,
    replay_from_seq: replayFrom,
    head_seq: head,
    agent_id: "agt_fuzz",
    model: { provider: "scripted", model_id: "none", simulated: true },
    heartbeat_interval_ms: 60_000,
    limits: { max_frame_bytes: ADVERTISED_MAX_FRAME_BYTES, retained_events: 1000 },
  });
}

function makeScript(rng: Rng, sessionId: string): Script {
  const steps: Step[] = [];
  const log: string[] = [];
  const length = 1 + rng.int(MAX_STEPS);
  const finals: string[] = [];
  for (let i = 0; i < length; i++) {
    const roll = rng.float();
    if (roll < 0.5) {
      const seq = log.length + 1;
      const frame = validFrame(rng, sessionId, seq);
      log.push(frame);
      steps.push({ kind: "valid", seq, text: frame });
    } else if (roll < 0.95) {
      const noise = noiseFrame(rng, sessionId, log.length, log);
      steps.push({ kind: "noise", ...noise });
    } else if (roll < 0.99) {
      steps.push({ kind: "close", code: rng.pick(RETRYABLE_CLOSES) });
    } else {
      const code = rng.pick(FINAL_CLOSES);
      finals.push(String(code));
      steps.push({ kind: "close", code });
    }
  }
  const seq = log.length + 1; // every case ends with a valid event, so the listener knows when to stop
  const end = JSON.stringify(delta(sessionId, seq, true, `v${seq}`));
  log.push(end);
  steps.push({ kind: "valid", seq, text: end });
  const sendRoll = rng.float();
  const sendMode: SendMode = sendRoll < 0.85
    ? "none"
    : sendRoll < 0.9
    ? "honest_limit"
    : sendRoll < 0.95
    ? "hidden_1009"
    : "hidden_silent_close";
  const description = steps.map((s) =>
    s.kind === "valid" ? `v${s.seq}` : s.kind === "noise" ? `[${s.what}]` : `close(${s.code ?? "none"})`
  ).join(" ");
  return { steps, log, sendMode, description: `${description}; send=${sendMode}` };
}

/** How a case's reconnect handshakes behave (drawn apart from the scripts, see {@link handshakeRng}). */
interface HandshakePlan {
  mode: "honest" | "hostile_jump" | "forget";
  /** Valid steps right after a close that are logged while the SDK is away (replayed on resume). */
  offline: number;
  /** `hostile_jump`: how many reconnects get a lying handshake (then honest ones). */
  hostile: number;
  /** How many lying handshakes are left. */
  hostileLeft: number;
  /** Draws made while playing (where a lying replay starts, how much is forgotten). */
  rng: Rng;
}

/** One case's server-side state, shared by its connections (reconnects continue the script). */
interface CaseState {
  script: Script;
  plan: HandshakePlan;
  /** The oldest event the server still retains (`forget` moves it up). */
  retainedFrom: number;
  /** `last_seq:oldest_retained_seq` of each honest `resync_required` sent. */
  honestResyncs: Set<string>;
  position: number;
  bigPostsReceived: number;
  /** Sockets closed because of the oversize post. */
  refusals: number;
  /** The connection whose socket was closed with 1009 first. */
  refusedOn: number | undefined;
  /** Receipts of the oversize post on connections opened after that 1009. */
  sentAfter1009: number;
  connections: number;
}

/** The hostile server: a session per case, keyed by session id. */
function hostileServer() {
  const cases = new Map<string, CaseState>();
  const sockets = new Set<WebSocket>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    if (request.headers.get("upgrade") !== "websocket") {
      // The SDK reads a session's head over REST when resuming without lastSeq.
      const match = url.pathname.match(/^\/v1\/sessions\/([^/]+)$/);
      if (request.method === "GET" && match) {
        return Response.json({ session_id: decodeURIComponent(match[1] ?? ""), head_seq: 0 });
      }
      return Response.json({ error: "not found" }, { status: 404 });
    }
    if (url.pathname !== WS_PATH) return new Response("not found", { status: 404 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    sockets.add(socket);
    let state: CaseState | undefined;
    let connection = 0;
    let refused = false;
    socket.onclose = (event) => {
      sockets.delete(socket);
      if (refused && state) closedAfterRefusal(state, event.code, connection);
    };
    socket.onmessage = (message) => {
      let value: { type?: string; target?: { session_id?: string; last_seq?: number }; [k: string]: unknown };
      try {
        value = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (value.type === "hello") {
        state = cases.get(value.target?.session_id ?? "");
        if (!state) return socket.close(4004, "no such case");
        connection = ++state.connections;
        play(socket, state, value.target?.last_seq ?? 0, value.target?.session_id ?? "", connection);
        return;
      }
      if (!state) return;
      if (value.type === "ping") {
        const nonce = typeof value.nonce === "string" ? { nonce: value.nonce } : {};
        socket.send(JSON.stringify(envelope("pong", state.script.log.length, false, "", nonce)));
        return;
      }
      if (value.type === "post" && onPost(socket, state, String(message.data), connection)) refused = true;
    };
    return response;
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    cases,
    async close() {
      for (const socket of sockets) {
        try {
          socket.close();
        } catch { /* already closing */ }
      }
      await server.shutdown();
    },
  };
}

/**
 * Answers a hello: the handshake, the replay after the client's cursor, then the rest of the script.
 * Reconnects follow the case's {@link HandshakePlan}.
 */
function play(
  socket: WebSocket,
  state: CaseState,
  lastSeq: number,
  sessionId: string,
  connection: number,
): void {
  const { script, plan } = state;
  // The head is what the script has logged so far.
  const head = script.steps.slice(0, state.position).filter((s) => s.kind === "valid").length;
  const cursor = Math.max(0, lastSeq);
  if (connection > 1 && plan.mode === "hostile_jump" && plan.hostileLeft > 0) {
    // A lying handshake: the replay "starts" past the cursor sent (even past the head), and nothing
    // (or a resync_required that does not explain the jump) says why.
    plan.hostileLeft--;
    const replayFrom = cursor + 1 + plan.rng.int(head - cursor + 3);
    socket.send(JSON.stringify(connectedFrame(sessionId, replayFrom, head)));
    if (plan.rng.chance(0.3)) {
      const data = plan.rng.chance(0.5)
        ? { last_seq: cursor + 1, oldest_retained_seq: replayFrom + 1, head_seq: head } // not our cursor
        : { last_seq: cursor, oldest_retained_seq: replayFrom + 2, head_seq: head }; // replay not at oldest
      socket.send(JSON.stringify(envelope("resync_required", head, false, sessionId, data)));
    }
    for (let seq = replayFrom + 1; seq <= head; seq++) socket.send(script.log[seq - 1] as string);
  } else {
    if (connection > 1 && plan.mode === "forget" && cursor + 2 <= head) {
      // The server no longer retains some events the client missed (as with a small retained_events),
      // though always the newest one, like the engine.
      const oldest = cursor + 2 + plan.rng.int(head - cursor - 1);
      state.retainedFrom = Math.max(state.retainedFrom, oldest);
    }
    // Exactly like the engine: the cursor, unless it is ahead of the head or older than what is retained.
    const replayFrom = Math.min(head, Math.max(cursor, state.retainedFrom - 1));
    socket.send(JSON.stringify(connectedFrame(sessionId, replayFrom, head)));
    if (cursor < replayFrom) {
      state.honestResyncs.add(`${cursor}:${state.retainedFrom}`);
      socket.send(JSON.stringify(envelope("resync_required", head, false, sessionId, {
        last_seq: cursor,
        oldest_retained_seq: state.retainedFrom,
        head_seq: head,
      })));
    }
    for (let seq = replayFrom + 1; seq <= head; seq++) socket.send(script.log[seq - 1] as string);
  }
  while (state.position < script.steps.length) {
    const step = script.steps[state.position++] as Step;
    if (step.kind === "close") {
      socket.close(step.code, "fuzz close");
      // The session goes on logging while the client is away: the next hello resumes behind the head.
      for (let n = 0; n < plan.offline && script.steps[state.position]?.kind === "valid"; n++) {
        state.position++;
      }
      return;
    }
    socket.send(step.kind === "valid" ? step.text : step.frame);
  }
}

/** Handles a post; true when the server closed the socket to refuse it. */
function onPost(socket: WebSocket, state: CaseState, raw: string, connection: number): boolean {
  if (!raw.includes(BIG_POST_ID)) return false;
  state.bigPostsReceived++;
  if (state.refusedOn !== undefined && connection > state.refusedOn) state.sentAfter1009++;
  // A frame that reaches a socket already closing (a scripted close crossed it) is refused by nobody.
  if (socket.readyState !== WebSocket.OPEN) return false;
  if (new TextEncoder().encode(raw).byteLength <= HIDDEN_MAX_FRAME_BYTES) return false;
  // The server lies about its limit: it advertised 1 MiB but refuses anything over 512 bytes.
  // A refusal counts once the close code is known to have reached the SDK (see `closedAfterRefusal`).
  if (state.script.sendMode === "hidden_1009") socket.close(1009, "frame too large");
  else socket.close(); // no close code at all (1005): the SDK cannot tell why
  return true;
}

/**
 * Counts a refusal whose close code reached the SDK: a close the SDK itself had started (to resume after
 * a seq gap) crosses the server's, and the SDK then sees its own 1000, not the refusal.
 */
function closedAfterRefusal(state: CaseState, code: number, connection: number): void {
  if (code === 1000) return;
  state.refusals++;
  if (code === 1009) state.refusedOn ??= connection;
}

interface CaseOutcome {
  failures: string[];
}

async function runCase(
  state: CaseState,
  sessionId: string,
  timeoutMs: number,
  useRestHead: boolean,
): Promise<CaseOutcome> {
  const failures: string[] = [];
  const { script } = state;
  const total = script.log.length;
  const session = new Session({
    sessionId,
    ...(useRestHead ? {} : { lastSeq: 0 }),
    reconnect: { initialDelayMs: 1, maxDelayMs: 5, maxRetries: 8 },
    handshakeTimeoutMs: 2000,
  });
  const deadline = AbortSignal.timeout(timeoutMs);
  const events: SessionEvent[] = [];
  let thrown: unknown;
  let sendResult: { settled: boolean; error?: unknown } | undefined;
  let sending: Promise<void> | undefined;
  try {
    const listener = session.listen({ signal: deadline });
    if (script.sendMode !== "none") {
      const limitNote = script.sendMode === "honest_limit" ? ADVERTISED_MAX_FRAME_BYTES + 10 : 2000;
      sendResult = { settled: false };
      const outcome = sendResult;
      sending = session.send("z".repeat(limitNote), { postId: BIG_POST_ID, signal: deadline }).then(
        () => {
          outcome.settled = true;
        },
        (error) => {
          outcome.settled = true;
          outcome.error = error;
        },
      );
    }
    for await (const event of listener) {
      events.push(event);
      if (event.logged && event.seq >= total) break;
    }
  } catch (error) {
    thrown = error;
  }
  // A send still in flight gets what is left of the case's time to settle.
  await sending;
  await session.disconnect();

  // Positions the SDK reported as malformed logged frames (error events naming `skipped_seq`): a
  // frame that validates may follow them, and the SDK cannot know it for bogus. Valid events must
  // never be reported as malformed, though. Once the SDK has taken such a bogus event, the server's
  // real event for the reported position comes later (bogus frames sit at head + 1 or head + 2), and
  // the SDK must treat it as the contradiction it is (end with a typed error), not as an old
  // duplicate; so what it yields after an announced skip is still checked against the script.
  const skipped = new Set<number>();
  let expected = 1;
  for (const event of events) {
    const skip = event.type === "error"
      ? (event.data.details as { skipped_seq?: unknown } | undefined)
      : undefined;
    if (typeof skip?.skipped_seq === "number") {
      const frame = (event.data.details as { frame?: unknown }).frame;
      if (frame === script.log[skip.skipped_seq - 1]?.slice(0, 2000)) {
        failures.push(`valid event seq ${skip.skipped_seq} was reported as malformed: ${event.error}`);
        break;
      }
      skipped.add(skip.skipped_seq);
    }
    // The SDK moves its cursor to where each replay starts, back too (after taking a bogus event
    // that followed a reported skip, the server's head may be behind it): what follows is re-checked.
    // Never forward: a replay that starts past the cursor sent must be explained by a resync_required.
    if (event.type === "session_connected") expected = Math.min(expected, event.data.replay_from_seq + 1);
    // An honest resync_required: the events before the oldest retained one are gone, and it says so.
    if (
      event.type === "resync_required" &&
      state.honestResyncs.has(`${event.data.last_seq}:${event.data.oldest_retained_seq}`)
    ) {
      expected = event.data.oldest_retained_seq;
    }
    if (!event.logged) continue;
    const text = typeof event.data.delta === "string" ? event.data.delta.split("|")[0] : undefined;
    let announced = event.seq > expected;
    for (let seq = expected; announced && seq < event.seq; seq++) announced = skipped.has(seq);
    if (announced) {
      expected = event.seq + 1;
      continue;
    }
    if (event.seq !== expected || text !== `v${event.seq}`) {
      failures.push(
        `yielded logged event seq ${event.seq} (${text ?? event.rawType}) where seq ${expected} was expected`,
      );
      break;
    }
    expected++;
  }
  const delivered = expected - 1;
  if (failures.length > 0) {
    // The out-of-order event is the defect; what follows from it (usually a hang) adds nothing.
  } else if (deadline.aborted && (thrown === deadline.reason || isTimeout(thrown))) {
    failures.push(`hang: no end within ${timeoutMs} ms; delivered seq 1..${delivered} of ${total}`);
  } else if (thrown !== undefined && !(thrown instanceof VectorshiftError)) {
    failures.push(`listen() threw an untyped error: ${String(thrown)}`);
  } else if (thrown === undefined && delivered < total) {
    failures.push(`listen() ended without an error after seq ${delivered} of ${total}: a silent drop`);
  }
  if (sendResult) checkSend(script.sendMode, state, sendResult, failures);
  return { failures };
}

function checkSend(
  mode: SendMode,
  state: CaseState,
  result: { settled: boolean; error?: unknown },
  failures: string[],
): void {
  const got = state.bigPostsReceived;
  if (!result.settled || isTimeout(result.error)) {
    failures.push(`send() of an oversize post never settled (the server got it ${got} times)`);
  } else if (result.error === undefined) failures.push("send() of an oversize post resolved");
  else if (!(result.error instanceof VectorshiftError)) {
    failures.push(`send() of an oversize post failed with an untyped error: ${String(result.error)}`);
  }
  if (mode === "honest_limit" && got > 0) {
    failures.push(`a post over the advertised limit was sent anyway (${got} times)`);
  }
  if (mode === "hidden_1009" && state.sentAfter1009 > 0) {
    failures.push(
      `a post refused with close 1009 was sent again (${state.sentAfter1009} times after the 1009)`,
    );
  }
  if (mode === "hidden_silent_close" && state.refusals > MAX_RESENDS_AFTER_SILENT_CLOSE) {
    failures.push(
      `a post that kept getting the socket closed without a code was re-sent ${state.refusals} times`,
    );
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** Everything one case draws from the PRNG, in order: its script, then how the SDK starts. */
function drawCase(rng: Rng, sessionId: string): { script: Script; useRestHead: boolean } {
  const script = makeScript(rng, sessionId);
  return { script, useRestHead: rng.chance(0.1) };
}

/**
 * A case's own PRNG for its handshakes. Apart from the script stream, so adding handshake behaviours
 * kept every script (and case number) of earlier runs: `seed 1 case 1584` is still the same script.
 */
function handshakeRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

function handshakePlan(seed: number, index: number): HandshakePlan {
  const rng = handshakeRng(seed, index);
  const roll = rng.float();
  const mode = roll < 0.7 ? "honest" : roll < 0.85 ? "hostile_jump" : "forget";
  const offline = rng.chance(0.5) ? 1 + rng.int(3) : 0;
  const hostile = rng.pick([1, 2, 99]);
  return { mode, offline, hostile, hostileLeft: hostile, rng };
}

/**
 * Runs up to `cases` seeded cases (fewer when `timeLimitMs` runs out) against an in-process hostile
 * server and returns one line per failure.
 */
export async function runSdkFuzz(options: SdkFuzzOptions): Promise<SdkFuzzResult> {
  const { seed, log } = options;
  const firstCase = Math.max(0, Math.floor(options.firstCase ?? 0));
  const started = Date.now();
  const failures: string[] = [];
  const stray: string[] = [];
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    stray.push(`unhandled rejection: ${String(event.reason)}`);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    stray.push(`uncaught exception: ${String(event.error ?? event.message)}`);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  const server = hostileServer();
  configure({ apiKey: API_KEY, baseUrl: server.baseUrl });
  const rng = new Rng(seed);
  // Skipped cases draw exactly what running them would, so case numbers (and scripts) stay the same.
  for (let i = 0; i < firstCase; i++) drawCase(rng, `ses_fuzz_${seed}_${i}`);
  let ran = 0;
  try {
    for (let i = firstCase; i < firstCase + options.cases; i++) {
      const remaining = options.timeLimitMs - (Date.now() - started);
      if (remaining <= 0) break;
      const sessionId = `ses_fuzz_${seed}_${i}`;
      const { script, useRestHead } = drawCase(rng, sessionId);
      const plan = handshakePlan(seed, i);
      const state: CaseState = {
        script,
        plan,
        retainedFrom: 1,
        honestResyncs: new Set(),
        position: 0,
        bigPostsReceived: 0,
        refusals: 0,
        refusedOn: undefined,
        sentAfter1009: 0,
        connections: 0,
      };
      server.cases.set(sessionId, state);
      const outcome = await runCase(state, sessionId, CASE_TIMEOUT_MS, useRestHead);
      // Let late timers and closes surface their rejections while this case is still the current one.
      await new Promise((resolve) => setTimeout(resolve, 0));
      server.cases.delete(sessionId);
      ran++;
      for (const problem of [...outcome.failures, ...stray.splice(0)]) {
        const line = `seed ${seed} case ${i}: ${problem}; script: ${state.script.description}; ` +
          `handshakes=${plan.mode}${
            plan.mode === "hostile_jump" ? `x${plan.hostile}` : ""
          } offline=${plan.offline}`;
        failures.push(line);
        log(line);
      }
    }
  } finally {
    await server.close();
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  }
  log(
    `sdk hostile fuzz: seed ${seed}, ${ran} cases, ${failures.length} failures, ${Date.now() - started} ms`,
  );
  return { cases: ran, failures };
}
