/**
 * Constants for agent and tool settings, derived from the generated lists of REST enum values.
 *
 * @module
 */
import type { components } from "./generated/rest.ts";
import { restEnums } from "./generated/rest_enums.ts";
import { type EnumObject, enumObject } from "./enum_object.ts";

/** `conversational` or `functional`. */
export type AgentType = components["schemas"]["AgentType"];

/**
 * Agent kinds: conversational agents hold sessions; functional agents run stateless jobs.
 *
 * @example
 * ```ts
 * import { AgentType } from "@vectorshift/sdk";
 * if (AgentType.CONVERSATIONAL !== "conversational") throw new Error("unexpected");
 * ```
 */
export const AgentType: EnumObject<AgentType> = enumObject(restEnums.AgentType);

/** `auto_run`, `let_agent_decide` or `requires_approval`. */
export type ToolApprovalConfig = components["schemas"]["ToolApprovalConfig"];

/**
 * When a tool may run: at once, when the model decides, or only after a client approves.
 *
 * @example
 * ```ts
 * import { ToolApprovalConfig } from "@vectorshift/sdk";
 * const tool = { name: "calc", tool_type: "calculator", approval_config: ToolApprovalConfig.REQUIRES_APPROVAL };
 * if (tool.approval_config !== "requires_approval") throw new Error("unexpected");
 * ```
 */
export const ToolApprovalConfig: EnumObject<ToolApprovalConfig> = enumObject(restEnums.ToolApprovalConfig);

/** `static` or `dynamic`. */
export type ToolInputType = components["schemas"]["ToolInputType"];

/**
 * Tool input kinds: `STATIC` uses a fixed value, `DYNAMIC` lets the model fill it in.
 *
 * @example
 * ```ts
 * import { ToolInputType } from "@vectorshift/sdk";
 * const inputs = { expression: { type: ToolInputType.DYNAMIC, description: "What to compute" } };
 * if (inputs.expression.type !== "dynamic") throw new Error("unexpected");
 * ```
 */
export const ToolInputType: EnumObject<ToolInputType> = enumObject(restEnums.ToolInputType);
