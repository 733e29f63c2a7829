/**
 * The text a turn has streamed, kept compactly. A streamed answer arrives as thousands of small
 * deltas; holding each as its own string costs a string header per token (about 30 bytes for a 5-byte
 * token), which at thousands of streaming sessions was most of a session's heap. Deltas are joined
 * into one flat string every {@link COMPACT_EVERY} pieces instead (about one byte per character),
 * with the text of the current model round kept apart from what earlier rounds said.
 *
 * @module
 */

/** Pieces held before they are joined into one string. */
const COMPACT_EVERY = 64;

/** A turn's streamed text. */
export class TurnText {
  /** Text of the rounds before the current one. */
  #earlier: string;
  /** The current round's text: one joined string, then the pieces since. */
  #round: string[] = [];

  /** Starts with the text a paused turn had already streamed. */
  constructor(earlier = "") {
    this.#earlier = earlier;
  }

  /** Appends a delta of the current round. */
  push(delta: string): void {
    this.#round.push(delta);
    if (this.#round.length >= COMPACT_EVERY) this.#round = [this.#round.join("")];
  }

  /** The current round's text (what the model has said since its last tool calls). */
  get round(): string {
    if (this.#round.length > 1) this.#round = [this.#round.join("")];
    return this.#round[0] ?? "";
  }

  /** Everything streamed in the turn. */
  get full(): string {
    return this.#earlier + this.round;
  }

  /** Closes the current round: its text joins the earlier rounds'. */
  endRound(): void {
    this.#earlier += this.round;
    this.#round = [];
  }
}
