/**
 * One server-sent event's `data` as JSON, for the streaming providers: text that is not JSON means the
 * base URL points at something other than the API the provider speaks, and the error says so.
 *
 * @module
 */
import { ProviderError } from "../model.ts";

/** Parses an SSE event's data; `server` names the API expected (for the error). */
export function parseStreamEvent(data: string, server: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new ProviderError(
      `The model server sent a stream event that is not JSON; check that llm_info.base_url points at ${server}.`,
      { detail: data.slice(0, 500), cause: error },
    );
  }
}
