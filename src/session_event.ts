/**
 * `SessionEvent`: what `Session.listen()` yields. Its types come from the generated protocol union,
 * so `event.type === "message_delta"` narrows `event.data` to that event's payload.
 *
 * @module
 */
import type { Envelope, ErrorCode, ServerEvent } from "./generated/protocol.ts";
import { SERVER_EVENT_TYPES } from "./generated/protocol_schema.ts";
import { type EnumObject, enumObject } from "./enum_object.ts";

/** Every event type of the protocol, such as `"message_delta"`. */
export type SessionEventType = ServerEvent["type"];

/**
 * The protocol's event types as constants: `SessionEventType.MESSAGE_DELTA === "message_delta"`, and so
 * on for every type in the generated schema (the 16 documented VectorShift types plus
 * `RESYNC_REQUIRED`, `TURN_CANCELLED` and `SESSION_TERMINATED`).
 *
 * @example Filter a listener
 * ```ts
 * import { SessionEventType } from "@vectorshift/sdk";
 * const wanted = [SessionEventType.MESSAGE_DELTA, SessionEventType.MESSAGE_COMPLETE];
 * if (wanted.join() !== "message_delta,message_complete") throw new Error("unexpected");
 * ```
 */
export const SessionEventType: EnumObject<SessionEventType> = enumObject(SERVER_EVENT_TYPES);

/**
 * The `type` of an event whose wire type this SDK version does not know (a newer engine); its wire
 * type is in `rawType`. Delivered instead of thrown, for forward compatibility.
 *
 * @example
 * ```ts
 * import { type SessionEvent, UNKNOWN_EVENT_TYPE } from "@vectorshift/sdk";
 * function describe(event: SessionEvent): string {
 *   return event.type === UNKNOWN_EVENT_TYPE ? `newer event ${event.rawType}` : event.type;
 * }
 * const fromNewerEngine = { type: UNKNOWN_EVENT_TYPE, rawType: "summary_ready" } as SessionEvent;
 * if (describe(fromNewerEngine) !== "newer event summary_ready") throw new Error("unexpected");
 * ```
 */
export const UNKNOWN_EVENT_TYPE = "unknown" as const;

/** The payload of one event type, from the generated union. */
export type EventData<T extends SessionEventType> = Extract<ServerEvent, { type: T }>["data"];

/** The fields and conveniences every event has; `T` is its type and `D` its payload. */
export interface SessionEventFields<T extends string, D> {
  /** The event type; {@link UNKNOWN_EVENT_TYPE} for types this SDK does not know. */
  readonly type: T;
  /** The type as sent on the wire (equal to `type` for known events). */
  readonly rawType: string;
  /** The session the event belongs to. */
  readonly sessionId: string;
  /** The message the event is about, when there is one. */
  readonly messageId: string | undefined;
  /**
   * Position in the session log (logged events), or for connection-scoped ones the seq of the newest
   * logged event delivered before them. Every `seq` a listener sees is a safe resume cursor: storing the
   * last one handled and resuming with `new Session({ sessionId, lastSeq })` never skips an event.
   */
  readonly seq: number;
  /** True when the event is part of the session log and replayed on resume. */
  readonly logged: boolean;
  /** When the server produced the event (RFC 3339); for SDK-made events, when the SDK made it. */
  readonly ts: string;
  /**
   * The payload, with its wire (snake_case) field names: typed per event type, and open to fields a
   * newer engine may add.
   */
  readonly data: D & { readonly [field: string]: unknown };
  /** The streamed chunk on `message_delta` events; `undefined` otherwise. */
  readonly delta: T extends "message_delta" ? string : undefined;
  /** The full reply on `message_complete` events; `undefined` otherwise. */
  readonly text: T extends "message_complete" ? string : undefined;
  /** True on `message_complete` (the assistant turn finished); narrows the event when tested. */
  readonly isComplete: T extends "message_complete" ? true : false;
  /** The tool's name on tool, approval and reauth events; `undefined` otherwise. */
  readonly toolName: D extends { tool_name: string } ? string : undefined;
  /** The error text on `error` events; `undefined` otherwise. */
  readonly error: T extends "error" ? string : undefined;
}

/** The event of one known type, with its typed `data`. */
export type SessionEventOf<T extends SessionEventType> = SessionEventFields<T, EventData<T>>;

/** Any event of a type this SDK knows. */
export type KnownSessionEvent = { [K in SessionEventType]: SessionEventOf<K> }[SessionEventType];

/** An event of a type this SDK does not know; read `rawType` and `data`. */
export type UnknownSessionEvent = SessionEventFields<typeof UNKNOWN_EVENT_TYPE, Record<string, unknown>>;

