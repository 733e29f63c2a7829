/**
 * Fuzz run options, their defaults and bounds, and the command line that sets them. The bounds are
 * the pass/fail criteria, so each default says why it is what it is (see `--help`).
 *
 * @module
 */

/** Everything a fuzz run needs to know. */
export interface FuzzOptions {
  /** Seed of every case generator; printed first so a failing run can be replayed. */
  seed: number;
  /** WebSocket fuzz frames to send (authenticated and pre-hello cases, plus connection-level cases). */
  wsFrames: number;
  /** REST requests to send. */
  rest: number;
  /** Cases of the SDK phase (`fuzz/sdk_hostile.ts`). */
  sdkCases: number;
  /** Wall-clock budget of the whole run; phases stop starting new cases when it runs out. */
  timeLimitMs: number;
  /** Concurrent WebSocket attackers. */
  wsWorkers: number;
  /** Concurrent REST attackers. */
  restWorkers: number;
  /** Engine resident memory above which the run fails. */
  maxRssBytes: number;
  /** Bound on the engine's retained memory: its RSS right after a forced full GC. */
  maxRetainedBytes: number;
  /** Well-behaved client: largest acceptable ping round trip. */
  maxRttMs: number;
  /** Well-behaved client: largest acceptable 99th-percentile ping round trip. */
  p99RttMs: number;
  /** Slack added to every documented engine timeout before a socket counts as kept open too long. */
  graceMs: number;
  /** The fuzz engine's `handshakeTimeoutMs`. */
  handshakeTimeoutMs: number;
  /** The fuzz engine's `heartbeatIntervalMs` (silent sockets are closed after twice this). */
  heartbeatIntervalMs: number;
  /** The fuzz engine's `maxFrameBytes`. */
  maxFrameBytes: number;
  /** How long an idle or half-sent HTTP connection may stay open before it counts as never closed. */
  httpIdleLimitMs: number;
  /** Engine restarts allowed after crashes before the run gives up. */
  maxRestarts: number;
  /** Extra V8 flags for the engine process (memory experiments), such as `--max-old-space-size=256`. */
  engineV8Flags: string[];
  /** Attack the in-memory store instead of SQLite (the standalone engine's default). */
  memoryStore: boolean;
  /** Only this case (`ws:N`, `rest:N`, `raw:N`, `conn:N`), for replaying a failure. */
  replay: string | undefined;
  /** Write the summary to `fuzz/results/latest.json`. */
  writeResults: boolean;
  /** Print every failure as it happens, and progress. */
  verbose: boolean;
}

/** The defaults of a full run. */
export const DEFAULTS: FuzzOptions = {
  seed: 1,
  wsFrames: 20_000,
  rest: 6_000,
  sdkCases: 2_000,
  timeLimitMs: 900_000,
  wsWorkers: 6,
  restWorkers: 6,
  maxRssBytes: 1024 * 1024 * 1024,
  maxRetainedBytes: 512 * 1024 * 1024,
  maxRttMs: 1000,
  p99RttMs: 250,
  graceMs: 3000,
  handshakeTimeoutMs: 2000,
  heartbeatIntervalMs: 2000,
  maxFrameBytes: 8 * 1024 * 1024,
  httpIdleLimitMs: 60_000,
  maxRestarts: 20,
  engineV8Flags: [],
  memoryStore: false,
  replay: undefined,
  writeResults: false,
  verbose: false,
};

