/**
 * API keys and tenancy: each accepted key is one organisation. The organisation id is derived from a
 * hash of the key, so stores never hold keys and the same key maps to the same organisation across
 * restarts.
 *
 * @module
 */
import { ApiError } from "./http/errors.ts";

/** Who is calling: the key (for rate limits) and its organisation (for tenancy). */
export interface Caller {
  /** The API key as sent. */
  key: string;
  /** The organisation the key belongs to. */
  org: string;
}

/** The accepted keys and their organisations. */
export class Auth {
  readonly #orgs: ReadonlyMap<string, string>;

  private constructor(orgs: Map<string, string>) {
    this.#orgs = orgs;
  }

  /** Builds the key table. */
  static async create(keys: readonly string[]): Promise<Auth> {
    const orgs = new Map<string, string>();
    for (const key of keys) {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
      const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"));
      orgs.set(key, `org_${hex.join("")}`);
    }
    return new Auth(orgs);
  }

  /** Every organisation, one per key. */
  get orgs(): string[] {
    return [...new Set(this.#orgs.values())];
  }

  /** The caller for a key, or undefined when the key is not accepted. */
  lookup(key: string): Caller | undefined {
    const org = this.#orgs.get(key);
    return org === undefined ? undefined : { key, org };
  }

  /** Authenticates a REST request by its `Authorization: Bearer` header; throws a 401 `ApiError`. */
  authenticate(request: Request): Caller {
    const header = request.headers.get("authorization");
    if (header === null || header.trim() === "") {
      throw new ApiError(401, "Missing API key: send the header `Authorization: Bearer <api key>`.");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, "Malformed Authorization header: expected `Authorization: Bearer <api key>`.");
    }
    const caller = this.lookup(match[1]);
    if (!caller) {
      throw new ApiError(401, "Invalid API key: check VECTORSHIFT_API_KEY or the key passed to configure().");
    }
    return caller;
  }
}
