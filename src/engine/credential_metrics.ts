/**
 * Metrics per credential: REST requests and WebSocket frames admitted and refused by the rate limit,
 * for each organisation key (labelled by organisation, never by the key) and each scoped token
 * (labelled by token id). Tokens come and go, so their series are bounded: beyond
 * {@link MAX_TOKEN_SERIES} the least recently used is dropped.
 *
 * @module
 */

/** Token series kept at most (keys are few and fixed, so theirs are always kept). */
export const MAX_TOKEN_SERIES = 1000;

/** The labels of a rate-limit key. */
export interface CredentialLabels {
  /** The organisation. */
  org: string;
  /** The token id, for a token. */
  token?: string;
}

interface Series {
  labels: string;
  token: boolean;
  admitted: number;
  refused: number;
  usedAt: number;
}

/** Counters by credential, rendered as two Prometheus counter families. */
export class CredentialMetrics {
  readonly #series = new Map<string, Series>();
  readonly #labelsOf: (key: string) => CredentialLabels;
  #tokens = 0;
  #uses = 0;

  /** @param labelsOf the labels of a rate-limit key (the key itself never becomes a label). */
  constructor(labelsOf: (key: string) => CredentialLabels) {
    this.#labelsOf = labelsOf;
  }

  /** Counts one request or frame of `key`, admitted or refused. */
  count(key: string, admitted: boolean): void {
    let series = this.#series.get(key);
    if (!series) {
      const { org, token } = this.#labelsOf(key);
      if (token !== undefined && this.#tokens >= MAX_TOKEN_SERIES) this.#dropLeastRecentToken();
      series = {
        labels: token === undefined
          ? `{org="${org}",credential="key"}`
          : `{org="${org}",credential="token",token="${token}"}`,
        token: token !== undefined,
        admitted: 0,
        refused: 0,
        usedAt: 0,
      };
      this.#series.set(key, series);
      if (series.token) this.#tokens++;
    }
    series.usedAt = ++this.#uses;
    if (admitted) series.admitted++;
    else series.refused++;
  }

  #dropLeastRecentToken(): void {
    let oldest: [string, Series] | undefined;
    for (const entry of this.#series) {
      if (entry[1].token && (!oldest || entry[1].usedAt < oldest[1].usedAt)) oldest = entry;
    }
    if (!oldest) return;
    this.#series.delete(oldest[0]);
    this.#tokens--;
  }

  /** The `# HELP`, `# TYPE` and sample lines. */
  render(): string[] {
    const lines: string[] = [];
    const family = (name: string, help: string, value: (s: Series) => number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const series of this.#series.values()) lines.push(`${name}${series.labels} ${value(series)}`);
    };
    family(
      "vectorshift_credential_admitted_total",
      "REST requests and WebSocket frames admitted, by organisation key or scoped token.",
      (s) => s.admitted,
    );
    family(
      "vectorshift_credential_rate_limited_total",
      "REST requests and WebSocket frames refused by the rate limit, by organisation key or scoped token.",
      (s) => s.refused,
    );
    return lines;
  }
}
