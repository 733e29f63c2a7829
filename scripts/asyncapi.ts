/**
 * Builds the AsyncAPI 3.0 description of the WebSocket protocol (`schema/asyncapi.json`) from
 * `schema/protocol.schema.json`: one channel (the session socket), one message and one operation per
 * frame type in each direction, the frame schemas as components, and the close codes (which AsyncAPI
 * has no field for) as a table in the channel's description and an `x-close-codes` extension.
 *
 * The document describes the server: it receives client frames and sends server events.
 *
 * @module
 */
import type { JsonSchema } from "./flatten_schema.ts";

interface FrameDef {
  description?: string;
  properties: { type: { const: string } };
}

interface CloseCodeDef {
  const: number;
  title: string;
  description: string;
}

/** The `$defs` names a `oneOf` union refers to. */
function unionMembers(defs: JsonSchema, union: string): string[] {
  return (defs[union] as { oneOf: { $ref: string }[] }).oneOf.map(({ $ref }) => $ref.replace("#/$defs/", ""));
}

/** Rewrites `#/$defs/X` references to `#/components/schemas/X`. */
function asComponents(defs: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(defs).replaceAll('"#/$defs/', '"#/components/schemas/'));
}

/** The AsyncAPI document for the protocol; `flat` is the protocol schema with `allOf` flattened. */
export function asyncApiDocument(protocol: JsonSchema, flat: JsonSchema): JsonSchema {
  const defs = flat.$defs as JsonSchema;
  const version = (defs.ProtocolVersion as { const: number }).const;
  const closeCodes = (defs.CloseCode as { oneOf: CloseCodeDef[] }).oneOf;
  const frames = (union: string) =>
    unionMembers(defs, union).map((name) => {
      const def = defs[name] as FrameDef;
      return { name, type: def.properties.type.const, description: def.description ?? name };
    });
  const client = frames("ClientFrame");
  const server = frames("ServerEvent");
  const message = (f: { name: string; type: string; description: string }) => ({
    name: f.type,
    title: f.type,
    summary: f.description,
    contentType: "application/json",
    payload: { $ref: `#/components/schemas/${f.name}` },
  });
  const closeTable = [
    "| code | name | meaning |",
    "| --- | --- | --- |",
    ...closeCodes.map((c) => `| ${c.const} | ${c.title} | ${c.description} |`),
  ].join("\n");
  const ref = (type: string) => ({ $ref: `#/channels/session/messages/${type}` });
  return {
    asyncapi: "3.0.0",
    info: {
      title: String(protocol.title),
      version: String(version),
      description: `${protocol.description}\n\nGenerated from \`schema/protocol.schema.json\` by ` +
        "`deno task generate`; do not edit. The behaviour (frame order, seq and resume, idempotent " +
        "posts, approvals, close codes) is in `docs/protocol.md`.",
      license: { name: "MIT" },
    },
    servers: {
      engine: {
        host: "127.0.0.1:8787",
        protocol: "ws",
        description: "A local engine (`deno task engine --port 8787`); use `wss` behind TLS.",
      },
    },
    defaultContentType: "application/json",
    channels: {
      session: {
        address: "/v1/sessions/ws",
        title: "Session socket",
        description: "One socket per attached client. The first client frame must be `hello` (credentials " +
          "travel in it, never in the URL or headers). The server closes the socket with one of these " +
          `codes:\n\n${closeTable}`,
        messages: Object.fromEntries([...client, ...server].map((f) => [f.type, message(f)])),
        "x-close-codes": Object.fromEntries(
          closeCodes.map((c) => [String(c.const), { name: c.title, description: c.description }]),
        ),
      },
    },
    operations: Object.fromEntries([
      ...client.map((f) => [`receive_${f.type}`, {
        action: "receive",
        channel: { $ref: "#/channels/session" },
        summary: `Client sends \`${f.type}\`.`,
        messages: [ref(f.type)],
      }]),
      ...server.map((f) => [`send_${f.type}`, {
        action: "send",
        channel: { $ref: "#/channels/session" },
        summary: `Server sends \`${f.type}\`.`,
        messages: [ref(f.type)],
      }]),
    ]),
    components: { schemas: asComponents(defs) },
  };
}
