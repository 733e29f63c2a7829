/**
 * Linux process facts read from `/proc`: resident memory, CPU time, and the open-file limit.
 *
 * @module
 */

/** Resident set size of a process in bytes (`VmRSS` of `/proc/<pid>/status`). */
export async function rssBytes(pid: number | "self"): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`No VmRSS in /proc/${pid}/status; RSS can only be read on Linux.`);
  return Number(match[1]) * 1024;
}

/** Clock ticks per second of `/proc/<pid>/stat` times; 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

/** User + system CPU time a process has used so far, in seconds. */
export async function cpuSeconds(pid: number | "self"): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** The soft limit on open files of this process, or undefined when unlimited or unreadable. */
export async function openFileLimit(): Promise<number | undefined> {
  try {
    const limits = await Deno.readTextFile("/proc/self/limits");
    const match = /^Max open files\s+(\S+)/m.exec(limits);
    const value = Number(match?.[1]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
