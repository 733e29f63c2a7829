/**
 * `Session`: a live, resumable conversation with a conversational agent or chatbot.
 *
 * @module
 */
import { Listener } from "./listener.ts";
import type {
  ApprovalResponseFrame,
  CancelTurnFrame,
  PostBatchFrame,
  PostFrame,
} from "./generated/protocol.ts";
import { newId, type SendContent, type SendManyItem, sendManyMessage, userMessage } from "./content.ts";
import { SessionError, VectorshiftError } from "./errors.ts";
import { type CallOptions, request } from "./http.ts";
import type { SessionMessage } from "./rest_types.ts";
import type { SessionEvent } from "./session_event.ts";
import { SessionCore } from "./session_core.ts";
import type {
  BatchReceipt,
  ListenOptions,
  ReasonOptions,
  RespondApprovalOptions,
  RespondOptions,
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
  readonly #core: SessionCore;

  /**
   * Creates a session handle; nothing is opened until `connect()` (or `send()` / `listen()`).
   *
   * @example Resume by id, without an agent
   * ```ts
   * import { Session } from "@vectorshift/sdk";
   * async function history(sessionId: string) {
   *   await using session = await new Session({ sessionId }).connect();
   *   return await session.getMessages();
   * }
   * console.log(typeof history);
   * ```
   */
  constructor(options: SessionOptions) {
    this.#core = new SessionCore(options);
  }

  /** The session id; known after the first `connect()` for new sessions. */
  get sessionId(): string | undefined {
    return this.#core.sessionId;
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
   * async function open(agent: Agent) {
   *   const session = await agent.createSession();
   *   await session.connect();
   *   console.log(session.sessionId, session.isConnected); // "ses_...", true
   *   return session;
   * }
   * console.log(typeof open);
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
   * async function reattach(session: Session) {
   *   await session.disconnect(); // the session keeps running on the engine
   *   return await new Session({ sessionId: session.sessionId! }).connect();
   * }
   * console.log(typeof reattach);
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
   * async function stopEarly(session: Session) {
   *   for await (const event of session.listen()) {
   *     if (event.delta) {
   *       await session.terminate();
   *       break;
   *     }
   *   }
   * }
   * console.log(typeof stopEarly);
   * ```
   */
  terminate(options: ReasonOptions = {}): Promise<void> {
    return this.#core.terminate(options);
  }

  /**
   * Posts one user message (text, bytes, a `Blob` or a `File`) and resolves when the engine has
   * stored it. While reconnecting, the post is queued and sent once the socket is back.
   *
   * @throws {SessionTerminatedError} The session was terminated.
   * @example Text, then a file
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * async function ask(session: Session) {
   *   const bytes = new TextEncoder().encode("revenue: 10");
   *   await session.send(bytes, { mimeType: "text/plain", filename: "q3.txt" });
   *   const { postId } = await session.send("What does this file say?");
   *   return postId;
   * }
   * console.log(typeof ask);
   * ```
   */
  async send(content: SendContent, options: SendOptions = {}): Promise<SendReceipt> {
    this.#core.assertAlive();
    const message = await userMessage(content, options);
    const frame: PostFrame = { type: "post", message };
    const ack = await this.#core.post(message.post_id, frame, options.signal);
    return { postId: message.post_id, messageId: ack.messageIds[0], duplicate: ack.duplicate };
  }

  /**
   * Posts several messages that the engine answers in exactly one turn.
   *
   * @example
   * ```ts
   * import { type Session, UserSessionMessage } from "@vectorshift/sdk";
   * async function batch(session: Session) {
   *   const notes = new UserSessionMessage({ content: new TextEncoder().encode("teal"), mimeType: "text/plain" });
   *   await session.sendMany(["Hi", "My favourite colour is in the notes.", notes]);
   * }
   * console.log(typeof batch);
   * ```
   */
  async sendMany(items: readonly SendManyItem[], options: CallOptions = {}): Promise<BatchReceipt> {
    this.#core.assertAlive();
    if (items.length === 0) throw new VectorshiftError("sendMany() needs at least one item.");
    const messages = await Promise.all(items.map(sendManyMessage));
    const batchId = newId("batch");
    const frame: PostBatchFrame = {
      type: "post_batch",
      batch_id: batchId,
      messages: messages as PostBatchFrame["messages"],
    };
    const ack = await this.#core.post(batchId, frame, options.signal);
    return {
      batchId,
      postIds: messages.map((m) => m.post_id),
      messageIds: ack.messageIds,
      duplicate: ack.duplicate,
    };
  }

  /**
   * Streams the session's events. Events that arrived since the last listener ended come first.
   * Several listeners at once each get every event. `break` ends only this listener. Ends normally on
   * `disconnect()` and after `session_terminated`; throws `SessionDisconnectedError` when reconnecting
   * failed, and `signal.reason` when the signal aborts.
   *
   * @example Only the final message
   * ```ts
   * import { type Session, SessionEventType } from "@vectorshift/sdk";
   * async function finalText(session: Session): Promise<string | undefined> {
   *   for await (const event of session.listen({ eventTypes: [SessionEventType.MESSAGE_COMPLETE] })) {
   *     if (event.isComplete) return event.text;
   *   }
   *   return undefined;
   * }
   * console.log(typeof finalText);
   * ```
   */
  listen(options: ListenOptions = {}): AsyncGenerator<SessionEvent, void, undefined> {
    const { eventTypes, maxSize = 1024, signal } = options;
    const core = this.#core;
    const source = {
      async subscribe(signal: AbortSignal | undefined) {
        if (!core.terminated) await core.ensureLink(signal, false);
        return core.subscribe(maxSize);
      },
    };
    return new Listener(source, eventTypes, signal);
  }

  /**
   * Answers an event that paused the turn (today: `approval_request`). Answering twice is harmless.
   *
   * @example Approve every tool call
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * async function approveAll(session: Session) {
   *   for await (const event of session.listen()) {
   *     if (event.type === "approval_request") await session.respond(event, { approved: true });
   *     if (event.isComplete) break;
   *   }
   * }
   * console.log(typeof approveAll);
   * ```
   */
  async respond(event: SessionEvent, options: RespondOptions = {}): Promise<void> {
    if (event.type !== "approval_request") {
      throw new VectorshiftError(
        `respond() answers events that pause a turn (approval_request); got a "${event.rawType}" event.`,
      );
    }
    const approved = options.approved ??
      (options.denyReason !== undefined ? false : options.confirm !== undefined ? true : undefined);
    if (approved === undefined) {
      throw new VectorshiftError("respond() needs approved: true or false (or confirm / denyReason).");
    }
    await this.#answer(event.data.request_id, approved, options);
  }

  /**
   * Approves or denies an `approval_request`; `approved` is required.
   *
   * @throws {VectorshiftError} `event` is not an `approval_request`.
   * @example Approve with changed arguments, or deny with a reason
   * ```ts
   * import type { Session, SessionEvent } from "@vectorshift/sdk";
   * async function decide(session: Session, event: SessionEvent, ok: boolean) {
   *   if (ok) await session.respondApproval(event, { approved: true, confirm: { num_results: 3 } });
   *   else await session.respondApproval(event, { approved: false, denyReason: "Not today." });
   * }
   * console.log(typeof decide);
   * ```
   */
  async respondApproval(event: SessionEvent, options: RespondApprovalOptions): Promise<void> {
    if (event.type !== "approval_request") {
      throw new VectorshiftError(
        `respondApproval() needs an approval_request event; got a "${event.rawType}" event.`,
      );
    }
    if (typeof options?.approved !== "boolean") {
      throw new VectorshiftError("respondApproval() needs approved: true or false.");
    }
    await this.#answer(event.data.request_id, options.approved, options);
  }

  /**
   * Stops the running turn (model and tools); the session stays usable.
   *
   * @example
   * ```ts
   * import type { Session } from "@vectorshift/sdk";
   * async function stop(session: Session) {
   *   await session.cancelTurn({ reason: "user pressed stop" });
   * }
   * console.log(typeof stop);
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
   * async function print(session: Session) {
   *   for (const message of await session.getMessages()) console.log(message.sender.role, message.text);
   * }
   * console.log(typeof print);
   * ```
   */
  async getMessages(options: CallOptions = {}): Promise<SessionMessage[]> {
    const id = this.sessionId;
    if (id === undefined) {
      throw new SessionError("This session has no id yet: call connect() first, or pass sessionId.");
    }
    const path = `/v1/sessions/${encodeURIComponent(id)}/messages`;
    const body = await request<{ messages: SessionMessage[] }>("GET", path, {
      client: this.#core.client,
      ...options,
    });
    return body.messages;
  }

  /** Disconnects, so `await using session = ...` cleans up on scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect();
  }

  #answer(requestId: string, approved: boolean, options: RespondOptions): Promise<void> {
    const frame: ApprovalResponseFrame = { type: "approval_response", request_id: requestId, approved };
    if (options.confirm !== undefined) frame.confirm = options.confirm;
    if (options.denyReason !== undefined) frame.deny_reason = options.denyReason;
    return this.#core.answer(frame, options.signal);
  }
}
