/**
 * The capacity benchmark's load driver: opens many raw protocol sessions with bounded concurrency and
 * counts the deltas they receive, with latency from each event's `ts`, without parsing whole frames.
 *
 * @module
 */
import { openRaw, type RawSession } from "./raw_client.ts";

/** Handshakes in flight at once while opening sessions. */
const OPEN_CONCURRENCY = 64;
/** Opening K sessions may take at most this long; the K reached is reported. */
const OPEN_LIMIT_MS = 120_000;
/** Opening stops after this many failures: the limit has been found, more attempts only add noise. */
const MAX_OPEN_FAILURES = 50;
/** Latency samples kept (a bound on memory; the window produces far fewer at the sizes used). */
const MAX_SAMPLES = 2_000_000;
const TS_KEY = '"ts":"';
const ISO_LENGTH = 24;

/** Counts deltas and their latency (ms, from the event `ts`) while `measuring`. */
export class Tally {
  /** Only frames received while this is true count. */
  measuring = false;
  /** Deltas counted. */
  deltas = 0;
  /** One latency per counted delta, up to a bound. */
  readonly latencies: number[] = [];

  /** The frame callback for every driven session. */
  readonly onFrame = (text: string): void => {
    if (!this.measuring || !text.includes('"type":"message_delta"')) return;
    this.deltas++;
    const at = text.indexOf(TS_KEY);
    if (at < 0 || this.latencies.length >= MAX_SAMPLES) return;
    const sent = Date.parse(text.slice(at + TS_KEY.length, at + TS_KEY.length + ISO_LENGTH));
    this.latencies.push(Date.now() - sent);
  };
}

/** The sessions that opened, and why others did not. */
export interface Opened {
  /** Attached sessions. */
  sessions: RawSession[];
  /** Attempts that failed. */
  failures: number;
  /** The first failure's message. */
  firstError: string | undefined;
}

/** Opens up to `k` new sessions of an agent, every frame going to `tally`. */
export async function openSessions(
  k: number,
  wsUrl: string,
  apiKey: string,
  agentId: string,
  tally: Tally,
): Promise<Opened> {
  const sessions: RawSession[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let next = 0;
  const end = performance.now() + OPEN_LIMIT_MS;
  const worker = async () => {
    while (next < k && performance.now() < end && failures < MAX_OPEN_FAILURES) {
      next++;
      try {
        sessions.push(
          await openRaw({ wsUrl, apiKey, target: { agent_id: agentId }, onFrame: tally.onFrame }),
        );
      } catch (error) {
        failures++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, k) }, worker));
  return { sessions, failures, firstError };
}

/** Closes sessions, 500 at a time. */
export async function closeAll(sessions: RawSession[]): Promise<void> {
  for (let i = 0; i < sessions.length; i += 500) {
    await Promise.all(sessions.slice(i, i + 500).map((s) => s.close()));
  }
}
