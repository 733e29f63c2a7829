/**
 * `@vectorshift/sdk`: stateful, streaming agent sessions over WebSocket, a TypeScript port of the
 * VectorShift session model. Create an {@link Agent}, open a {@link Session}, `send()` user turns and
 * `listen()` to typed events; `disconnect()` and resume by id from any process, or `terminate()` for
 * good. Drops are healed by automatic, gap-free reconnects. Runs on Deno, Bun, Node 22+ and browsers
 * (web-platform APIs only). The engine it talks to is exported separately as `@vectorshift/sdk/engine`.
 *
 * @example Stream an answer from a local engine
 * ```ts
 * import { Agent, AgentType, configure } from "@vectorshift/sdk";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0 });
 * configure({ apiKey: engine.apiKey, baseUrl: engine.url });
 *
 * const agent = await Agent.new({
 *   name: "Helper",
 *   type: AgentType.CONVERSATIONAL,
 *   llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
 * });
 * await using session = await agent.createSession();
 * await session.send("Hello! What can you do?");
 * for await (const event of session.listen()) {
 *   if (event.delta) console.log(event.delta);
 *   if (event.isComplete) break;
 * }
 * ```
 *
 * @module
 */
export { type ApiKeyProvider, type ClientOptions, configure } from "./src/config.ts";
export {
  ApiConnectionError,
  type ApiErrorInit,
  ApiStatusError,
  ApiTimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FrameTooLargeError,
  HandshakeRejectedError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolVersionError,
  RateLimitError,
  SessionDisconnectedError,
  SessionError,
  type SessionErrorOptions,
  SessionExpiredError,
  SessionNotFoundError,
  SessionTerminatedError,
  UnprocessableEntityError,
  VectorshiftApiError,
  VectorshiftError,
} from "./src/errors.ts";
export {
  IdempotencyConflictError,
  MessageRejectedError,
  type MessageRejectedErrorOptions,
  SessionRateLimitError,
  type SessionRateLimitErrorOptions,
} from "./src/send_errors.ts";
export type { CallOptions } from "./src/http.ts";
export { Agent } from "./src/agent.ts";
export type {
  AgentCallOptions,
  AgentFetchOptions,
  AgentListOptions,
  AgentNewOptions,
  AgentSessionOptions,
} from "./src/agent_options.ts";
export { Chatbot, type ChatbotFetchOptions, type ChatbotNewOptions } from "./src/chatbot.ts";
export {
  type AgentRunResult,
  type ConversationalAgentRunResult,
  ConversationalRunActionRequiredError,
  type FunctionalRunOptions,
  type RunOptions,
  type RunStatus,
} from "./src/run.ts";
export { Session } from "./src/session.ts";
export {
  type BatchReceipt,
  DEFAULT_HEARTBEAT,
  type HeartbeatOptions,
  type ListenOptions,
  type ReasonOptions,
  type RespondApprovalOptions,
  type RespondOptions,
  type SendManyOptions,
  type SendOptions,
  type SendReceipt,
  type SessionOptions,
} from "./src/session_options.ts";
export { DEFAULT_RECONNECT, type ReconnectOptions, type ReconnectPolicy } from "./src/reconnect.ts";
export type {
  BinaryContent,
  ContentOptions,
  FileAttachment,
  SendContent,
  SendManyItem,
  UserSessionMessageInit,
} from "./src/content.ts";
export { UserSessionMessage } from "./src/content.ts";
export {
  type EventData,
  type KnownSessionEvent,
  QUEUE_OVERFLOW_ERROR,
  type SessionEvent,
  type SessionEventFields,
  type SessionEventOf,
  SessionEventType,
  UNKNOWN_EVENT_TYPE,
  type UnknownSessionEvent,
} from "./src/session_event.ts";
export { AgentType, ToolApprovalConfig, ToolInputType } from "./src/tools.ts";
export type { EnumObject } from "./src/enum_object.ts";
export type {
  AgentCreate,
  AgentRecord,
  AgentUpdate,
  ChatbotCreate,
  ChatbotRecord,
  Deleted,
  IOConfig,
  IoConfig,
  LLMInfo,
  LlmInfo,
  MemoryConfig,
  MessageSender,
  SessionInfo,
  SessionMessage,
  SessionMessageRole,
  SessionMessageStatus,
  Tool,
  ToolInput,
} from "./src/rest_types.ts";
export { PROTOCOL_VERSION } from "./src/generated/protocol_schema.ts";
export type {
  ApprovalRequestEvent,
  ErrorCode,
  ErrorEvent,
  MessageCompleteEvent,
  MessageDeltaEvent,
  MessagePostedEvent,
  MessagesPostedEvent,
  MessageStreamingEvent,
  ParticipantStatusEvent,
  PongEvent,
  ProtocolVersion,
  ReauthRequestEvent,
  ResyncRequiredEvent,
  SearchResultEvent,
  ServerEvent,
  SessionConnectedEvent,
  SessionCreatedEvent,
  SessionTerminatedEvent,
  ThinkingEvent,
  ToolCallEvent,
  ToolResultEvent,
  TurnCancelledEvent,
} from "./src/generated/protocol.ts";
export type { components } from "./src/generated/rest.ts";
