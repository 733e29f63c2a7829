/**
 * The `current_time` tool: the current date and time, in UTC or an IANA time zone.
 *
 * @module
 */
import type { ToolType } from "./tool.ts";

/** Checks a time zone name with Intl; a clear error for names it does not know. */
function checkedZone(value: unknown): string {
  if (value === undefined || value === null || value === "") return "UTC";
  if (typeof value !== "string") {
    throw new Error(
      `The "timezone" argument must be a string such as "Europe/Paris", got ${JSON.stringify(value)}.`,
    );
  }
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new Error(
      `Unknown time zone "${value}": use an IANA name such as "Europe/Paris", "America/New_York" or "UTC".`,
    );
  }
}

/** The time in `zone` as "Wednesday, 1 May 2024, 14:03:00 GMT+2". */
function describe(now: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  }).format(now);
}

/**
 * Runs `current_time` calls. Arguments: `{ timezone? }` (IANA name, default UTC). Uses
 * `context.now()`, so tests can fix the clock.
 *
 * @example Run it with a fixed clock
 * ```ts
 * import { currentTime } from "./current_time.ts";
 * const context = {
 *   signal: new AbortController().signal,
 *   searchKnowledge: () => [],
 *   emitSearchResult: () => {},
 *   now: () => new Date("2024-05-01T12:00:00Z"),
 * };
 * console.log(await currentTime.run({ timezone: "Europe/Paris" }, context));
 * ```
 */
export const currentTime: ToolType = {
  type: "current_time",
  description: "Returns the current date and time, in UTC or a given IANA time zone.",
  parameters: {
    type: "object",
    properties: {
      timezone: { type: "string", description: 'IANA time zone such as "Europe/Paris"; UTC when omitted.' },
    },
  },
  run(args, context) {
    return new Promise((resolve) => {
      context.signal.throwIfAborted();
      const zone = checkedZone(args["timezone"]);
      const now = context.now();
      resolve(`${describe(now, zone)} (${zone}; ISO ${now.toISOString()})`);
    });
  },
};
