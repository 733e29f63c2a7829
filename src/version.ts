/**
 * The SDK's name and version, sent in `hello` so engine logs can tell clients apart.
 *
 * @module
 */

/** Package name. */
export const SDK_NAME = "@vectorshift/sdk";
/** Package version; keep in step with deno.json. */
export const SDK_VERSION = "0.1.0";
