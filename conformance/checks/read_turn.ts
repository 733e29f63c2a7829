/**
 * Reading whole turns off a socket: up to `message_complete`, then to the `participant_status` `idle`
 * that ends the turn.
 *
 * @module
 */
import type { ServerEvent } from "../../src/generated/protocol.ts";
import type { WireSocket } from "../wire/socket.ts";

/** Reads until the turn's `message_complete` and the `idle` status after it; returns every event read. */
export async function readTurn(socket: WireSocket, waitMs?: number): Promise<ServerEvent[]> {
  const events = await socket.until((e) => e.type === "message_complete", waitMs, "message_complete");
  events.push(...await socket.until(isIdle, waitMs, "participant_status idle after message_complete"));
  return events;
}

/** Whether the event is the assistant going idle. */
export function isIdle(event: ServerEvent): boolean {
  return event.type === "participant_status" && event.data.status === "idle";
}

/** The logged events of a list. */
export function logged(events: readonly ServerEvent[]): ServerEvent[] {
  return events.filter((e) => e.logged);
}

/** A unique client-made id. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}
