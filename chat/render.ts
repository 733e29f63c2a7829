/**
 * How the chat shows a session's events: the answer streams as plain text; thinking, tool calls and
 * results, search results, reconnects and errors are labelled lines of their own, styled apart.
 *
 * @module
 */
import type { SessionEvent } from "@vectorshift/sdk";
import type { Style } from "./terminal.ts";

/** Longest tool argument or result shown on one line. */
const MAX_SHOWN = 160;

function short(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_SHOWN ? `${flat.slice(0, MAX_SHOWN - 1)}…` : flat;
}

function args(value: unknown): string {
  if (typeof value !== "object" || value === null) return "";
  return short(Object.entries(value).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", "));
}

/**
 * A labelled line for an event that is not part of the answer text, or undefined for events the chat
 * does not show (deltas stream separately; acknowledgements and pongs are noise to a reader).
 */
export function eventLine(event: SessionEvent, style: Style): string | undefined {
  switch (event.type) {
    case "thinking":
      return style.dim(`  thinking: ${short(event.data.summary)}`);
    case "tool_call":
      return style.cyan(`  → tool ${event.data.tool_name}(${args(event.data.arguments)})`);
    case "tool_result":
      return style.cyan(`  ← ${event.data.tool_name} ${event.data.status}: ${short(event.data.result)}`);
    case "search_result": {
      const titles = event.data.results.map((r) => (r as { title?: string }).title ?? "untitled");
      return style.blue(
        `  search "${short(event.data.query)}": ${titles.length} result(s)${
          titles.length ? `: ${short(titles.join("; "))}` : ""
        }`,
      );
    }
    case "turn_cancelled":
      return style.yellow(`  (turn cancelled${event.data.reason ? `: ${event.data.reason}` : ""})`);
    case "error":
      return style.red(`  error ${event.data.code}: ${event.data.error}`);
    case "resync_required":
      return style.yellow("  (some events were too old to replay; /history shows the conversation)");
    default:
      return undefined;
  }
}
