/**
 * Turns a list of wire values into a constant object keyed by their upper-case names
 * (`"message_delta"` → `MESSAGE_DELTA`), so constants are derived from generated lists, never typed twice.
 *
 * @module
 */

/** A constant object whose keys are the upper-cased values: `{ AUTO_RUN: "auto_run", ... }`. */
export type EnumObject<T extends string> = { readonly [K in T as Uppercase<K>]: K };

/** Builds an {@link EnumObject} from its values. */
export function enumObject<T extends string>(values: readonly T[]): EnumObject<T> {
  return Object.freeze(Object.fromEntries(values.map((v) => [v.toUpperCase(), v]))) as EnumObject<T>;
}
