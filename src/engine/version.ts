/**
 * The engine's version, as reported by `/v1/health`.
 *
 * @module
 */
import denoConfig from "../../deno.json" with { type: "json" };

/** The package version from deno.json. */
export const ENGINE_VERSION: string = denoConfig.version;
