/**
 * The `calculator` tool: evaluates an arithmetic expression with a small parser (never `eval`).
 *
 * @module
 */
import type { ToolType } from "./tool.ts";
import { evaluateArithmetic, formatNumber } from "./arithmetic.ts";

/**
 * Runs `calculator` calls. Arguments: `{ expression }`; the result is the value as text ("437").
 *
 * @example Run it directly
 * ```ts
 * import { calculator } from "./calculator.ts";
 * const context = {
 *   signal: new AbortController().signal,
 *   searchKnowledge: () => [],
 *   emitSearchResult: () => {},
 *   now: () => new Date(),
 * };
 * console.log(await calculator.run({ expression: "23 * 19" }, context)); // "437"
 * ```
 */
export const calculator: ToolType = {
  type: "calculator",
  description:
    "Evaluates an arithmetic expression (+ - * / % ^, parentheses, sqrt, abs, round, min, max, ...).",
  parameters: {
    type: "object",
    properties: {
      expression: { type: "string", description: 'The expression to evaluate, such as "23 * 19".' },
    },
  },
  run(args, context) {
    // The executor turns a synchronous throw into a rejection, as callers of run() expect.
    return new Promise((resolve) => {
      context.signal.throwIfAborted();
      const expression = args["expression"];
      if (typeof expression !== "string") {
        throw new Error(
          'The calculator needs a string "expression" argument, such as {"expression": "23 * 19"}.',
        );
      }
      resolve(formatNumber(evaluateArithmetic(expression)));
    });
  },
};
