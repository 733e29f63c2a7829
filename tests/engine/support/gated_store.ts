/**
 * A {@link MemoryStore} that a test can pause at chosen points, to make races in the engine happen
 * on purpose (a store read that a terminate overtakes, event writes still pending at shutdown).
 *
 * @module
 */
import { MemoryStore } from "../../../src/engine/store/memory_store.ts";
import type { SessionRecord } from "../../../src/engine/store/store.ts";
import type { ServerEvent } from "../../../src/generated/protocol.ts";

/** A paused store call: `entered` resolves when a call reached the gate; `release()` lets calls go on. */
export interface Gate {
  /** Resolves when the first call reached the gate. */
  readonly entered: Promise<void>;
  /** Lets every waiting (and later) call through. */
  release(): void;
}

class OpenableGate implements Gate {
  readonly #entered = Promise.withResolvers<void>();
  readonly #released = Promise.withResolvers<void>();

  get entered(): Promise<void> {
    return this.#entered.promise;
  }

  release(): void {
    this.#released.resolve();
  }

  /** Called by the store: marks the gate entered and waits for the release. */
  async pass(): Promise<void> {
    this.#entered.resolve();
    await this.#released.promise;
  }
}

/** The in-memory store with gates. */
export class GatedStore extends MemoryStore {
  /** Appends can be held at a gate, so they are not immediate. */
  override readonly appendsAreImmediate: boolean = false;
  #nextGetSession: OpenableGate | undefined;
  #appends: OpenableGate | undefined;

  /**
   * Pauses the next `getSession` after it has read the record, so the caller gets what the store held
   * at that moment, however late it resumes.
   */
  pauseNextGetSession(): Gate {
    this.#nextGetSession = new OpenableGate();
    return this.#nextGetSession;
  }

  /** Holds every `appendEvent` from now until `release()` (appends keep their order). */
  holdAppends(): Gate {
    this.#appends = new OpenableGate();
    return this.#appends;
  }

  override async getSession(org: string, id: string): Promise<SessionRecord | undefined> {
    const record = await super.getSession(org, id);
    const paused = this.#nextGetSession;
    this.#nextGetSession = undefined;
    await paused?.pass();
    return record;
  }

  override async appendEvents(sessionId: string, events: ServerEvent[], retain: number): Promise<void> {
    await this.#appends?.pass();
    await super.appendEvents(sessionId, events, retain);
  }
}
