/**
 * Credentials and tenancy: each accepted API key is one organisation, and a scoped token (`tokens.ts`)
 * acts for the organisation whose key signed it, within its scope. The organisation id is derived from
 * a hash of the key, so stores never hold keys and the same key maps to the same organisation across
 * restarts and across the nodes of a cluster.
 *
 * @module
 */
import { ApiError } from "./http/errors.ts";
import { type HelloTarget, routeRefusal, type ScopeLookups, targetRefusal } from "./token_scope.ts";
import {
  TOKEN_PREFIX,
  type TokenClaims,
  type TokenRateLimit,
  type TokenRefusal,
  type TokenScope,
  TokenSigner,
} from "./tokens.ts";

/** Who is calling: the credential (for rate limits and metrics) and its organisation (for tenancy). */
export interface Caller {
  /**
   * The rate-limit key: the API key as sent, or `token:<org>:<token id>[:<per second>:<burst>]` for a
   * token, whose traffic also counts against its organisation's key (see {@link Auth.parentKey}). What
   * the limiter needs is in the key itself, so no table of tokens has to be kept (and bounded).
   */
  key: string;
  /** The organisation the credential belongs to. */
  org: string;
  /** Set when the caller used a token: what it may reach, until when. */
  token?: TokenClaims;
}

const TOKEN_KEY_PREFIX = "token:";

/** The accepted keys, their organisations, and the tokens they sign. */
export class Auth {
  readonly #orgs: ReadonlyMap<string, string>;
  readonly #keyOfOrg: ReadonlyMap<string, string>;
  readonly #signer: TokenSigner;
  readonly #lookups: ScopeLookups;

  private constructor(orgs: Map<string, string>, signer: TokenSigner, lookups: ScopeLookups) {
    this.#orgs = orgs;
    this.#keyOfOrg = new Map([...orgs].map(([key, org]) => [org, key]));
    this.#signer = signer;
    this.#lookups = lookups;
  }

  /** Builds the key table and the token signer; `lookups` answers the store reads scope checks need. */
  static async create(
    keys: readonly string[],
    lookups: ScopeLookups,
    now: () => number = Date.now,
  ): Promise<Auth> {
    const orgs = new Map<string, string>();
    for (const key of keys) {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
      const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"));
      orgs.set(key, `org_${hex.join("")}`);
    }
    const signer = await TokenSigner.create(new Map([...orgs].map(([key, org]) => [org, key])), now);
    return new Auth(orgs, signer, lookups);
  }

  /** Every organisation, one per key. */
  get orgs(): string[] {
    return [...new Set(this.#orgs.values())];
  }

  /** The caller for an API key, or undefined when the key is not accepted (tokens: {@link identify}). */
  lookup(key: string): Caller | undefined {
    const org = this.#orgs.get(key);
    return org === undefined ? undefined : { key, org };
  }

  /** The caller for an API key or a token, or why it is refused. */
  async identify(credential: string): Promise<Caller | TokenRefusal> {
    const caller = this.lookup(credential);
    if (caller) return caller;
    if (!credential.startsWith(TOKEN_PREFIX)) {
      return {
        code: "unauthorized",
        message: "Invalid API key: check VECTORSHIFT_API_KEY or the key (or token) passed to configure().",
      };
    }
    const claims = await this.#signer.verify(credential);
    if ("code" in claims) return claims;
    const limit = claims.rateLimit ? `:${claims.rateLimit.per_second}:${claims.rateLimit.burst}` : "";
    return { key: `${TOKEN_KEY_PREFIX}${claims.org}:${claims.id}${limit}`, org: claims.org, token: claims };
  }

  /**
   * The API key a rate-limit key also draws from: a token's traffic counts against its organisation's
   * key too, so minting tokens never multiplies an organisation's budget. Undefined for API keys.
   */
  parentKey(key: string): string | undefined {
    if (!key.startsWith(TOKEN_KEY_PREFIX)) return undefined;
    return this.#keyOfOrg.get(key.split(":")[1] ?? "");
  }

  /** A token's own rate limit, from its rate-limit key; undefined for keys and tokens without one. */
  limitsOf(key: string): TokenRateLimit | undefined {
    if (!key.startsWith(TOKEN_KEY_PREFIX)) return undefined;
    const parts = key.split(":");
    return parts.length === 5 ? { per_second: Number(parts[3]), burst: Number(parts[4]) } : undefined;
  }

  /** The metrics labels of a rate-limit key: its organisation, and the token id for a token. */
  labels(key: string): { org: string; token?: string } {
    if (!key.startsWith(TOKEN_KEY_PREFIX)) return { org: this.#orgs.get(key) ?? "unknown" };
    const [, org = "", token = ""] = key.split(":");
    return { org, token };
  }

  /** Authenticates a REST request by its `Authorization: Bearer` header; throws a 401 `ApiError`. */
  async authenticate(request: Request): Promise<Caller> {
    const header = request.headers.get("authorization");
    if (header === null || header.trim() === "") {
      throw new ApiError(401, "Missing API key: send the header `Authorization: Bearer <api key>`.");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, "Malformed Authorization header: expected `Authorization: Bearer <api key>`.");
    }
    const caller = await this.identify(match[1]);
    if ("code" in caller) {
      throw new ApiError(
        401,
        caller.message,
        {},
        caller.code === "token_expired" ? "token_expired" : undefined,
      );
    }
    return caller;
  }

  /** Throws a 403 `forbidden` when the caller's token does not cover the route (`path` is its pattern). */
  async authorizeRoute(caller: Caller, method: string, path: string, params: Record<string, string>) {
    if (!caller.token) return;
    const refused = await routeRefusal(caller.token, method, path, params, this.#lookups);
    if (refused !== undefined) throw new ApiError(403, refused, {}, "forbidden");
  }

  /** Why the caller's token may not open the session a `hello` names; undefined when it may. */
  async targetRefusal(caller: Caller, target: HelloTarget): Promise<string | undefined> {
    return caller.token ? await targetRefusal(caller.token, target, this.#lookups) : undefined;
  }

  /** Mints a token for `org` (the REST route checks the caller and the bounds). */
  async mint(
    org: string,
    scope: TokenScope,
    ttlSeconds: number,
    rateLimit?: TokenRateLimit,
  ): Promise<{ token: string; claims: TokenClaims }> {
    return await this.#signer.mint(org, scope, ttlSeconds, rateLimit);
  }
}
