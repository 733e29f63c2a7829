/**
 * `Session`: a live, resumable conversation with a conversational agent or chatbot.
 *
 * @module
 */
import type { ApprovalResponseFrame, CancelTurnFrame } from "./generated/protocol.ts";
import type { SendContent, SendManyItem } from "./content.ts";
import { SessionError } from "./errors.ts";
import { type CallOptions, request } from "./http.ts";
import { Listener } from "./internal/listener.ts";
import { SessionState } from "./internal/session_state.ts";
import { approvalFrame, batchFrame, postFrame } from "./internal/session_frames.ts";
import type { SessionMessage } from "./rest_types.ts";
import type { SessionEvent } from "./session_event.ts";
import type {
  BatchReceipt,
  ListenOptions,
  ReasonOptions,
  RespondApprovalOptions,
  RespondOptions,
  SendManyOptions,
  SendOptions,
  SendReceipt,
  SessionOptions,
} from "./session_options.ts";

/**
 * A live session. `send()` posts user turns, `listen()` streams events, `disconnect()` detaches
 * (the session lives on), `terminate()` destroys it. Drops are healed by automatic reconnects that
 * resume from the last delivered event, so listeners see no gap and no duplicate.
 *
 * `listen()` also yields `session_connected` (after each reconnect too) and `pong` events; filter
 * them with `eventTypes` when not wanted.
 *
 * @example Stream one answer (against an engine started in process)
 * ```ts
 * import { Agent } from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 } });
 * const agent = await Agent.new({
 *   name: "Researcher",
 *   llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
 *   apiKey: engine.apiKey,
 *   baseUrl: engine.url,
 * });
 * await using session = await agent.createSession();
 * await session.send("Summarise the latest Apollo mission.");
 * for await (const event of session.listen()) {
 *   if (event.delta) console.log(event.delta);
 *   if (event.isComplete) break;
 * }
 * ```
 */
export class Session {
  readonly #core: SessionState;

  /**
   * Creates a session handle; nothing is opened until `connect()` (or `send()` / `listen()`).
   *
   * @example Resume by id, without an agent
   * ```ts
   * import { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function history(sessionId: string) {
   *   await using session = await new Session({ sessionId }).connect();
   *   return await session.getMessages();
   * }
   * await using first = await demo.createSession();
   * await first.send("Hello!");
   * for await (const event of first.listen()) if (event.isComplete) break;
   * if ((await history(first.sessionId!)).length !== 2) throw new Error("the question and its answer");
   * ```
   */
  constructor(options: SessionOptions) {
    this.#core = new SessionState(options);
  }

  /** The session id; known after the first `connect()` for new sessions. */
  get sessionId(): string | undefined {
    return this.#core.sessionId;
  }

  /**
   * This session's resume cursor: the highest logged `seq` it has received and handed to its listeners
   * (queued, or already yielded), or right after attaching, where the engine's replay starts. The SDK
   * resumes from it after a drop. It can be ahead of what a listener has read yet; to resume in another
   * process, store the `seq` of the last event you handled (every yielded `seq` is a safe cursor) and pass
   * it as `lastSeq`. Before the first attach it is the `lastSeq` option (0 when left out).
   *
   * @example Resume in another process from the cursor
   * ```ts
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const agent = await vs.Agent.new({ name: "Cursor", llm_info: { provider: "simulator", model_id: "offline-simulator-1" } });
   * const first = await agent.createSession();
   * await first.send("Hello!");
   * let stored = 0;
   * for await (const event of first.listen()) {
   *   stored = event.seq; // any event's seq is a safe cursor
   *   if (event.type === "message_streaming") break; // stop half-way through the answer
   * }
   * if (first.lastSeq < stored) throw new Error("the session has received at least what was read");
   * await first.disconnect();
   * await using again = new vs.Session({ sessionId: first.sessionId!, lastSeq: stored });
   * let completes = 0;
   * for await (const event of again.listen()) if (event.isComplete && ++completes) break;
   * if (completes !== 1) throw new Error("the rest of the turn was delivered");
   * ```
   */
  get lastSeq(): number {
    return this.#core.lastSeq;
  }

  /** True only while a socket is attached (false while reconnecting and after disconnect/terminate). */
  get isConnected(): boolean {
    return this.#core.isConnected;
  }

  /**
   * Opens the socket: creates the session (agent or chatbot) or attaches to an existing one.
   * Resolves once attached; connecting twice is harmless.
   *
   * @throws {SessionTerminatedError} The session was terminated.
   * @throws {AuthenticationError} The API key was rejected.
   * @example
   * ```ts
   * import type { Agent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function open(agent: Agent) {
   *   const session = await agent.createSession();
   *   await session.connect();
   *   console.log(session.sessionId, session.isConnected); // "ses_...", true
   *   return session;
   * }
   * await using opened = await open(demo);
   * ```
   */
  async connect(options: CallOptions = {}): Promise<this> {
    await this.#core.ensureLink(options.signal, true);
    return this;
  }

