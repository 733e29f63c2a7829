/**
 * What the protocol documents, read from the schema at run time rather than copied here: the
 * `ErrorCode` enum, the `CloseCode` table, and the WebSocket-level codes the docs allow. A code the
 * engine uses that is not in these lists is a failure even when nothing else went wrong.
 *
 * @module
 */
import { CloseCode } from "../src/generated/protocol_schema.ts";

const SCHEMA = new URL("../schema/protocol.schema.json", import.meta.url);

/** The documented codes. */
export interface ProtocolFacts {
  /** `$defs.ErrorCode.enum`. */
  errorCodes: ReadonlySet<string>;
  /** `$defs.CloseCode` consts. */
  closeCodes: ReadonlySet<number>;
  /**
   * Close codes a raw WebSocket peer may see for protocol-level garbage (RFC 6455 §7.4.1: 1002
   * protocol error, 1003 unsupported data, 1007 invalid payload, 1009 too big, 1011 internal), on top
   * of the schema's table.
   */
  wsLayerCodes: ReadonlySet<number>;
}

/** Reads the facts from `schema/protocol.schema.json` and checks the generated table agrees. */
export async function loadProtocolFacts(): Promise<ProtocolFacts> {
  const schema = JSON.parse(await Deno.readTextFile(SCHEMA)) as {
    $defs: { ErrorCode: { enum: string[] }; CloseCode: { oneOf: { const: number }[] } };
  };
  const errorCodes = new Set(schema.$defs.ErrorCode.enum);
  const closeCodes = new Set(schema.$defs.CloseCode.oneOf.map((c) => c.const));
  for (const code of Object.values(CloseCode)) {
    if (!closeCodes.has(code)) {
      throw new Error(`src/generated/protocol_schema.ts has close code ${code}, the schema not`);
    }
  }
  const wsLayerCodes = new Set([...closeCodes, 1002, 1003, 1007, 1009, 1011]);
  return { errorCodes, closeCodes, wsLayerCodes };
}
