/**
 * The terminal side of the chat: lines typed on stdin (the terminal's own line editing, cooked mode),
 * styled output (ANSI only when stdout is a terminal and `NO_COLOR` is unset), and Ctrl-C as an event.
 *
 * @module
 */

/** Longest line accepted; the rest of a longer one is dropped with a notice (stdin is unbounded). */
export const MAX_LINE_CHARS = 100_000;

/**
 * Reads stdin line by line; `null` at end of input (Ctrl-D at an empty prompt). A read given up on
 * (its signal aborted, say by Ctrl-C at an approval question) consumes nothing: the line it would
 * have had goes to the next read.
 */
export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #ended = false;
  #inflight: Promise<void> | undefined;
  /** Set when the last line returned was cut to {@link MAX_LINE_CHARS}. */
  truncated = false;

  constructor(input: ReadableStream<Uint8Array> = Deno.stdin.readable) {
    this.#reader = input.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next line without its line break; `null` once input has ended or `signal` aborts. */
  async next(signal?: AbortSignal): Promise<string | null> {
    const aborted = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    while (true) {
      if (signal?.aborted) return null;
      const line = this.#take();
      if (line !== undefined) return line;
      if (this.#ended) return null;
      this.#inflight ??= this.#fill().finally(() => this.#inflight = undefined);
      await Promise.race([this.#inflight, aborted]);
    }
  }

  /** A whole line from the buffer, if there is one. */
  #take(): string | undefined {
    const newline = this.#buffer.indexOf("\n");
    if (newline < 0) {
      if (!this.#ended || this.#buffer === "") return undefined;
      const rest = this.#buffer;
      this.#buffer = "";
      return rest;
    }
    const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
    this.#buffer = this.#buffer.slice(newline + 1);
    this.truncated = line.length >= MAX_LINE_CHARS;
    return line;
  }

  async #fill(): Promise<void> {
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return;
    }
    this.#buffer += value;
    // stdin is unbounded: of a line longer than the limit keep the start and drop the rest.
    const newline = this.#buffer.indexOf("\n");
    const lineEnd = newline < 0 ? this.#buffer.length : newline;
    if (lineEnd > MAX_LINE_CHARS) {
      this.#buffer = this.#buffer.slice(0, MAX_LINE_CHARS) + (newline < 0 ? "" : this.#buffer.slice(newline));
      while (newline < 0 && !this.#ended) {
        const more = await this.#reader.read();
        if (more.done) this.#ended = true;
        else if (more.value.includes("\n")) {
          this.#buffer += more.value.slice(more.value.indexOf("\n"));
          break;
        }
      }
    }
  }
}

/** Whether output is styled. */
export function colorsWanted(): boolean {
  return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
}

/** ANSI styles, or plain text when colours are off. */
export class Style {
  readonly #on: boolean;

  constructor(on: boolean = colorsWanted()) {
    this.#on = on;
  }

  #wrap(code: string, text: string): string {
    return this.#on ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /** Secondary information (thinking). */
  dim(text: string): string {
    return this.#wrap("2", text);
  }
  /** Prompts. */
  bold(text: string): string {
    return this.#wrap("1", text);
  }
  /** Tool calls and results. */
  cyan(text: string): string {
    return this.#wrap("36", text);
  }
  /** Search results. */
  blue(text: string): string {
    return this.#wrap("34", text);
  }
  /** Approvals and notices. */
  yellow(text: string): string {
    return this.#wrap("33", text);
  }
  /** Errors. */
  red(text: string): string {
    return this.#wrap("31", text);
  }
  /** Success. */
  green(text: string): string {
    return this.#wrap("32", text);
  }
}

const encoder = new TextEncoder();

/** Writes text to stdout as is (no newline added); deltas stream through here. */
export function write(text: string): void {
  let bytes = encoder.encode(text);
  // writeSync may write part of a long chunk; loop until all of it is out.
  for (let i = 0; i < 1000 && bytes.length > 0; i++) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

/** Ctrl-C as a subscription (the chat decides what it means: cancel the turn, or leave); returns the unsubscribe. */
export function onInterrupt(handler: () => void): () => void {
  let last = 0;
  const listener = () => {
    // `deno task` passes the terminal's SIGINT on to its child, which may also get it from the
    // terminal itself: one key press can arrive twice within a few milliseconds.
    const now = performance.now();
    if (now - last < 150) return;
    last = now;
    handler();
  };
  Deno.addSignalListener("SIGINT", listener);
  return () => Deno.removeSignalListener("SIGINT", listener);
}
