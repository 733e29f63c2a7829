/**
 * Child process for the resume benchmark's default-settings probe: a fresh process (cold JIT, as when
 * a user's process starts and resumes) resumes a session with `listen()` at its default queue bound
 * and prints one JSON line (`ProbeResult`) saying how many of the missed events it delivered.
 * Usage: `resume_probe_child.ts <baseUrl> <apiKey> <sessionId> <lastSeq> <headSeq>`.
 *
 * @module
 */
import { Session } from "../../mod.ts";
import { abortWhenIdle, deadline } from "./timing.ts";

/** What the probe prints. */
export interface ProbeResult {
  /** Logged events `listen()` yielded. */
  delivered: number;
  /** Time from `new Session()` to the last yielded event. */
  ms: number;
}

const LIMIT_MS = 60_000;
const IDLE_END_MS = 1_000;

if (import.meta.main) {
  const [baseUrl = "", apiKey = "", sessionId = "", lastSeq = "0", head = "0"] = Deno.args;
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, deadline(LIMIT_MS, "resume probe")]);
  let delivered = 0;
  let last = 0;
  const started = performance.now();
  const session = new Session({ sessionId, lastSeq: Number(lastSeq), apiKey, baseUrl });
  // The last event may be among the dropped ones; then the stream ends when nothing more arrives.
  const stopWatch = abortWhenIdle(() => delivered, IDLE_END_MS, stop);
  try {
    for await (const event of session.listen({ signal })) {
      if (!event.logged) continue;
      delivered++;
      last = performance.now();
      if (event.seq >= Number(head)) break;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    await stopWatch();
    await session.disconnect();
  }
  const result: ProbeResult = { delivered, ms: last - started };
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
