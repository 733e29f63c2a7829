/**
 * How a session is terminated: over the socket when attached (confirmed by `session_terminated` or
 * close 4010), else over REST. Also records a termination the engine reports on its own.
 *
 * @module
 */
import type { TerminateFrame } from "../generated/protocol.ts";
import type { ClientOptions } from "../config.ts";
import { SessionTerminatedError } from "../errors.ts";
import { request } from "../http.ts";
import { abortable } from "./abortable.ts";
import type { SessionLink } from "./link.ts";
import type { ReasonOptions } from "../session_options.ts";

/** What termination needs from its session. */
export interface TerminationDeps {
  /** The session id, if known. */
  sessionId(): string | undefined;
  /** The session's link, if one was made. */
  link(): SessionLink | undefined;
  /** Credentials for the REST fallback. */
  client: ClientOptions;
  /** How long to wait for the engine's confirmation before falling back to REST. */
  confirmWithinMs: number;
  /** Marks the session terminated; with `error`, active listeners throw it after their queued events. */
  finish(error: Error | undefined): void;
}

type Outcome = "confirmed" | "dropped";

/** The terminate state machine of one session. */
export class SessionTermination {
  readonly #deps: TerminationDeps;
  #done = false;
  #running: Promise<void> | undefined;
  #wait: PromiseWithResolvers<Outcome> | undefined;

  /** Not terminated yet. */
  constructor(deps: TerminationDeps) {
    this.#deps = deps;
  }

  /** True once the session is known to be terminated. */
  get done(): boolean {
    return this.#done;
  }

  /** Terminates (once); concurrent calls share the work. */
  run(options: ReasonOptions): Promise<void> {
    if (this.#done) return Promise.resolve();
    this.#running ??= this.#terminate(options.reason).finally(() => {
      this.#running = undefined;
    });
    return abortable(this.#running, options.signal);
  }

  /** `session_terminated` was delivered. */
  onTerminatedEvent(): void {
    this.#wait?.resolve("confirmed");
  }

  /**
   * The engine closed (or refused) the socket with the terminated code. When this client did not ask
   * for it, listeners get what was queued (`session_terminated` included) and then the error.
   */
  onTerminatedClose(error: Error): void {
    this.#wait?.resolve("confirmed");
    this.#complete(this.#running ? undefined : error);
  }

  /** The socket went away before a confirmation. */
  onDrop(): void {
    this.#wait?.resolve("dropped");
  }

  #complete(error: Error | undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#deps.finish(error);
  }

  async #terminate(reason: string | undefined): Promise<void> {
    const link = this.#deps.link();
    if (link?.state === "connecting") await link.open().catch(() => {});
    if (link?.state === "open" && await this.#overSocket(link, reason)) {
      this.#complete(undefined);
      await link.close();
      return;
    }
    await link?.close();
    if (this.#done) return;
    const id = this.#deps.sessionId();
    if (id !== undefined) {
      try {
        await request("POST", `/v1/sessions/${encodeURIComponent(id)}/terminate`, {
          client: this.#deps.client,
        });
      } catch (error) {
        // 410: someone terminated it already, which is what we wanted.
        if (!(error instanceof SessionTerminatedError)) throw error;
      }
    }
    this.#complete(undefined);
  }

  /** Sends `terminate` and waits for the confirmation; false when the socket went away first. */
  async #overSocket(link: SessionLink, reason: string | undefined): Promise<boolean> {
    const wait = Promise.withResolvers<Outcome>();
    this.#wait = wait;
    const frame: TerminateFrame = reason === undefined
      ? { type: "terminate" }
      : { type: "terminate", reason };
    if (!link.send(frame)) {
      this.#wait = undefined;
      return false;
    }
    const timer = setTimeout(() => wait.resolve("dropped"), this.#deps.confirmWithinMs);
    try {
      return (await wait.promise) === "confirmed";
    } finally {
      clearTimeout(timer);
      this.#wait = undefined;
    }
  }
}
