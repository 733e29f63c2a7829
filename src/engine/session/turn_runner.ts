/**
 * Decides when turns run: single posts that arrive back to back (each within the coalescing window
 * of the previous one) before a turn starts become one turn; a batch is exactly one turn; posts that
 * arrive while a turn runs are answered by the next one. Also cancels and stops turns.
 *
 * @module
 */
import { type StopKind, TurnStopped } from "./abort.ts";
import type { TurnPost } from "./turn.ts";

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/** Starts one turn for the given posts; resolves when it has ended. */
export type StartTurn = (posts: TurnPost[], signal: AbortSignal) => Promise<void>;

/** Schedules the turns of one session. */
export class TurnRunner {
  readonly #start: StartTurn;
  readonly #coalesceMs: number;
  /** Single posts waiting for the coalescing window to close. */
  #window: TurnPost[] = [];
  /** Turns ready to run, in order. */
  readonly #queue: TurnPost[][] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Running | undefined;
  #stopped = false;

  constructor(start: StartTurn, coalesceMs: number) {
    this.#start = start;
    this.#coalesceMs = coalesceMs;
  }

  /** True while a turn runs. */
  get generating(): boolean {
    return this.#running !== undefined;
  }

  /** Adds a single post; it joins the posts arriving with it into one turn. */
  post(post: TurnPost): void {
    if (this.#stopped) return;
    this.#window.push(post);
    if (!this.#running) this.#armWindow();
  }

  /** Adds a batch: exactly one turn, after any single posts that came before it. */
  batch(posts: TurnPost[]): void {
    if (this.#stopped) return;
    this.#closeWindow();
    this.#queue.push(posts);
    this.#next();
  }

  /** Cancels the running turn; false when none runs. */
  cancel(reason: string | undefined): boolean {
    if (!this.#running || this.#running.controller.signal.aborted) return false;
    this.#running.controller.abort(new TurnStopped("cancel", reason));
    return true;
  }

  /** Stops for good: drops waiting posts, aborts the running turn, and resolves once it has ended. */
  async stop(kind: Exclude<StopKind, "cancel">): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#window = [];
    this.#queue.length = 0;
    const running = this.#running;
    if (!running) return;
    running.controller.abort(new TurnStopped(kind));
    await running.done;
  }

  #armWindow(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#closeWindow();
      this.#next();
    }, this.#coalesceMs);
  }

  #closeWindow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#window.length > 0) this.#queue.push(this.#window);
    this.#window = [];
  }

  #next(): void {
    if (this.#running || this.#stopped) return;
    const posts = this.#queue.shift();
    if (!posts) return;
    const controller = new AbortController();
    const done = this.#start(posts, controller.signal).finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#queue.length > 0) this.#next();
      else if (this.#window.length > 0) this.#armWindow();
    });
    this.#running = { controller, done };
  }
}
