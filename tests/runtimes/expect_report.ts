/**
 * What every runtime must report after running `runtime_client.ts`: the same observations, whichever
 * runtime ran it.
 *
 * @module
 */
import assert from "node:assert/strict";

/** Checks the JSON report `runtime_client.ts` printed under `runtime`. */
export function assertRuntimeReport(report: Record<string, unknown>, runtime: string): void {
  assert.equal(report.failed, undefined, String(report.failed));
  assert.equal(report.runtime, runtime);
  assert.equal(report.hasDeno, false);
  assert.match(String(report.answer), /437/);
  assert.equal(report.deltasMatch, true);
  assert.equal(report.approvals, 1);
  assert.equal(report.secondStatus, "complete");
  assert.deepEqual((report.historyRoles as string[]).filter((r) => r !== "tool"), [
    "user",
    "assistant",
    "user",
    "user",
    "assistant",
  ]);
  assert.equal(report.connectedAfterTerminate, false);
  assert.equal(report.resume, "SessionTerminatedError");
}