/** The `--help` text. */
export const HELP = `deno task fuzz [flags]

Fuzzes the engine in a separate process (WebSocket frames, raw WebSocket/HTTP garbage, REST) while a
well-behaved client on a second organisation measures ping round trips, then runs the SDK hostile-server
phase (fuzz/sdk_hostile.ts, when present). Exits 1 on any failure. Every case is generated from
(seed, phase, case number), so a failure can be replayed alone with --seed and --replay.

  --seed N                 seed (default ${DEFAULTS.seed}; "random" picks one and prints it)
  --ws-frames N            WebSocket fuzz frames (default ${DEFAULTS.wsFrames})
  --rest N                 REST requests (default ${DEFAULTS.rest})
  --sdk-cases N            SDK phase cases (default ${DEFAULTS.sdkCases}; 0 skips it)
  --time-limit-s N         wall-clock budget in seconds (default ${DEFAULTS.timeLimitMs / 1000})
  --ws-workers N           concurrent WebSocket attackers (default ${DEFAULTS.wsWorkers})
  --rest-workers N         concurrent REST attackers (default ${DEFAULTS.restWorkers})
  --max-rss-mib N          fail when the engine's VmRSS ever exceeds this (default ${
  DEFAULTS.maxRssBytes / 1024 / 1024
}: the peak includes the
                           garbage of the multi-MiB frames being parsed, which V8 frees at its next full GC)
  --max-retained-mib N     fail when the engine's VmRSS right after a forced full GC exceeds this (default ${
  DEFAULTS.maxRetainedBytes / 1024 / 1024
}:
                           what the engine keeps; it must not grow with the attack)
  --max-rtt-ms N           fail when a well-behaved ping takes longer (default ${DEFAULTS.maxRttMs}: one second
                           is a visible stall for every other tenant, even while the engine parses an 8 MiB frame)
  --p99-rtt-ms N           fail when the well-behaved p99 is above this (default ${DEFAULTS.p99RttMs})
  --grace-ms N             slack on documented timeouts (default ${DEFAULTS.graceMs})
  --handshake-timeout-ms N engine option handshakeTimeoutMs (default ${DEFAULTS.handshakeTimeoutMs})
  --heartbeat-ms N         engine option heartbeatIntervalMs (default ${DEFAULTS.heartbeatIntervalMs})
  --max-frame-bytes N      engine option maxFrameBytes (default ${DEFAULTS.maxFrameBytes}, the engine default: a
                           4.5M-character base64 file must fit in one frame to reach the decoder)
  --http-idle-limit-ms N   an idle or half-sent HTTP connection still open after this fails (default ${DEFAULTS.httpIdleLimitMs})
  --max-restarts N         engine restarts after crashes before giving up (default ${DEFAULTS.maxRestarts})
  --memory-store           attack the engine on its in-memory store (default: SQLite in a temp directory,
                           as the standalone engine runs)
  --engine-v8-flags F,G    extra V8 flags for the engine process (it always gets --expose-gc, for its
                           memory reports), e.g. --max-old-space-size=256
  --replay PHASE:N         run only case N of PHASE (ws, conn, raw, rest) to reproduce a failure
  --write-results          also write the summary to fuzz/results/latest.json
  --verbose                print failures as they happen and progress every few seconds
  --help                   this text
`;

/** Parses the command line; throws with a readable message on a bad flag. */
export function parseArgs(args: readonly string[]): FuzzOptions | "help" {
  const options: FuzzOptions = { ...DEFAULTS };
  const numeric: Record<string, (n: number) => void> = {
    "--ws-frames": (n) => options.wsFrames = n,
    "--rest": (n) => options.rest = n,
    "--sdk-cases": (n) => options.sdkCases = n,
    "--time-limit-s": (n) => options.timeLimitMs = n * 1000,
    "--ws-workers": (n) => options.wsWorkers = Math.max(1, n),
    "--rest-workers": (n) => options.restWorkers = Math.max(1, n),
    "--max-rss-mib": (n) => options.maxRssBytes = n * 1024 * 1024,
    "--max-retained-mib": (n) => options.maxRetainedBytes = n * 1024 * 1024,
    "--max-rtt-ms": (n) => options.maxRttMs = n,
    "--p99-rtt-ms": (n) => options.p99RttMs = n,
    "--grace-ms": (n) => options.graceMs = n,
    "--handshake-timeout-ms": (n) => options.handshakeTimeoutMs = n,
    "--heartbeat-ms": (n) => options.heartbeatIntervalMs = n,
    "--max-frame-bytes": (n) => options.maxFrameBytes = n,
    "--http-idle-limit-ms": (n) => options.httpIdleLimitMs = n,
    "--max-restarts": (n) => options.maxRestarts = n,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const eq = arg.indexOf("=");
    // `--flag=value` keeps every `=` of the value (`--engine-v8-flags=--max-old-space-size=256`).
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value; see --help.`);
      return v;
    };
    if (flag === "--help" || flag === "-h") return "help";
    if (flag === "--write-results") options.writeResults = true;
    else if (flag === "--verbose") options.verbose = true;
    else if (flag === "--memory-store") options.memoryStore = true;
    else if (flag === "--replay") options.replay = value();
    else if (flag === "--engine-v8-flags") options.engineV8Flags = value().split(",").filter(Boolean);
    else if (flag === "--seed") {
      const v = value();
      options.seed = v === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(v);
      if (!Number.isInteger(options.seed)) throw new Error(`--seed must be an integer; got ${v}.`);
    } else if (numeric[flag]) {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number >= 0; got ${v}.`);
      numeric[flag](n);
    } else throw new Error(`Unknown flag ${flag}; see --help.`);
  }
  return options;
}
