/**
 * The built-in tool types the engine can run, and how an agent's tools are shown to the model.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import type { ModelTool } from "../model.ts";
import { calculator } from "./calculator.ts";
import { currentTime } from "./current_time.ts";
import { knowledgeSearch } from "./knowledge_search.ts";
import type { ToolType } from "./tool.ts";

/** A tool on an agent, as in the REST schema. */
export type Tool = components["schemas"]["Tool"];

/** Tool types that run offline in this engine, by `tool_type`. */
export const builtinToolTypes: ReadonlyMap<string, ToolType> = new Map(
  [calculator, currentTime, knowledgeSearch].map((type) => [type.type, type]),
);

function isStatic(tool: Tool, key: string): boolean {
  return tool.inputs?.[key]?.type === "static";
}

/** The model-facing parameters: the type's own (minus static inputs), else the dynamic inputs. */
function parametersFor(tool: Tool, type: ToolType | undefined): ModelTool["parameters"] {
  const properties: ModelTool["parameters"]["properties"] = {};
  const inputs = Object.entries(tool.inputs ?? {});
  if (type !== undefined) {
    for (const [key, schema] of Object.entries(type.parameters.properties)) {
      if (isStatic(tool, key)) continue;
      const description = tool.inputs?.[key]?.description ?? schema.description;
      properties[key] = description === undefined
        ? { type: schema.type }
        : { type: schema.type, description };
    }
    return { type: "object", properties };
  }
  for (const [key, input] of inputs) {
    if (input.type !== "dynamic") continue;
    properties[key] = input.description === undefined
      ? { type: "string" }
      : { type: "string", description: input.description };
  }
  return { type: "object", properties };
}

/**
 * How the model sees an agent's tools: name, type, description (the tool's, else the type's default)
 * and parameters (the built-in type's, else the tool's dynamic inputs; static inputs are never shown).
 *
 * @param tools The agent's tools.
 * @returns One {@link ModelTool} per tool, in the same order.
 * @example Show a calculator to the model
 * ```ts
 * import { modelToolsFor } from "./registry.ts";
 * const [tool] = modelToolsFor([{ name: "calc", tool_type: "calculator" }]);
 * console.log(tool?.parameters.properties); // { expression: { type: "string", ... } }
 * ```
 */
export function modelToolsFor(tools: Tool[]): ModelTool[] {
  return tools.map((tool) => {
    const type = builtinToolTypes.get(tool.tool_type);
    const description = tool.description?.trim() || type?.description ||
      `The ${tool.tool_type} tool "${tool.name}".`;
    return { name: tool.name, toolType: tool.tool_type, description, parameters: parametersFor(tool, type) };
  });
}

/**
 * The values of a tool's static inputs, to merge over the model's arguments when running it (the
 * model never sees or overrides them).
 *
 * @param tool The agent's tool.
 * @returns Static input values by name.
 */
export function staticArguments(tool: Tool): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(tool.inputs ?? {})) {
    if (input.type === "static" && input.value !== undefined) values[key] = input.value;
  }
  return values;
}
