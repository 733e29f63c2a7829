/**
 * Decides when turns run: single posts that arrive back to back (each within the coalescing window
 * of the previous one) before a turn starts become one turn, but no post waits longer than the
 * window's maximum; a batch is exactly one turn; posts that arrive while a turn runs are answered by
 * the next one. Also cancels (the running turn and every turn still waiting) and stops turns.
 *
 * @module
 */
import { type StopKind, TurnStopped } from "./abort.ts";
import type { TurnPost, TurnResumption } from "./turn.ts";

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/** What one turn does: answer posts, or continue a turn paused for an approval. */
export type TurnWork = { posts: TurnPost[] } | { resume: TurnResumption };

/** Starts one turn; resolves when it has ended. */
export type StartTurn = (work: TurnWork, signal: AbortSignal) => Promise<void>;

/** Reports a turn that was cancelled before it started (one call per would-be turn). */
export type CancelWaiting = (work: TurnWork, reason: string | undefined) => void;

/** Timing and size of the coalescing window. */
export interface CoalesceTiming {
  /** A post waits this long for the next one before its turn starts. */
  windowMs: number;
  /** Longest a post waits for its turn to start while more posts keep arriving. */
  maxWaitMs: number;
  /** Most posts one turn answers; a full window becomes a turn and the next post opens a new one. */
  maxPosts: number;
}

/** Schedules the turns of one session. */
export class TurnRunner {
  readonly #start: StartTurn;
  readonly #cancelWaiting: CancelWaiting;
  readonly #timing: CoalesceTiming;
  /** Single posts waiting for the coalescing window to close. */
  #window: TurnPost[] = [];
  /** When the current window opened (its first post could start a turn), for the maximum wait. */
  #windowOpened = 0;
  /** Turns ready to run, in order. */
  readonly #queue: TurnWork[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Running | undefined;
  #stopped = false;

  constructor(start: StartTurn, cancelWaiting: CancelWaiting, timing: CoalesceTiming) {
    this.#start = start;
    this.#cancelWaiting = cancelWaiting;
    this.#timing = timing;
  }

  /** Size of the posts waiting for a turn (text and base64), for the engine's per-session bound. */
  get waitingBytes(): number {
    let bytes = 0;
    for (const post of this.#window) bytes += postBytes(post);
    for (const work of this.#queue) {
      if ("posts" in work) { for (const post of work.posts) bytes += postBytes(post); }
    }
    return bytes;
  }

  /** True when no turn runs and none waits (nothing in the coalescing window or the queue). */
  get idle(): boolean {
    return !this.#running && this.#window.length === 0 && this.#queue.length === 0;
  }

  /** True while a turn runs. */
  get generating(): boolean {
    return this.#running !== undefined;
  }

  /** Adds a single post; it joins the posts arriving with it into one turn. */
  post(post: TurnPost): void {
    if (this.#stopped) return;
    this.#window.push(post);
    if (this.#window.length >= this.#timing.maxPosts) {
      // A full window is a turn of its own: a turn's work must not grow with a flood of posts.
      this.#closeWindow();
      this.#next();
      return;
    }
    if (!this.#running) this.#armWindow();
  }

  /** Adds a batch: exactly one turn, after any single posts that came before it. */
  batch(posts: TurnPost[]): void {
    if (this.#stopped) return;
    this.#closeWindow();
    this.#queue.push({ posts });
    this.#next();
  }

  /** Continues a turn paused for an approval (its answer came), before any turn still waiting. */
  resume(resumption: TurnResumption): void {
    if (this.#stopped) return;
    this.#queue.unshift({ resume: resumption });
    this.#next();
  }

  /**
   * Cancels the running turn and every turn still waiting to start (posts in the coalescing window
   * and queued batches), so a cancel sent right after a post is never lost. False when nothing ran
   * or waited.
   */
  cancel(reason: string | undefined): boolean {
    this.#closeWindow();
    const waiting = this.#queue.splice(0);
    const report = () => {
      for (const work of waiting) this.#cancelWaiting(work, reason);
    };
    const running = this.#running;
    if (!running) {
      report();
      return waiting.length > 0;
    }
    // The running turn's own cancellation events come first, so turns never interleave in the log.
    running.done.then(report, report);
    if (running.controller.signal.aborted) return waiting.length > 0;
    running.controller.abort(new TurnStopped("cancel", reason));
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

  /** (Re)starts the window's timer; it never runs past the window's maximum wait. */
  #armWindow(): void {
    const now = performance.now();
    if (this.#timer === undefined) this.#windowOpened = now;
    clearTimeout(this.#timer);
    const { windowMs, maxWaitMs } = this.#timing;
    const wait = Math.max(0, Math.min(windowMs, this.#windowOpened + maxWaitMs - now));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#closeWindow();
      this.#next();
    }, wait);
  }

  #closeWindow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#window.length > 0) this.#queue.push({ posts: this.#window });
    this.#window = [];
  }

  #next(): void {
    if (this.#running || this.#stopped) return;
    const work = this.#queue.shift();
    if (!work) return;
    const controller = new AbortController();
    const done = this.#start(work, controller.signal).finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      // Posts that arrived while the turn ran have waited long enough: their turn starts now, without
      // a fresh coalescing window (they are answered together, as the protocol says).
      this.#closeWindow();
      this.#next();
    });
    this.#running = { controller, done };
  }
}

/** Size of a post as it is held in memory: its text and its files' base64. */
export function postBytes(post: TurnPost): number {
  let bytes = 0;
  for (const part of post.parts) bytes += part.kind === "text" ? part.text.length : part.data_base64.length;
  return bytes;
}
