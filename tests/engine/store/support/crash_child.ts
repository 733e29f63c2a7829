/**
 * Child of the SQLite crash test: `deno run … crash_child.ts <db path> <sessions> <kill after>`.
 * Streams events into several sessions (one `appendEvents` call per event, none awaited, as the
 * engine does), prints `<session> <seq>` on stdout as each append resolves, and SIGKILLs itself right
 * after `<kill after>` appends have resolved (in the middle of answering a batch), with more appends
 * still queued. Bounded in rounds.
 *
 * @module
 */
import { SqliteStore } from "../../../../src/engine/store/sqlite_store.ts";
import { event } from "../fixtures.ts";

const [path, sessionsArg, killAfterArg] = Deno.args;
if (!path) throw new Error("usage: crash_child.ts <db path> <sessions> <kill after>");
const sessions = Number(sessionsArg ?? 4);
const killAfter = Number(killAfterArg ?? 500);
const store = SqliteStore.open(path);
const encoder = new TextEncoder();
let resolved = 0;
const heads = new Array<number>(sessions).fill(0);

function resolvedOne(sessionId: string, seq: number): void {
  // Written synchronously before anything else runs: the parent knows it resolved before the kill.
  Deno.stdout.writeSync(encoder.encode(`${sessionId} ${seq}\n`));
  if (++resolved === killAfter) {
    // Queue one more append per session so some are pending (never committed) at the kill.
    for (let s = 0; s < sessions; s++) {
      const pendingId = `ses_${s}`;
      void store.appendEvents(pendingId, [event(pendingId, ++heads[s]!)], 1_000_000);
    }
    Deno.kill(Deno.pid, "SIGKILL");
  }
}

for (let round = 0; round < 10_000; round++) {
  for (let s = 0; s < sessions; s++) {
    const sessionId = `ses_${s}`;
    const seq = ++heads[s]!;
    store.appendEvents(sessionId, [event(sessionId, seq)], 1_000_000).then(() => resolvedOne(sessionId, seq));
  }
  // Let a commit happen every few rounds, so batches hold several rounds.
  if (round % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 0));
}
await store.close();
Deno.stdout.writeSync(encoder.encode("finished without being killed\n"));
