/**
 * `definedOnly`: the one place that drops `undefined` fields, so spreading options over defaults
 * never replaces a default with `undefined` (which `exactOptionalPropertyTypes` would also reject).
 *
 * @module
 */

/** `T` with every field optional and never `undefined`. */
export type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** A shallow copy of `value` without the fields whose value is `undefined`. */
export function definedOnly<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
