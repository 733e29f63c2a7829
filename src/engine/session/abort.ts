/**
 * Why a turn was stopped (the abort reason of its signal). The abortable waits themselves live in
 * `../abort.ts`; they are re-exported here for the turn code that imports them from this module.
 *
 * @module
 */
export { abortable, raceAbort } from "../abort.ts";

/** Why a running turn was stopped. */
export type StopKind = "cancel" | "terminate" | "shutdown";

/** The abort reason of a turn's signal. */
export class TurnStopped extends Error {
  /** What stopped the turn. */
  readonly kind: StopKind;
  /** The reason the client gave, if any. */
  readonly reason: string | undefined;

  constructor(kind: StopKind, reason?: string) {
    super(`Turn stopped (${kind})${reason ? `: ${reason}` : ""}.`);
    this.name = "TurnStopped";
    this.kind = kind;
    this.reason = reason;
  }
}

/** The {@link TurnStopped} reason of an aborted signal, if that is what aborted it. */
export function stopOf(signal: AbortSignal): TurnStopped | undefined {
  return signal.aborted && signal.reason instanceof TurnStopped ? signal.reason : undefined;
}
