/**
 * How the test suite runs the kit against a server: engine settings that keep the run short, and an
 * assertion that lists every failed check with its guarantee.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EngineOptions } from "../../../src/engine/mod.ts";
import {
  type ConformanceOptions,
  type ConformanceReport,
  formatResult,
  runConformance,
} from "../../../conformance/mod.ts";

/** Handshake timeout the test engines use, and the kit is told. */
const HANDSHAKE_TIMEOUT_MS = 300;

/**
 * Engine settings that keep the kit fast: a short handshake and heartbeat, a small retained log (so
 * the gap check needs one turn), a small frame limit (so the oversize frame is small), and a model
 * slow enough that a cancel or terminate after the first delta lands mid-answer.
 */
export const KIT_ENGINE_OPTIONS: EngineOptions = {
  port: 0,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  heartbeatIntervalMs: 500,
  retainedEvents: 20,
  maxFrameBytes: 64 * 1024,
  offlineModel: { tokensPerSecond: 2_000 },
};

/** The kit's timing options matching {@link KIT_ENGINE_OPTIONS}. */
export const KIT_TIMING: Pick<ConformanceOptions, "handshakeTimeoutMs" | "waitMs"> = {
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  waitMs: 10_000,
};

/** Runs the kit and fails with every failed check, named with its guarantee; no check may be skipped. */
export async function assertConformant(options: ConformanceOptions): Promise<ConformanceReport> {
  const report = await runConformance(options);
  const bad = report.results.filter((r) => r.status !== "pass");
  assert.equal(bad.length, 0, `\n${bad.map(formatResult).join("\n")}`);
  return report;
}
