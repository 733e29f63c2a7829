/**
 * Runs the checks one after another, each with its own deadline and its own sockets, and deletes the
 * agents the kit created.
 *
 * @module
 */
import { type Check, CheckSkipped } from "./check.ts";
import { ALL_CHECKS } from "./checks/mod.ts";
import { CheckContext, RunState } from "./context.ts";
import { type ConformanceOptions, resolveOptions } from "./options.ts";
import type { CheckResult, ConformanceReport } from "./result.ts";
import { restCall } from "./wire/rest.ts";

/**
 * Runs the conformance kit against the server at `options.url`, over REST and WebSocket only.
 *
 * @param options The server's URL and key, and optional limits (see {@link ConformanceOptions}).
 * @returns One result per check and the counts; `ok` is false when any check failed.
 * @throws {TypeError} When the URL or a key is unusable, or `only` names no check.
 *
 * @example Check an embedded engine
 * ```ts
 * import { runConformance } from "@vectorshift/sdk/conformance";
 * import { startEngine } from "@vectorshift/sdk/engine";
 *
 * await using engine = await startEngine({ port: 0, offlineModel: { tokensPerSecond: 0 } });
 * const report = await runConformance({ url: engine.url, key: engine.apiKey, only: ["handshake.bad_key"] });
 * console.log(report.ok, report.results[0]?.status); // true "pass"
 * ```
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const resolved = resolveOptions(options);
  const checks = selectChecks(ALL_CHECKS, resolved.only);
  const state = new RunState();
  const started = performance.now();
  const results: CheckResult[] = [];
  try {
    for (const check of checks) {
      const result = await runCheck(check, new CheckContext(resolved, state));
      results.push(result);
      resolved.onResult(result);
    }
  } finally {
    // The kit's own agents go; deleting an agent also ends its sessions on the server.
    for (const agent of state.created) {
      await restCall(resolved.url, {
        method: "DELETE",
        route: "/v1/agents/{agent_id}",
        params: { agent_id: agent.id },
        key: agent.key,
      }, resolved.waitMs).catch(() => {});
    }
  }
  const count = (status: CheckResult["status"]) => results.filter((r) => r.status === status).length;
  return {
    results,
    passed: count("pass"),
    failed: count("fail"),
    skipped: count("skip"),
    ok: count("fail") === 0,
    ms: performance.now() - started,
  };
}

/** The ids of every check, in run order. */
export function checkIds(): string[] {
  return ALL_CHECKS.map((c) => c.id);
}

function selectChecks(all: readonly Check[], only: string[] | undefined): readonly Check[] {
  if (only === undefined) return all;
  const chosen = all.filter((c) => only.some((o) => c.id === o || c.id.startsWith(`${o}.`)));
  if (chosen.length === 0) {
    throw new TypeError(
      `No check matches ${only.join(", ")}; the checks are: ${all.map((c) => c.id).join(", ")}.`,
    );
  }
  return chosen;
}

async function runCheck(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  const result = (status: CheckResult["status"], message?: string): CheckResult => ({
    id: check.id,
    guarantee: check.guarantee,
    status,
    ...(message === undefined ? {} : { message }),
    ms: performance.now() - started,
  });
  try {
    await check.run(ctx);
    return result("pass");
  } catch (error) {
    if (error instanceof CheckSkipped) return result("skip", error.message);
    const message = error instanceof Error ? error.message : String(error);
    return result(
      "fail",
      ctx.timedOut
        ? `the check did not finish within ${ctx.options.checkTimeoutMs} ms (${message})`
        : message,
    );
  } finally {
    await ctx.close();
  }
}