  /**
   * Detaches this client; the session keeps running on the engine and can be resumed by id. Active
   * listeners end normally. Posts not yet acknowledged reject with `SessionDisconnectedError`.
   *
   * @example
   * ```ts
   * import { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function reattach(session: Session) {
   *   await session.disconnect(); // the session keeps running on the engine
   *   return await new Session({ sessionId: session.sessionId! }).connect();
   * }
   * await using first = await demo.createSession();
   * await first.connect();
   * await using again = await reattach(first);
   * if (again.sessionId !== first.sessionId) throw new Error("the same session, attached again");
   * ```
   */
  disconnect(): Promise<void> {
    return this.#core.disconnect();
  }

  /**
   * Destroys the session on the engine: generation stops, every client is closed, and it can never
   * be resumed. Resolves once the engine confirms. Idempotent.
   *
   * @example Terminate on the first delta
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function stopEarly(session: Session) {
   *   for await (const event of session.listen()) {
   *     if (event.delta) {
   *       await session.terminate();
   *       break;
   *     }
   *   }
   * }
   * const session = await demo.createSession();
   * await session.send("Write a very long essay about the history of computing.");
   * await stopEarly(session);
   * ```
   */
  terminate(options: ReasonOptions = {}): Promise<void> {
    return this.#core.terminate(options);
  }

  /**
   * Posts one user message (text, bytes, a `Blob` or a `File`) and resolves when the engine has
   * stored it. While reconnecting, the post is queued and sent once the socket is back; a post the
   * engine refuses as rate limited is sent again after the pause it asks for.
   *
   * @throws {MessageRejectedError} The engine refused the message (or it is larger than the engine's
   * frame limit); it was not applied.
   * @throws {SessionRateLimitError} Still rate limited after several re-sends; not applied.
   * @throws {SessionDisconnectedError} The connection ended before the engine acknowledged it (or the
   * engine closed the socket several times in a row right after it was sent, so the SDK stopped re-sending
   * it): it may or may not be applied; send it again with `{ postId: error.postId }` to apply it at most once.
   * @throws {SessionTerminatedError} The session was terminated.
   * @example Text, then a file
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function ask(session: Session) {
   *   const bytes = new TextEncoder().encode("revenue: 10");
   *   await session.send(bytes, { mimeType: "text/plain", filename: "q3.txt" });
   *   const { postId } = await session.send("What does this file say?");
   *   return postId;
   * }
   * await using session = await demo.createSession();
   * console.log(await ask(session)); // the post id of the question
   * ```
   */
  async send(content: SendContent, options: SendOptions = {}): Promise<SendReceipt> {
    this.#core.assertAlive();
    const frame = await postFrame(content, options);
    const postId = frame.message.post_id;
    const ack = await this.#core.post(postId, frame, options.signal);
    return { postId, messageId: ack.messageIds[0], duplicate: ack.duplicate };
  }

  /**
   * Posts several messages that the engine answers in exactly one turn. Fails like {@link Session.send},
   * with `batchId` on the error.
   *
   * @example
   * ```ts
   * import { type Session, UserSessionMessage } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function batch(session: Session) {
   *   const notes = new UserSessionMessage({ content: new TextEncoder().encode("teal"), mimeType: "text/plain" });
   *   await session.sendMany(["Hi", "My favourite colour is in the notes.", notes]);
   * }
   * await using session = await demo.createSession();
   * await batch(session);
   * ```
   */
  async sendMany(items: readonly SendManyItem[], options: SendManyOptions = {}): Promise<BatchReceipt> {
    this.#core.assertAlive();
    const frame = await batchFrame(items, options);
    const batchId = frame.batch_id;
    const ack = await this.#core.post(batchId, frame, options.signal);
    return {
      batchId,
      postIds: frame.messages.map((m) => m.post_id),
      messageIds: ack.messageIds,
      duplicate: ack.duplicate,
    };
  }

