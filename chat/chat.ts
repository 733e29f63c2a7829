/**
 * The chat itself: a prompt, one turn per line, commands, approvals, and what Ctrl-C and Ctrl-D mean
 * (cancel the running turn; leave, with the session left running and its id printed).
 *
 * @module
 */
import {
  type Agent,
  Session,
  type SessionEventOf,
  SessionExpiredError,
  SessionNotFoundError,
  SessionTerminatedError,
} from "@vectorshift/sdk";
import { eventLine } from "./render.ts";
import { type LineReader, MAX_LINE_CHARS, onInterrupt, type Style, write } from "./terminal.ts";

/** Longest session id `/resume` takes (the protocol's id bound). */
const MAX_ID_CHARS = 128;

const HELP = [
  "Type a message and press Enter. Commands:",
  "  /resume <session id>  attach to an existing session (this one keeps running)",
  "  /history              show this session's messages",
  "  /terminate            end this session for good; the next message starts a new one",
  "  /new                  leave this session running and start a new one",
  "  /help                 this list",
  "Ctrl-C during an answer cancels the turn; Ctrl-C or Ctrl-D at the prompt leaves (the session stays resumable).",
].join("\n");

/** What the chat runs with. */
export interface ChatOptions {
  /** The agent new sessions talk to. */
  agent: Agent;
  /** Typed lines. */
  lines: LineReader;
  /** Output styles. */
  style: Style;
  /** How to resume after leaving, in a sentence (depends on where the engine runs). */
  resumeHint: (sessionId: string) => string;
}

/** One interactive chat; {@link Chat.run} returns when the user leaves. */
export class Chat {
  readonly #options: ChatOptions;
  #session: Session | undefined;
  /** Set while a turn runs: Ctrl-C cancels it instead of leaving. */
  #turn: Session | undefined;
  /** Set once Ctrl-C cancelled the running turn: its deltas still in flight are not shown. */
  #cancelled = false;
  /** Aborts a question asked during a turn (an approval) when Ctrl-C cancels the turn. */
  #question: AbortController | undefined;
  /** Sessions whose first `session_connected` was seen (later ones are reconnects). */
  readonly #handshakes = new WeakSet<Session>();
  /** Aborts the prompt's read when Ctrl-C is pressed at the prompt. */
  readonly #leave = new AbortController();

  constructor(options: ChatOptions) {
    this.#options = options;
  }

