/**
 * Reading REST request bodies: size limit (413), JSON (400), schema validation against the OpenAPI
 * components (422 naming the field).
 *
 * @module
 */
import { restSchema } from "../../generated/rest_schema.ts";
import type { components } from "../../generated/rest.ts";
import { SchemaValidators } from "../../protocol/schema_validators.ts";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../json_depth.ts";
import { ApiError } from "./errors.ts";

const validators = new SchemaValidators(restSchema);

type Schemas = components["schemas"];

/** Reads at most `limit` bytes of the body; throws 413 beyond it. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new ApiError(
      413,
      `Request body exceeds ${limit} bytes; send a smaller body (large files belong in a session post).`,
    );
  if (declared > limit) {
    await request.body?.cancel();
    throw tooLarge();
  }
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of request.body) {
      total += chunk.byteLength;
      if (total > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The client went away or sent a broken body (bad chunked encoding): its mistake, not ours.
    throw new ApiError(
      400,
      `Request body could not be read (${
        error instanceof Error ? error.message : error
      }); send it again in full.`,
    );
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Reads the JSON body and validates it against the OpenAPI component `name`. */
export async function readBody<N extends keyof Schemas & string>(
  request: Request,
  name: N,
  limit: number,
): Promise<Schemas[N]> {
  const bytes = await readLimited(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ApiError(
      400,
      `Request body is not valid JSON (${detail}); send a JSON object matching ${name}.`,
    );
  }
  if (nestedDeeperThan(value)) {
    throw new ApiError(
      422,
      `Invalid ${name}: the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; flatten it.`,
    );
  }
  const result = validators.check<Schemas[N]>(name, value);
  if (!result.ok) throw new ApiError(422, `Invalid ${name}: ${result.error}`);
  return result.value;
}
