/**
 * Names for the REST shapes, taken from the generated OpenAPI types (never written twice).
 *
 * @module
 */
import type { components } from "./generated/rest.ts";

/** Which model answers (`provider`, `model_id`, optional `api_key`, `base_url`, ...). */
export type LlmInfo = components["schemas"]["LlmInfo"];
/** Alias of {@link LlmInfo}, as spelled in some VectorShift examples. */
export type LLMInfo = LlmInfo;
/** A tool on an agent (`name`, `tool_type`, `description`, `inputs`, `approval_config`). */
export type Tool = components["schemas"]["Tool"];
/** One tool input: a static value or one the model fills in. */
export type ToolInput = components["schemas"]["ToolInput"];
/** What the agent remembers (`enable_session_memory`, `enable_global_memory`). */
export type MemoryConfig = components["schemas"]["MemoryConfig"];
/** A declared input or output of a functional agent. */
export type IoConfig = components["schemas"]["IoConfig"];
/** Alias of {@link IoConfig}. */
export type IOConfig = IoConfig;
/** The body that creates an agent. */
export type AgentCreate = components["schemas"]["AgentCreate"];
/** The body that updates an agent. */
export type AgentUpdate = components["schemas"]["AgentUpdate"];
/** A stored agent as the engine returns it. */
export type AgentRecord = components["schemas"]["Agent"];
/** A stored chatbot as the engine returns it. */
export type ChatbotRecord = components["schemas"]["Chatbot"];
/** The body that creates a chatbot. */
export type ChatbotCreate = components["schemas"]["ChatbotCreate"];
/** A session's state over REST. */
export type SessionInfo = components["schemas"]["SessionInfo"];
/**
 * One message of a session's history, as `getMessages()` returns it: the REST record's fields, plus
 * `raw`, the record exactly as the engine sent it (fields a newer engine adds included).
 */
export type SessionMessage = components["schemas"]["SessionMessage"] & {
  /** The record as the engine sent it. */
  readonly raw: Readonly<Record<string, unknown>>;
};
/** Who sent a message. */
export type MessageSender = components["schemas"]["MessageSender"];
/** Who wrote a message: `user`, `assistant` or `tool`. */
export type SessionMessageRole = components["schemas"]["SessionMessageRole"];
/** A message's status: `streaming`, `complete` or `error`. */
export type SessionMessageStatus = components["schemas"]["SessionMessageStatus"];
/** A deletion receipt. */
export type Deleted = components["schemas"]["Deleted"];
