/**
 * The link `deno task engine` prints for the browser playground: `/playground#token=...` with an
 * organisation token for the first key. The fragment is never sent to a server, and the page removes it
 * from the address bar as soon as it has read it.
 *
 * @module
 */
import type { Engine } from "./engine.ts";

/** How long the printed link works. */
export const PLAYGROUND_LINK_TTL_SECONDS = 3600;

/** The playground link of `engine`, with a fresh organisation token. */
export async function playgroundLink(engine: Engine): Promise<string> {
  const { token } = await engine.mintToken({ organization: true }, PLAYGROUND_LINK_TTL_SECONDS);
  return `${engine.url}/playground#token=${token}`;
}
