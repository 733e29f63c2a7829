/**
 * Facts about the machine and runtime a benchmark ran on, for the JSON report: figures from a 2-core
 * laptop and a 64-core server are not comparable without them.
 *
 * @module
 */
import { openFileLimit } from "./proc.ts";

async function cpuModel(): Promise<string | null> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

async function gitCommit(): Promise<string | null> {
  try {
    const { code, stdout } = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd: new URL("../../", import.meta.url),
      stdout: "piped",
      stderr: "null",
    }).output();
    return code === 0 ? new TextDecoder().decode(stdout).trim() : null;
  } catch {
    return null;
  }
}

/** CPU count and model, memory, OS, runtime versions, load, and the commit measured. */
export async function machineFacts(): Promise<Record<string, unknown>> {
  return {
    cpu_count: navigator.hardwareConcurrency,
    cpu_model: await cpuModel(),
    memory_total_bytes: Deno.systemMemoryInfo().total,
    os: Deno.build.os,
    arch: Deno.build.arch,
    os_release: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    load_average_at_start: Deno.loadavg(),
    open_file_limit: (await openFileLimit()) ?? null,
    git_commit: await gitCommit(),
    contenders: { socketio: "npm:socket.io@^4.8.4 + npm:socket.io-client@^4.8.4, websocket transport" },
  };
}

/** One line for the top of the table, such as `2 × Intel Xeon …, Deno 2.9.6 (V8 15.0), linux 6.1`. */
export function machineLine(facts: Record<string, unknown>): string {
  return `${facts.cpu_count} × ${facts.cpu_model ?? "unknown CPU"}, ${
    fmtBytes(facts.memory_total_bytes)
  } RAM, Deno ${facts.deno} (V8 ${facts.v8}), ${facts.os} ${facts.os_release}`;
}

function fmtBytes(value: unknown): string {
  return typeof value === "number" ? `${Math.round(value / 1024 ** 3)} GiB` : "?";
}
