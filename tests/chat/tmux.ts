/**
 * Drives a terminal program in a real pseudo-terminal: a tmux server of its own (its own socket, so
 * the user's tmux is never touched), keys typed with `send-keys`, the screen read with
 * `capture-pane`. Tests that need it are skipped with a message naming tmux where it is missing
 * (`apt-get install -y tmux`); `.ci/run` installs it and sets `VECTORSHIFT_REQUIRE_TMUX=1`.
 *
 * @module
 */

/** Why tmux tests cannot run here, or undefined when they can; throws when CI requires tmux. */
export function tmuxMissing(): string | undefined {
  try {
    if (new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success) {
      return undefined;
    }
  } catch {
    // not installed
  }
  const message = "tmux not found: install Debian's tmux package (apt-get install -y tmux)";
  if (Deno.env.get("VECTORSHIFT_REQUIRE_TMUX") === "1") throw new Error(message);
  console.warn(`skipped: ${message}`);
  return message;
}

/** Registers a test that needs tmux; ignored, with the message above, when tmux is missing. */
export function tmuxTest(name: string, fn: () => Promise<void>): void {
  const missing = tmuxMissing();
  Deno.test({ name: missing ? `${name} (skipped: tmux missing)` : name, ignore: !!missing, fn });
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** One program running in a tmux pane. */
export class Terminal {
  readonly #socket: string;

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /** Starts `command` (argv) in `cwd` with `env` added, in a 200x50 terminal. */
  static async start(
    command: string[],
    options: { cwd: string; env: Record<string, string> },
  ): Promise<Terminal> {
    const socket = `vs-test-${crypto.randomUUID().slice(0, 8)}`;
    const env = Object.entries(options.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
    // The exit status stays on screen (and the pane open) so a test can read how the program ended.
    const script = `cd ${shellQuote(options.cwd)} && env ${env} ${command.map(shellQuote).join(" ")}; ` +
      `echo "[exit $?]"; sleep 600`;
    const terminal = new Terminal(socket);
    await terminal.#tmux(["new-session", "-d", "-s", "main", "-x", "200", "-y", "50", script]);
    return terminal;
  }

  async #tmux(args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!out.success) throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    return new TextDecoder().decode(out.stdout);
  }

  /** Types `text` and presses Enter. */
  async type(text: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", "main", "-l", text]);
    await this.#tmux(["send-keys", "-t", "main", "Enter"]);
  }

  /** Presses a key, in tmux's names: `C-c`, `C-d`. */
  async press(key: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", "main", key]);
  }

  /**
   * The screen and its scrollback, wrapped lines joined, trailing spaces and empty rows dropped (tmux
   * pads rows), so a prompt waiting for input is at the very end: `/you>$/`.
   */
  async screen(): Promise<string> {
    const raw = await this.#tmux(["capture-pane", "-p", "-J", "-S", "-2000", "-t", "main"]);
    return raw.split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();
  }

  /**
   * Waits until the screen matches `pattern` (searching only after `after`, the screen length a test
   * noted earlier) and returns the match; fails with the screen after `timeoutMs`.
   */
  async waitFor(pattern: RegExp, { after = 0, timeoutMs = 20_000 } = {}): Promise<RegExpMatchArray> {
    const deadline = performance.now() + timeoutMs;
    let screen = "";
    while (performance.now() < deadline) {
      screen = await this.screen();
      const match = screen.slice(after).match(pattern);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}; the screen:\n${screen}`);
  }

  /** How much is on screen now (for `waitFor({ after })`). */
  async mark(): Promise<number> {
    return (await this.screen()).length;
  }

  /** Ends the program and the tmux server. */
  async close(): Promise<void> {
    await this.#tmux(["kill-server"]).catch(() => {});
  }
}
