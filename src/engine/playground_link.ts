/**
 * The link `deno task engine` prints for the browser playground: `/playground#token=...` with a token
 * minted for the first organisation through the engine's own `POST /v1/tokens`. The fragment is never
 * sent to a server, and the page removes it from the address bar as soon as it has read it.
 *
 * @module
 */

/** How long the printed link works. */
export const PLAYGROUND_LINK_TTL_SECONDS = 3600;

/** Mints an organisation token with `apiKey` on the engine at `url` and returns the playground link. */
export async function playgroundLink(url: string, apiKey: string): Promise<string> {
  const response = await fetch(`${url}/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ scope: { organization: true }, ttl_seconds: PLAYGROUND_LINK_TTL_SECONDS }),
  });
  const body = await response.json() as { token?: string; error?: string };
  if (!response.ok || !body.token) {
    throw new Error(`minting the playground token failed (${response.status}: ${body.error ?? "no body"})`);
  }
  return `${url}/playground#token=${body.token}`;
}
