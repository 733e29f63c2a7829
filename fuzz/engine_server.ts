/**
 * The engine under attack, in its own process so a crash, a hang or a memory blow-up is observed
 * from outside instead of taking the fuzzer down with it. Usage:
 * `engine_server.ts '<EngineOptions as JSON>'`. Prints `{"url", "apiKeys", "pid"}` as one JSON line on
 * stdout when listening, writes every engine log line to stderr, and exits when its stdin closes
 * (the fuzzer is gone) or on SIGTERM.
 *
 * @module
 */
import { type EngineOptions, startEngine } from "../src/engine/mod.ts";

/** What the server prints when it is ready. */
export interface EngineReady {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  /** The accepted keys, one organisation each. */
  apiKeys: string[];
  /** The engine's process id, for `/proc/<pid>/status`. */
  pid: number;
}

if (import.meta.main) {
  const options = JSON.parse(Deno.args[0] ?? "{}") as EngineOptions;
  const encoder = new TextEncoder();
  const engine = await startEngine({
    ...options,
    port: 0,
    hostname: "127.0.0.1",
    log: (line) => Deno.stderr.writeSync(encoder.encode(`[engine] ${line}\n`)),
  });
  const ready: EngineReady = { url: engine.url, apiKeys: [...engine.apiKeys], pid: Deno.pid };
  console.log(JSON.stringify(ready));
  const stop = async () => {
    await engine.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void stop());
  // Stdin closes when the fuzzer exits, however it exits: never outlive it.
  for await (const _ of Deno.stdin.readable) {
    // Nothing is ever sent; reading only detects the close.
  }
  await stop();
}