/**
 * One event from a session: a discriminated union on `type`, plus conveniences (`delta`, `text`,
 * `isComplete`, `toolName`, `error`).
 *
 * @example Narrow on the type
 * ```ts
 * import type { SessionEvent } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * function show(event: SessionEvent): string {
 *   if (event.type === "tool_result") return `${event.data.tool_name}: ${event.data.result}`;
 *   if (event.delta) return event.delta;
 *   return event.isComplete ? `|${event.text}` : "";
 * }
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const agent = await vs.Agent.new({ name: "Show", llm_info: { provider: "simulator", model_id: "offline-simulator-1" } });
 * await using session = await agent.createSession();
 * await session.send("Hello!");
 * let shown = "";
 * for await (const event of session.listen()) {
 *   shown += show(event);
 *   if (event.isComplete) break;
 * }
 * const [streamed, final] = shown.split("|");
 * if (streamed !== final) throw new Error("the deltas spell the final text");
 * ```
 */
export type SessionEvent = KnownSessionEvent | UnknownSessionEvent;

/** The envelope fields an event is built from. */
interface EventInit {
  type: string;
  rawType: string;
  sessionId: string;
  messageId: string | undefined;
  seq: number;
  logged: boolean;
  ts: string;
  data: Record<string, unknown>;
}

/** The one runtime class behind every {@link SessionEvent}; the union gives it precise types. */
class EventRecord {
  readonly type: string;
  readonly rawType: string;
  readonly sessionId: string;
  readonly messageId: string | undefined;
  readonly seq: number;
  readonly logged: boolean;
  readonly ts: string;
  readonly data: Record<string, unknown>;

  constructor(init: EventInit) {
    this.type = init.type;
    this.rawType = init.rawType;
    this.sessionId = init.sessionId;
    this.messageId = init.messageId;
    this.seq = init.seq;
    this.logged = init.logged;
    this.ts = init.ts;
    this.data = init.data;
  }

  get delta(): string | undefined {
    return this.type === "message_delta" ? stringField(this.data, "delta") : undefined;
  }

  get text(): string | undefined {
    return this.type === "message_complete" ? stringField(this.data, "text") : undefined;
  }

  get isComplete(): boolean {
    return this.type === "message_complete";
  }

  get toolName(): string | undefined {
    return this.type === UNKNOWN_EVENT_TYPE ? undefined : stringField(this.data, "tool_name");
  }

  get error(): string | undefined {
    return this.type === "error" ? stringField(this.data, "error") : undefined;
  }
}

function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  return typeof value === "string" ? value : undefined;
}

/** Wraps a validated server event. */
export function fromServerEvent(event: ServerEvent): SessionEvent {
  return new EventRecord({
    type: event.type,
    rawType: event.type,
    sessionId: event.session_id,
    messageId: event.message_id,
    seq: event.seq,
    logged: event.logged,
    ts: event.ts,
    data: event.data as Record<string, unknown>,
  }) as unknown as SessionEvent;
}

/** Wraps an event of an unknown type (its generated `Envelope` checked), keeping its wire type in `rawType`. */
export function unknownEvent(envelope: Envelope): UnknownSessionEvent {
  return new EventRecord({
    type: UNKNOWN_EVENT_TYPE,
    rawType: envelope.type,
    sessionId: envelope.session_id,
    messageId: envelope.message_id,
    seq: envelope.seq,
    logged: envelope.logged,
    ts: envelope.ts,
    data: envelope.data as Record<string, unknown>,
  }) as unknown as UnknownSessionEvent;
}

/** The same event at another `seq`: a connection-scoped event placed at the resume cursor. */
export function withSeq<E extends SessionEvent>(event: E, seq: number): E {
  const record = event as unknown as EventRecord;
  return new EventRecord({ ...record, seq }) as unknown as E;
}

/** An `error` event made by the SDK itself (malformed frame, queue overflow). Never logged. */
export function sdkErrorEvent(
  sessionId: string,
  seq: number,
  code: ErrorCode,
  error: string,
  details?: Record<string, unknown>,
): SessionEventOf<"error"> {
  const data: EventData<"error"> = details === undefined ? { error, code } : { error, code, details };
  return new EventRecord({
    type: "error",
    rawType: "error",
    sessionId,
    messageId: undefined,
    seq,
    logged: false,
    ts: new Date().toISOString(),
    data,
  }) as unknown as SessionEventOf<"error">;
}

/**
 * The text of the error a queue overflow reports (`event.error`), as documented by VectorShift.
 *
 * @example
 * ```ts
 * import { QUEUE_OVERFLOW_ERROR, type SessionEvent } from "@vectorshift/sdk";
 * import * as vs from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * function lostSome(event: SessionEvent): boolean {
 *   return event.error === QUEUE_OVERFLOW_ERROR;
 * }
 * await using engine = await startEngine({ offlineModel: { tokensPerSecond: 0 } });
 * vs.configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 * const agent = await vs.Agent.new({ name: "Slow", llm_info: { provider: "simulator", model_id: "offline-simulator-1" } });
 * await using session = await agent.createSession();
 * const slow = session.listen({ maxSize: 2 }); // receives from now on, but is not read during the turn
 * await session.send("Hello!");
 * for await (const event of session.listen()) if (event.isComplete) break;
 * let overflowed = false;
 * for await (const event of slow) {
 *   overflowed ||= lostSome(event);
 *   if (overflowed) break;
 * }
 * if (!overflowed) throw new Error("a listener two events deep lost some of the turn, and was told");
 * ```
 */
export const QUEUE_OVERFLOW_ERROR = "subscriber queue overflow";
