/**
 * Runs an example against the engine named by `VECTORSHIFT_API_URL` / `VECTORSHIFT_API_KEY`, or, when
 * no URL is set, against an engine started in this process on a free loopback port (offline model
 * simulator). Engine notes go to stderr so stdout is exactly the example's own output.
 *
 * @module
 */
import { configure } from "@vectorshift/sdk";
import { startEngine } from "@vectorshift/sdk/engine";
import { knowledgeDocuments } from "./knowledge.ts";

/** Tokens per second of the embedded simulator; `VECTORSHIFT_SIMULATOR_TPS` overrides it. */
function simulatorRate(): number {
  const value = Number(Deno.env.get("VECTORSHIFT_SIMULATOR_TPS") ?? "400");
  return Number.isFinite(value) && value >= 0 ? value : 400;
}

/** Runs `main` with the SDK configured for a standalone or an embedded engine. */
export async function runExample(main: () => Promise<void>): Promise<void> {
  if (Deno.env.get("VECTORSHIFT_API_URL")) {
    console.error(`(using the engine at ${Deno.env.get("VECTORSHIFT_API_URL")})`);
    await main();
    return;
  }
  const engine = await startEngine({
    port: 0,
    offlineModel: { tokensPerSecond: simulatorRate() },
    knowledgeDocuments,
  });
  console.error(`(embedded engine at ${engine.url}; answers come from the offline model simulator)`);
  configure({ apiKey: engine.apiKey, baseUrl: engine.url });
  try {
    await main();
  } finally {
    await engine.close();
  }
}
