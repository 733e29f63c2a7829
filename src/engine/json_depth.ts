/**
 * Nesting depth of decoded JSON. `JSON.parse` accepts any depth, but `JSON.stringify`,
 * `structuredClone` and recursive walks overflow the stack on a value nested a few thousand levels
 * deep, so every value decoded from a client is checked here first, without recursion.
 *
 * @module
 */

/** Deepest nesting of arrays and objects the engine accepts in a frame or request body. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays or objects deeper than `max` levels; walks at most what it must. */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
