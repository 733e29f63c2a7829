/**
 * Short-lived scoped tokens: `vst_<payload>.<signature>`, the payload base64url JSON, the signature an
 * HMAC-SHA256 under a secret derived from the organisation's API key. Signed rather than remembered, so
 * every engine process that has the key (every node of a cluster) accepts a token another minted, with
 * no shared state; removing a key from the engine revokes every token it signed.
 *
 * @module
 */
import type { components } from "../generated/rest.ts";

/** What a token may reach (`schema/openapi.json` `TokenScope`). */
export type TokenScope = components["schemas"]["TokenScope"];
/** A token's own rate limit (`schema/openapi.json` `TokenRateLimit`). */
export type TokenRateLimit = components["schemas"]["TokenRateLimit"];

/** A verified token's claims. */
export interface TokenClaims {
  /** Token id (`tok_...`): its metrics label and its rate-limit key. */
  id: string;
  /** The organisation it acts for. */
  org: string;
  /** What it may reach. */
  scope: TokenScope;
  /** Its own rate limit, when minted with one. */
  rateLimit?: TokenRateLimit;
  /** Issued at, in ms since the epoch. */
  issuedAtMs: number;
  /** Not accepted from this instant on, in ms since the epoch. */
  expiresAtMs: number;
}

/** Why a string is not an accepted token. */
export type TokenRefusal = { code: "unauthorized" | "token_expired"; message: string };

/** The prefix that tells a token from an API key. */
export const TOKEN_PREFIX = "vst_";
/** Longest token accepted; `hello.api_key` allows 512 characters. */
export const MAX_TOKEN_LENGTH = 512;
/** Shortest and longest lifetime a token may be minted with (seconds). */
export const MIN_TTL_SECONDS = 10;
/** @see MIN_TTL_SECONDS */
export const MAX_TTL_SECONDS = 86_400;
/** Lifetime when the request names none (seconds). */
export const DEFAULT_TTL_SECONDS = 900;
/** Highest `per_second` and `burst` of a token's own rate limit (as in `TokenRateLimit`). */
const MAX_RATE = 100_000;
/** Clock difference between nodes tolerated for `iat` in the future. */
const MAX_CLOCK_SKEW_MS = 60_000;
/** Longest scope id (every id in the protocol is at most 128 characters). */
const MAX_SCOPE_ID_LENGTH = 128;
/** Domain separation: the signing secret is never the key itself, nor usable for anything else. */
const SECRET_LABEL = "vectorshift scoped token signing v1";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function rateLimitPair(limit: TokenRateLimit | undefined): [number, number] | undefined {
  return limit ? [limit.per_second, limit.burst] : undefined;
}

