/**
 * Every check of the kit, in run order (cheap handshake checks first, slow ones last).
 *
 * @module
 */
import type { Check } from "../check.ts";
import { approvalChecks } from "./approvals.ts";
import { frameChecks } from "./frames.ts";
import { handshakeChecks } from "./handshake.ts";
import { livenessChecks } from "./liveness.ts";
import { postChecks } from "./posts.ts";
import { replayChecks } from "./replay.ts";
import { restChecks } from "./rest.ts";
import { terminateChecks } from "./terminate.ts";
import { turnChecks } from "./turns.ts";

/** Every check, in run order. */
export const ALL_CHECKS: readonly Check[] = [
  ...restChecks,
  ...handshakeChecks,
  ...replayChecks,
  ...postChecks,
  ...turnChecks,
  ...approvalChecks,
  ...terminateChecks,
  ...frameChecks,
  ...livenessChecks,
];
