/**
 * Structural mutations shared by the WebSocket and REST generators: delete a field, give it the wrong
 * type, a hostile or huge string, an extra sibling, or a value nested thousands of levels deep. Deep
 * values are spliced in as text, because building them as objects and stringifying would overflow the
 * fuzzer's own stack before the engine's.
 *
 * @module
 */
import { CLIENT_FRAME_TYPES } from "../src/generated/protocol_schema.ts";
import { deepJson, type Rng } from "./random.ts";

/** Placeholder replaced by a deeply nested value in {@link serialize}. */
export const DEEP = "__FUZZ_DEEP__";

/** Values of every JSON type, for wrong-type mutations. */
export const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 64, "", "x", [], {}, [
  1,
  "a",
], {
  type: "hello",
}];

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) pair in a value, breadth first, at most `limit`. */
function slots(root: Record<string, unknown>, limit = 64): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const queue: Container[] = [root];
  while (queue.length > 0 && out.length < limit) {
    const node = queue.shift()!;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      out.push([node, key]);
      const child = (node as Record<string | number, unknown>)[key];
      if (typeof child === "object" && child !== null) queue.push(child as Container);
    }
  }
  return out;
}

function set(container: Container, key: string | number, value: unknown): void {
  (container as Record<string | number, unknown>)[key] = value;
}

/** Applies one random mutation; returns its description and, for deep values, the nesting depth. */
export function mutate(
  rng: Rng,
  frame: Record<string, unknown>,
  big: boolean,
): { what: string; deep?: number } {
  const all = slots(frame);
  const [container, key] = rng.pick(all.length > 0 ? all : [[frame, "type"] as [Container, string]]);
  const kind = rng.weighted({
    delete: 3,
    wrongType: 4,
    hostile: 4,
    huge: big ? 2 : 0,
    extra: 2,
    deep: 1,
    retype: 1,
  });
  switch (kind) {
    case "delete":
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key as string];
      return { what: `delete ${key}` };
    case "wrongType": {
      const value = rng.pick(WRONG_TYPES);
      set(container, key, structuredClone(value));
      return { what: `${key}=${JSON.stringify(value)}` };
    }
    case "hostile":
      set(container, key, rng.hostileString(8));
      return { what: `${key}=hostile string` };
    case "huge": {
      const length = rng.pick([130, 4096, 100_000, 1_000_000, rng.int(1, 3) * 1_000_000]);
      set(container, key, rng.hugeString(length));
      return { what: `${key}=string of ${length} chars` };
    }
    case "extra": {
      const target = Array.isArray(container) ? frame : container;
      const name = rng.chance(0.5)
        ? rng.pick(["__proto__", "constructor", "type2", "data"])
        : rng.hostileString(2);
      // defineProperty makes "__proto__" an own, serialised key instead of a prototype change.
      Object.defineProperty(target, name, {
        value: rng.pick(WRONG_TYPES),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return { what: "extra field" };
    }
    case "deep": {
      const depth = rng.pick([3000, 10_000, 20_000]);
      set(container, key, DEEP);
      return { what: `${key}=nested ${depth} deep`, deep: depth };
    }
    case "retype":
      frame.type = rng.chance(0.7) ? rng.pick(CLIENT_FRAME_TYPES) : rng.hostileString(2);
      return { what: `type=${String(frame.type)}` };
  }
}

export function serialize(frame: unknown, deep: { depth: number; arrays: boolean } | undefined): string {
  const text = JSON.stringify(frame);
  return deep ? text.replace(JSON.stringify(DEEP), deepJson(deep.depth, deep.arrays)) : text;
}
