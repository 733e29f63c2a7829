/**
 * Timers that never keep a process alive on their own (Deno, Bun, Node), without importing any
 * runtime namespace: the runtime's own unref hook is used when it has one.
 *
 * @module
 */

/** A timer handle as returned by `setTimeout`/`setInterval` on the current runtime. */
export type Timer = ReturnType<typeof setTimeout>;

type UnrefHost = { Deno?: { unrefTimer?: (id: number) => void } };

/** Marks a timer so it does not keep the process alive, where the runtime supports it. */
export function unrefTimer<T extends Timer>(timer: T): T {
  if (typeof timer === "number") {
    (globalThis as unknown as UnrefHost).Deno?.unrefTimer?.(timer);
  } else {
    (timer as { unref?: () => void }).unref?.();
  }
  return timer;
}