/** The HMAC key an API key signs its tokens with: HMAC(api key, label), so the key never signs directly. */
async function signingKey(apiKey: string): Promise<CryptoKey> {
  const outer = await crypto.subtle.importKey(
    "raw",
    encoder.encode(apiKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const secret = await crypto.subtle.sign("HMAC", outer, encoder.encode(SECRET_LABEL));
  return await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** The scope in a payload, checked field by field (a signed payload is still only trusted once parsed). */
function parseScope(value: unknown): TokenScope | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [name, id] = entries[0] ?? [];
  if (name === "organization") return id === true ? { organization: true } : undefined;
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_SCOPE_ID_LENGTH) return undefined;
  if (name === "agent_id") return { agent_id: id };
  if (name === "session_id") return { session_id: id };
  return undefined;
}

/** A rate limit in a payload (`[per_second, burst]`); false when present but not valid. */
function parseRateLimit(value: unknown): TokenRateLimit | undefined | false {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [perSecond, burst] = value;
  if (typeof perSecond !== "number" || !(perSecond > 0 && perSecond <= MAX_RATE)) return false;
  if (!Number.isSafeInteger(burst) || burst < 1 || burst > MAX_RATE) return false;
  return { per_second: perSecond, burst };
}

/** Signs and verifies tokens for the organisations of the accepted keys. */
export class TokenSigner {
  /** Signing keys by organisation, derived once. */
  readonly #keys: ReadonlyMap<string, CryptoKey>;
  readonly #now: () => number;

  private constructor(keys: Map<string, CryptoKey>, now: () => number) {
    this.#keys = keys;
    this.#now = now;
  }

  /** Derives the signing key of each organisation from its API key. */
  static async create(
    orgKeys: ReadonlyMap<string, string>,
    now: () => number = Date.now,
  ): Promise<TokenSigner> {
    const keys = new Map<string, CryptoKey>();
    for (const [org, apiKey] of orgKeys) keys.set(org, await signingKey(apiKey));
    return new TokenSigner(keys, now);
  }

  /** Mints a token for `org`; `ttlSeconds` and the rate limit must be within bounds (REST checks them). */
  async mint(
    org: string,
    scope: TokenScope,
    ttlSeconds: number,
    rateLimit?: TokenRateLimit,
  ): Promise<{ token: string; claims: TokenClaims }> {
    const key = this.#keys.get(org);
    if (!key) throw new Error(`No signing key for organisation ${org}.`);
    if (!parseScope(scope)) {
      throw new RangeError(
        "Invalid token scope: give exactly one of { agent_id } or { session_id } (an id of 1 to " +
          `${MAX_SCOPE_ID_LENGTH} characters), or { organization: true }.`,
      );
    }
    const iat = Math.floor(this.#now() / 1000);
    const id = `tok_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const payload = base64url(
      encoder.encode(
        JSON.stringify({ v: 1, id, org, scope, iat, exp: iat + ttlSeconds, rl: rateLimitPair(rateLimit) }),
      ),
    );
    const signed = `${TOKEN_PREFIX}${payload}`;
    const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signed)));
    return {
      token: `${signed}.${base64url(signature)}`,
      claims: {
        id,
        org,
        scope,
        issuedAtMs: iat * 1000,
        expiresAtMs: (iat + ttlSeconds) * 1000,
        ...(rateLimit ? { rateLimit } : {}),
      },
    };
  }

  /**
   * The claims of a token this engine's keys signed, or why it is refused. The signature is checked
   * before the expiry, so a forged token is never told it merely expired.
   */
  async verify(token: string): Promise<TokenClaims | TokenRefusal> {
    const invalid: TokenRefusal = {
      code: "unauthorized",
      message:
        "Invalid token: it is malformed, was not signed by one of this engine's API keys, or its key was " +
        "removed. Mint a new one with POST /v1/tokens.",
    };
    if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) return invalid;
    const dot = token.indexOf(".");
    if (dot < 0 || dot !== token.lastIndexOf(".")) return invalid;
    const payloadBytes = fromBase64url(token.slice(TOKEN_PREFIX.length, dot));
    const signature = fromBase64url(token.slice(dot + 1));
    if (!payloadBytes || !signature || signature.length !== 32) return invalid;
    let payload: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payloadBytes));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return invalid;
      payload = parsed as Record<string, unknown>;
    } catch {
      return invalid;
    }
    const { v, id, org, iat, exp } = payload;
    const scope = parseScope(payload.scope);
    const rateLimit = parseRateLimit(payload.rl);
    if (
      rateLimit === false || v !== 1 || typeof id !== "string" || !/^tok_[0-9a-f]{24}$/.test(id) ||
      typeof org !== "string" ||
      !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || !scope
    ) return invalid;
    const key = this.#keys.get(org);
    if (!key) return invalid;
    const ok = await crypto.subtle.verify("HMAC", key, signature, encoder.encode(token.slice(0, dot)));
    if (!ok) return invalid;
    const issuedAtMs = (iat as number) * 1000;
    const expiresAtMs = (exp as number) * 1000;
    // A lifetime beyond the maximum cannot come from mint(): refuse it even though it is signed.
    if (expiresAtMs - issuedAtMs > MAX_TTL_SECONDS * 1000 || issuedAtMs - this.#now() > MAX_CLOCK_SKEW_MS) {
      return invalid;
    }
    if (this.#now() >= expiresAtMs) {
      return {
        code: "token_expired",
        message:
          `The token expired at ${
            new Date(expiresAtMs).toISOString()
          }; mint a new one with POST /v1/tokens ` +
          `(server-side, with the organisation's API key) and use it instead.`,
      };
    }
    return { id, org, scope, issuedAtMs, expiresAtMs, ...(rateLimit ? { rateLimit } : {}) };
  }
}
