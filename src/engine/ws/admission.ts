/**
 * Admission of new sockets: how many may be open without having completed `hello`. Each such socket
 * costs a descriptor and a timer until its handshake timeout, and needs no key to open, so their
 * number is bounded; upgrades beyond it are refused with 503 before a socket exists.
 *
 * @module
 */

/** Counts sockets still in their handshake. */
export class Admission {
  readonly #max: number;
  #pending = 0;

  constructor(maxPending: number) {
    this.#max = maxPending;
  }

  /** Sockets currently in their handshake. */
  get pending(): number {
    return this.#pending;
  }

  /** Admits one more socket into its handshake; false when the limit is reached. */
  admit(): boolean {
    if (this.#pending >= this.#max) return false;
    this.#pending++;
    return true;
  }

  /** The socket left its handshake (attached, refused or closed); call once per admitted socket. */
  leave(): void {
    this.#pending = Math.max(0, this.#pending - 1);
  }
}
