/**
 * Engine metrics, rendered in the Prometheus text exposition format (0.0.4) at `/metrics`.
 *
 * @module
 */
import type { ErrorCode } from "../generated/protocol.ts";

/** Counters and gauges the engine keeps. */
export class Metrics {
  /** Sessions by state. */
  readonly sessions = { active: 0, terminated: 0 };
  /** Turns currently running a model or tool. */
  activeGenerations = 0;
  /** Sockets attached to a session now. */
  attachedSockets = 0;
  /** Frames sent to sockets, logged and connection-scoped. */
  eventsSent = 0;
  /** Turns started. */
  turnsStarted = 0;
  /** WebSocket connections accepted. */
  connectionsOpened = 0;
  readonly #errors = new Map<string, number>();
  readonly #http = new Map<number, number>();

  /** Counts one error by protocol error code (or `http_<status>` for REST). */
  error(code: ErrorCode | `http_${number}`): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** Counts one REST response by status. */
  httpResponse(status: number): void {
    this.#http.set(status, (this.#http.get(status) ?? 0) + 1);
  }

  /** The metrics as Prometheus text. */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: "gauge" | "counter", help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    family("vectorshift_sessions", "gauge", "Sessions by state.", [
      ['{state="active"}', this.sessions.active],
      ['{state="terminated"}', this.sessions.terminated],
    ]);
    family("vectorshift_active_generations", "gauge", "Turns currently generating.", [[
      "",
      this.activeGenerations,
    ]]);
    family("vectorshift_attached_sockets", "gauge", "Sockets attached to a session.", [[
      "",
      this.attachedSockets,
    ]]);
    family("vectorshift_events_sent_total", "counter", "Event frames sent to sockets.", [[
      "",
      this.eventsSent,
    ]]);
    family("vectorshift_turns_started_total", "counter", "Turns started.", [["", this.turnsStarted]]);
    family("vectorshift_connections_opened_total", "counter", "WebSocket connections accepted.", [[
      "",
      this.connectionsOpened,
    ]]);
    family(
      "vectorshift_errors_total",
      "counter",
      "Errors by code.",
      [...this.#errors].sort().map(([code, n]) => [`{code="${code}"}`, n]),
    );
    family(
      "vectorshift_http_responses_total",
      "counter",
      "REST responses by status.",
      [...this.#http].sort((a, b) => a[0] - b[0]).map(([status, n]) => [`{status="${status}"}`, n]),
    );
    return lines.join("\n") + "\n";
  }
}