  /**
   * Streams the session's events, every one from the moment `listen()` is called (the socket opens on the
   * first `next()`); events that arrived since the last listener ended come first. Every yielded `seq` is
   * a safe resume cursor (see {@link Session.lastSeq}). Several listeners at once each get every event;
   * end a listener you stop reading with `break` or `return()`. `break` ends only this listener; what it had not
   * read yet goes to the next `listen()` when no other listener is active. Ends normally on
   * `disconnect()` and after `session_terminated`; throws `SessionDisconnectedError` when reconnecting
   * failed (or when the engine's logged seqs skip ahead, or its handshake starts the replay past the
   * resume cursor without a `resync_required`, and resuming from the last delivered event does not fill
   * the gap; or when it sends a valid event for a position it had sent as a malformed frame that was
   * reported and skipped), and `signal.reason` when the signal aborts. A `resync_required` event means
   * the engine no longer retains the events between the cursor and the replay (documented resync).
   *
   * @example Only the final message
   * ```ts
   * import { type Session, SessionEventType } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function finalText(session: Session): Promise<string | undefined> {
   *   for await (const event of session.listen({ eventTypes: [SessionEventType.MESSAGE_COMPLETE] })) {
   *     if (event.isComplete) return event.text;
   *   }
   *   return undefined;
   * }
   * await using session = await demo.createSession();
   * await session.send("Hello!");
   * console.log(await finalText(session));
   * ```
   */
  listen(options: ListenOptions = {}): AsyncGenerator<SessionEvent, void, undefined> {
    const { eventTypes, maxSize = 1024, signal } = options;
    if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
      throw new SessionError(
        `listen({ maxSize }) must be a non-negative integer (0: unbounded); got ${maxSize}.`,
      );
    }
    const core = this.#core;
    // Subscribed now, not on the first next(): the listener gets every event from this call on.
    const subscription = core.subscribe(maxSize, eventTypes && new Set(eventTypes));
    const connect = (signal: AbortSignal | undefined) =>
      core.terminated ? Promise.resolve() : core.ensureLink(signal, false);
    return new Listener(subscription, connect, signal);
  }

  /**
   * Answers an event that paused the turn (today: `approval_request`). Answering twice is harmless; an
   * answer the engine refuses as rate limited is sent again after the pause it asks for.
   *
   * @example Approve every tool call
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function approveAll(session: Session) {
   *   for await (const event of session.listen()) {
   *     if (event.type === "approval_request") await session.respond(event, { approved: true });
   *     if (event.isComplete) break;
   *   }
   * }
   * demo.addTool({ name: "calc", tool_type: "calculator", approval_config: vs.ToolApprovalConfig.REQUIRES_APPROVAL });
   * await demo.save();
   * await using session = await demo.createSession();
   * await session.send("What is 6 * 7?");
   * await approveAll(session);
   * ```
   */
  async respond(event: SessionEvent, options: RespondOptions = {}): Promise<void> {
    await this.#answer(approvalFrame("respond()", event, options, false), options);
  }

  /**
   * Approves or denies an `approval_request`; `approved` is required.
   *
   * @throws {VectorshiftError} `event` is not an `approval_request`.
   * @throws {MessageRejectedError} The answer (with `confirm` / `denyReason`) is larger than the engine's
   * frame limit (`code` `frame_too_large`); it was not sent.
   * @example Approve with changed arguments, or deny with a reason
   * ```ts
   * import type { Session, SessionEvent } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function decide(session: Session, event: SessionEvent, ok: boolean) {
   *   if (ok) await session.respondApproval(event, { approved: true, confirm: { num_results: 3 } });
   *   else await session.respondApproval(event, { approved: false, denyReason: "Not today." });
   * }
   * demo.addTool({ name: "calc", tool_type: "calculator", approval_config: vs.ToolApprovalConfig.REQUIRES_APPROVAL });
   * await demo.save();
   * await using session = await demo.createSession();
   * await session.send("What is 6 * 7?");
   * for await (const event of session.listen()) {
   *   if (event.type === "approval_request") await decide(session, event, false);
   *   if (event.isComplete) break;
   * }
   * ```
   */
  async respondApproval(event: SessionEvent, options: RespondApprovalOptions): Promise<void> {
    await this.#answer(approvalFrame("respondApproval()", event, options, true), options);
  }

  /**
   * Stops the running turn (model and tools); the session stays usable.
   *
   * @example
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function stop(session: Session) {
   *   await session.cancelTurn({ reason: "user pressed stop" });
   * }
   * await using session = await demo.createSession();
   * await session.send("Write a very long essay about the history of computing.");
   * await stop(session);
   * ```
   */
  async cancelTurn(options: ReasonOptions = {}): Promise<void> {
    const frame: CancelTurnFrame = options.reason === undefined
      ? { type: "cancel_turn" }
      : { type: "cancel_turn", reason: options.reason };
    await this.#core.control(frame, options.signal);
  }

  /**
   * Reads the whole history over REST, oldest first.
   *
   * @example
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * import * as vs from "@vectorshift/sdk";
   * import { startEngine } from "@vectorshift/sdk/engine";
   *
   * // Set-up: an embedded engine (offline) and an agent to run the example against.
   * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
   * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
   * const demo = await vs.Agent.new({ name: "Demo", llm_info: { provider: "openai", model_id: "gpt-4o" } });
   * async function print(session: Session) {
   *   for (const message of await session.getMessages()) console.log(message.sender.role, message.text);
   * }
   * await using session = await demo.createSession();
   * await session.send("Hello!");
   * for await (const event of session.listen()) if (event.isComplete) break;
   * await print(session); // user Hello!, assistant ...
   * ```
   */
  async getMessages(options: CallOptions = {}): Promise<SessionMessage[]> {
    const id = this.sessionId;
    if (id === undefined) {
      throw new SessionError("This session has no id yet: call connect() first, or pass sessionId.");
    }
    const path = `/v1/sessions/${encodeURIComponent(id)}/messages`;
    const body = await request<{ messages: Omit<SessionMessage, "raw">[] }>("GET", path, {
      client: this.#core.client,
      ...options,
    });
    // Each message keeps the record the engine sent, as VectorShift's SessionMessage.raw does.
    return body.messages.map((message) => ({ ...message, raw: { ...message } }));
  }

  /** Disconnects, so `await using session = ...` cleans up on scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect();
  }

  #answer(frame: ApprovalResponseFrame, options: RespondOptions | undefined): Promise<void> {
    return this.#core.answer(frame, options?.signal);
  }
}