  #say(line: string): void {
    write(`${line}\n`);
  }

  /** Runs until Ctrl-C or Ctrl-D at the prompt. */
  async run(): Promise<void> {
    const { style, agent } = this.#options;
    // Kept until the process exits: `deno task` may deliver the same Ctrl-C again a moment later, and
    // with no listener left that second SIGINT would kill the chat before it says how to resume.
    onInterrupt(() => this.#interrupt());
    this.#say(style.dim(`Chatting with ${agent.name} (${agent.id}). /help lists commands.`));
    while (true) {
      write(style.bold("you> "));
      const line = await this.#read();
      if (line === null) break;
      const text = line.trim();
      if (text === "") continue;
      try {
        if (text.startsWith("/")) await this.#command(text);
        else await this.#turnFor(text);
      } catch (error) {
        this.#failed(error);
      }
    }
    write("\n");
    await this.#detach();
  }

  /** A line, or `null` when the user leaves (Ctrl-D, or Ctrl-C at the prompt). */
  async #read(): Promise<string | null> {
    const line = await this.#options.lines.next(this.#leave.signal);
    if (this.#options.lines.truncated) {
      this.#say(this.#options.style.yellow(`(line cut to its first ${MAX_LINE_CHARS} characters)`));
    }
    return line;
  }

  #interrupt(): void {
    const session = this.#turn;
    if (!session) {
      this.#leave.abort();
      return;
    }
    this.#question?.abort();
    this.#cancelled = true;
    write(this.#options.style.yellow("\n^C cancelling the turn...\n"));
    session.cancelTurn().catch((error) => this.#failed(error));
  }

  async #command(text: string): Promise<void> {
    const [name, ...rest] = text.split(/\s+/);
    const style = this.#options.style;
    switch (name) {
      case "/help":
        return this.#say(HELP);
      case "/resume":
        return await this.#resume(rest.join(" "));
      case "/history":
        return await this.#history();
      case "/terminate": {
        const session = this.#session;
        if (!session?.sessionId) return this.#say("No session yet: send a message to start one.");
        await session.terminate();
        this.#session = undefined;
        return this.#say(
          style.yellow(`Session ${session.sessionId} terminated; your next message starts a new one.`),
        );
      }
      case "/new": {
        const left = await this.#detach();
        if (!left) this.#say("Your next message starts a new session.");
        return;
      }
      default:
        return this.#say(style.red(`Unknown command ${name}; /help lists the commands.`));
    }
  }

  async #resume(id: string): Promise<void> {
    const style = this.#options.style;
    if (!id) return this.#say(style.red("Usage: /resume <session id>, for example /resume ses_0123..."));
    if (id.length > MAX_ID_CHARS || !/^[\w.:-]+$/.test(id)) {
      return this.#say(style.red(`"${id.slice(0, 40)}" is not a session id (letters, digits, _ - . :).`));
    }
    const session = new Session({ sessionId: id });
    try {
      await session.connect();
    } catch (error) {
      if (
        error instanceof SessionTerminatedError || error instanceof SessionNotFoundError ||
        error instanceof SessionExpiredError
      ) {
        return this.#say(style.red(`Cannot resume ${id}: ${error.message}`));
      }
      throw error;
    }
    await this.#detach();
    this.#session = session;
    const messages = await session.getMessages();
    this.#say(style.green(`Resumed ${id} (${messages.length} messages; /history shows them).`));
  }

  async #history(): Promise<void> {
    const { style } = this.#options;
    const session = this.#session;
    if (!session?.sessionId) return this.#say("No session yet: send a message to start one.");
    const messages = await session.getMessages();
    if (messages.length === 0) return this.#say(style.dim("(no messages yet)"));
    for (const message of messages) {
      const role = message.sender.role;
      const label = role === "user" ? "you" : role === "assistant" ? "agent" : role;
      const line = `${label}: ${message.text}`;
      this.#say(role === "user" || role === "assistant" ? line : style.dim(line));
    }
  }

  /** Leaves the current session running; says how to come back. False when there was none. */
  async #detach(): Promise<boolean> {
    const session = this.#session;
    this.#session = undefined;
    if (!session?.sessionId) return false;
    await session.disconnect().catch(() => {});
    this.#say(this.#options.style.dim(this.#options.resumeHint(session.sessionId)));
    return true;
  }

  async #current(): Promise<Session> {
    if (this.#session) return this.#session;
    const session = await this.#options.agent.createSession();
    await session.connect();
    this.#session = session;
    this.#say(this.#options.style.dim(`(new session ${session.sessionId})`));
    return session;
  }

  /** Sends one message and shows the turn until its `message_complete`. */
  async #turnFor(text: string): Promise<void> {
    const { style } = this.#options;
    const session = await this.#current();
    this.#turn = session;
    let midLine = false;
    const line = (shown: string) => {
      write(`${midLine ? "\n" : ""}${shown}\n`);
      midLine = false;
    };
    try {
      await session.send(text);
      for await (const event of session.listen()) {
        if (this.#cancelled) {
          midLine = false; // the notice ended the line
          if (event.type === "message_delta") continue;
        }
        if (event.type === "message_delta") {
          // The answer starts on a line of its own, after the thinking and tool lines that led to it.
          if (!midLine) write(style.bold("agent> "));
          write(event.delta ?? "");
          midLine = true;
          continue;
        }
        if (event.type === "session_connected") {
          // listen() yields one per handshake: the session's first is its connect, any later a reconnect.
          if (this.#handshakes.has(session)) {
            line(style.yellow("  (connection dropped; reconnected and resumed where it left off)"));
          }
          this.#handshakes.add(session);
          continue;
        }
        if (event.type === "approval_request") {
          line("");
          await this.#approve(session, event);
          continue;
        }
        const shown = eventLine(event, style);
        if (shown !== undefined) line(shown);
        if (event.type === "message_complete") {
          if (midLine) write("\n");
          if (event.data.status === "error") this.#say(style.red("  (the turn failed; see the error above)"));
          return;
        }
      }
    } finally {
      this.#turn = undefined;
      this.#question = undefined;
      this.#cancelled = false;
    }
  }

  async #approve(session: Session, event: SessionEventOf<"approval_request">): Promise<void> {
    const { style } = this.#options;
    const { tool_name, arguments: proposed } = event.data;
    this.#say(style.yellow(`  approval needed: ${tool_name} ${JSON.stringify(proposed)}`));
    write(style.yellow("  approve? [y/N] "));
    const answer = await this.#ask();
    if (answer === null && this.#turn === undefined) return;
    if (answer !== null && /^\s*y(es)?\s*$/i.test(answer)) {
      await session.respond(event, { approved: true });
      return this.#say(style.green("  approved"));
    }
    if (answer === null) return; // Ctrl-C: the turn is being cancelled
    write(style.yellow("  reason for denying (Enter for none): "));
    const reason = (await this.#ask())?.trim();
    if (reason === undefined) return;
    await session.respond(event, {
      approved: false,
      ...(reason ? { denyReason: reason.slice(0, 4000) } : {}),
    });
    this.#say(style.yellow("  denied"));
  }

  /** A line typed during a turn; `null` on Ctrl-C or end of input. */
  async #ask(): Promise<string | null> {
    this.#question = new AbortController();
    return await this.#options.lines.next(this.#question.signal);
  }

  #failed(error: unknown): void {
    const { style } = this.#options;
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    this.#say(style.red(`${name}: ${message}`));
    if (error instanceof SessionTerminatedError || error instanceof SessionExpiredError) {
      this.#session = undefined;
      this.#say("Your next message starts a new session.");
    }
  }
}
