/**
 * A tool result as text for a real model: the status when the call did not succeed, and the
 * arguments that ran when an approval (or a static input) changed them, so the model describes what
 * actually happened rather than what it asked for.
 *
 * @module
 */
import type { ModelMessage } from "../model.ts";

/**
 * The text a model is given for one tool message.
 *
 * @example
 * ```ts
 * import { toolResultText } from "./tool_result_text.ts";
 * const text = toolResultText({
 *   role: "tool", callId: "c1", name: "calc", status: "success", result: "43",
 *   arguments: { expression: "6*7+1" },
 * });
 * console.log(text); // [ran with arguments {"expression":"6*7+1"}] 43
 * ```
 */
export function toolResultText(message: Extract<ModelMessage, { role: "tool" }>): string {
  const ran = message.arguments === undefined
    ? ""
    : `[ran with arguments ${JSON.stringify(message.arguments)}] `;
  return message.status === "success" ? `${ran}${message.result}` : `[${message.status}] ${message.result}`;
}
