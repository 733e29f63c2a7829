/**
 * The seq log and resume: numbering, replay after a cursor, fan-out, the gap event, and generation
 * that outlives its socket.
 *
 * @module
 */
import { type Check, CheckSkipped, ConformanceFailure, expect, expectEqual } from "../check.ts";
import type { CheckContext } from "../context.ts";
import { ESSAY_INSTRUCTIONS } from "../context.ts";
import { deltaProblem, seqProblem } from "../invariants.ts";
import { describeTypes } from "../wire/socket.ts";
import type { ServerEvent } from "../../src/generated/protocol.ts";
import { logged, newId, readTurn } from "./read_turn.ts";

/** A session with one finished turn; returns everything its socket saw. */
async function sessionWithTurn(ctx: CheckContext) {
  const open = await ctx.newSession("plain");
  open.socket.post(newId("p"), "Tell me something about rivers.");
  const turn = await readTurn(open.socket);
  const head = turn.at(-1)?.seq ?? 0;
  return { ...open, turn, head };
}

/** Compares two sequences of logged events by seq, type and data. */
function sameEvents(actual: readonly ServerEvent[], expected: readonly ServerEvent[], what: string): void {
  const key = (e: ServerEvent) => `${e.seq}:${e.type}:${JSON.stringify(e.data)}`;
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === undefined || e === undefined || key(a) !== key(e)) {
      throw new ConformanceFailure(
        `${what}: event ${i} is ${a ? `${a.type}#${a.seq}` : "missing"}, expected ${
          e ? `${e.type}#${e.seq}` : "nothing"
        }` +
          `; got ${describeTypes(actual)}`,
      );
    }
  }
}

/** The seq log and replay checks. */
export const replayChecks: readonly Check[] = [
  {
    id: "log.seq_numbering",
    guarantee: "logged events have seq 1, 2, 3, ... per session, with no gap and no seq used twice",
    async run(ctx) {
      const { socket, turn } = await sessionWithTurn(ctx);
      const problem = seqProblem(socket.events, 0);
      expect(problem === undefined, `${problem}`);
      expect(logged(turn).length >= 4, `a turn logged only ${logged(turn).length} events`);
    },
  },
  {
    id: "replay.after_cursor",
    guarantee:
      "attaching with last_seq replays every logged event after it exactly once, in order, then continues live",
    async run(ctx) {
      const { sessionId, socket, turn, head } = await sessionWithTurn(ctx);
      const original = logged([...socket.events]).filter((e) => e.type !== "session_connected");
      const cursor = Math.max(1, head - 4);
      const { socket: late, connected } = await ctx.attach({ session_id: sessionId, last_seq: cursor });
      expectEqual(connected.data.resumed, true, "session_connected.data.resumed on attach");
      expectEqual(connected.data.replay_from_seq, cursor, "session_connected.data.replay_from_seq");
      expectEqual(connected.data.head_seq, head, "session_connected.data.head_seq");
      const replay = logged(
        await late.until((e) => e.logged && e.seq >= head, undefined, `replay up to seq ${head}`),
      );
      sameEvents(replay, original.filter((e) => e.seq > cursor), `replay after last_seq ${cursor}`);
      // Live again: a new turn on the first socket reaches the resumed one.
      socket.post(newId("p"), "And about lakes?");
      const live = await readTurn(late);
      const problem = seqProblem(live, head);
      expect(problem === undefined, `after the replay: ${problem}`);
      expect(turn.length > 0, "no turn");
    },
  },
  {
    id: "replay.whole_log",
    guarantee: "attaching without last_seq replays the whole retained log from session_created (seq 1)",
    async run(ctx) {
      const { sessionId, head } = await sessionWithTurn(ctx);
      const { socket, connected } = await ctx.attach({ session_id: sessionId });
      expectEqual(connected.data.replay_from_seq, 0, "replay_from_seq without last_seq");
      const replay = await socket.until(
        (e) => e.logged && e.seq >= head,
        undefined,
        `replay up to seq ${head}`,
      );
      expectEqual(replay[0]?.type, "session_created", "the first replayed event");
      const problem = seqProblem(replay, 0);
      expect(problem === undefined, `${problem}`);
    },
  },
  {
    id: "replay.cursor_ahead",
    guarantee: "a cursor ahead of the session gets replay_from_seq = head_seq and no replay",
    async run(ctx) {
      const { sessionId, head } = await sessionWithTurn(ctx);
      const { socket, connected } = await ctx.attach({ session_id: sessionId, last_seq: head + 1000 });
      expectEqual(connected.data.replay_from_seq, head, "replay_from_seq for a cursor ahead of the log");
      const extra = logged(await socket.collect(300));
      expect(extra.length === 0, `events were replayed past the head: ${describeTypes(extra)}`);
    },
  },
  {
    id: "replay.fan_out",
    guarantee: "every attached socket receives every logged event, in the same order",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("plain");
      const { socket: other } = await ctx.attach({ session_id: sessionId, last_seq: 1 });
      socket.post(newId("p"), "Tell me about the Moon landing.");
      const [a, b] = await Promise.all([readTurn(socket), readTurn(other)]);
      sameEvents(logged(b), logged(a), "the second socket's events");
      const problem = deltaProblem(a);
      expect(problem === undefined, `${problem}`);
    },
  },
  {
    id: "replay.gap_event",
    guarantee:
      "a cursor older than the retained log gets resync_required (logged: false) before the replay: never a silent gap",
    async run(ctx) {
      const { socket, sessionId, connected } = await ctx.newSession("plain");
      const retained = connected.data.limits.retained_events;
      let head = 1;
      for (let turns = 0; head <= retained + 1; turns++) {
        if (turns >= ctx.options.maxGapTurns) {
          throw new CheckSkipped(
            `the server retains ${retained} events per session, more than ${turns} turns produce ` +
              `(maxGapTurns); run it with a smaller retention (the engine: --retained-events 20)`,
          );
        }
        socket.post(newId("p"), `Tell me something about rivers, part ${turns + 1}.`);
        head = (await readTurn(socket)).at(-1)?.seq ?? head;
      }
      const { socket: late, connected: resumed } = await ctx.attach({ session_id: sessionId, last_seq: 1 });
      const first = await late.next();
      if (first.type !== "resync_required") {
        throw new ConformanceFailure(
          `resumed with last_seq 1 when ${retained} of ${head} events are retained: the first event was ` +
            `${first.type}#${first.seq}, not resync_required`,
        );
      }
      expectEqual(first.logged, false, "resync_required.logged");
      expectEqual(first.data.last_seq, 1, "resync_required.data.last_seq");
      expectEqual(first.data.head_seq, head, "resync_required.data.head_seq");
      expectEqual(
        first.data.oldest_retained_seq,
        resumed.data.replay_from_seq + 1,
        "resync_required.data.oldest_retained_seq (replay_from_seq + 1)",
      );
      const replay = await late.until(
        (e) => e.logged && e.seq >= head,
        undefined,
        `replay up to seq ${head}`,
      );
      expectEqual(
        replay.find((e) => e.logged)?.seq,
        first.data.oldest_retained_seq,
        "the first replayed seq",
      );
      const problem = seqProblem(replay, resumed.data.replay_from_seq);
      expect(problem === undefined, `${problem}`);
    },
  },
  {
    id: "replay.disconnect_keeps_generating",
    guarantee: "a disconnect never stops generation: a later attach replays the rest of the turn",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("essay");
      socket.post(newId("p"), ESSAY_INSTRUCTIONS);
      const seen = await socket.until(
        (e) => e.type === "message_delta",
        undefined,
        "the first message_delta",
      );
      const cursor = logged(seen).at(-1)?.seq ?? 1;
      await socket.close();
      const { socket: late } = await ctx.attach({ session_id: sessionId, last_seq: cursor });
      const rest = await readTurn(late, ctx.options.waitMs * 3);
      const complete = rest.find((e) => e.type === "message_complete");
      expect(complete?.type === "message_complete", "no message_complete");
      expectEqual(complete.data.status, "complete", "status of the turn whose socket left");
      // Generation went on meanwhile: with a short retained log the cursor may have fallen out of it,
      // and then the server says so (resync_required) and replays what it kept, from the oldest seq.
      const resync = rest.find((e) => e.type === "resync_required");
      const problem = resync?.type === "resync_required"
        ? seqProblem(rest, resync.data.oldest_retained_seq - 1)
        : seqProblem(rest, cursor) ?? deltaProblem([...seen, ...rest]);
      expect(problem === undefined, `${problem}`);
      expect(complete.data.text.length > 0, "the completed answer is empty");
    },
  },
];
