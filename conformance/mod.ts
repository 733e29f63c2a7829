/**
 * A black-box conformance kit for servers of the VectorShift session protocol v1: it tests every
 * guarantee of `docs/protocol.md` over REST and WebSocket only, with raw `fetch` and `WebSocket` and
 * the validators generated from `schema/`, and names the guarantee each failure breaks.
 *
 * From a shell: `deno task conformance --url http://127.0.0.1:8787 --key vs-...`.
 *
 * @example Run the kit from a test
 * ```ts
 * import { formatResult, runConformance } from "@vectorshift/sdk/conformance";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 } });
 * const report = await runConformance({ url: engine.url, key: engine.apiKey, only: ["rest.health_and_metrics"] });
 * for (const result of report.results) console.log(formatResult(result));
 * if (!report.ok) throw new Error("the server is not conformant");
 * ```
 *
 * @module
 */
export { checkIds, runConformance } from "./run.ts";
export type { ConformanceOptions, LlmInfo } from "./options.ts";
export {
  type CheckResult,
  type CheckStatus,
  type ConformanceReport,
  formatResult,
  formatSummary,
} from "./result.ts";
