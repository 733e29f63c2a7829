/**
 * The VectorShift session engine: a self-hostable server that speaks the session protocol (REST and
 * WebSocket, see `schema/`). Examples and tests start it in process on port 0; `deno task engine`
 * runs it standalone.
 *
 * @example Start an engine in process
 * ```ts
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 } });
 * const health = await fetch(`${engine.url}/v1/health`);
 * console.log(engine.url, (await health.json()).status); // "ok"
 * ```
 *
 * @module
 */
export { type Engine, startEngine } from "./engine.ts";
export type { EngineOptions, KnowledgeDocumentInput } from "./options.ts";
export type { TokenRateLimit, TokenScope } from "./tokens.ts";
/** The REST shapes (generated from `schema/openapi.json`), which the token types above name. */
export type { components } from "../generated/rest.ts";
export {
  createLogger,
  type LogFields,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./log.ts";
