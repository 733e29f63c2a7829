/** `schema/asyncapi.json` is a valid AsyncAPI 3.0 document (AsyncAPI's own parser) that covers the protocol. */
import assert from "node:assert/strict";
import { Parser } from "@asyncapi/parser";
import { CLIENT_FRAME_TYPES, CloseCode, SERVER_EVENT_TYPES } from "../../src/generated/protocol_schema.ts";

const path = new URL("../../schema/asyncapi.json", import.meta.url);

Deno.test("schema/asyncapi.json parses with @asyncapi/parser without errors or warnings", async () => {
  const { document, diagnostics } = await new Parser().parse(await Deno.readTextFile(path));
  // Severity 0 is an error and 1 a warning; 2 and 3 are information and hints.
  const problems = diagnostics.filter((d) => d.severity < 2);
  assert.deepEqual(problems.map((d) => `${d.path.join(".")}: ${d.message}`), []);
  assert.ok(document, "the parser returned no document");
  assert.equal(document.version(), "3.0.0");
  const messages = document.channels().get("session")?.messages().all().map((m) => m.name()) ?? [];
  assert.deepEqual(messages.sort(), [...CLIENT_FRAME_TYPES, ...SERVER_EVENT_TYPES].sort());
  const receives = document.operations().filterByReceive().map((o) => o.messages().all()[0]?.name());
  assert.deepEqual(receives.sort(), [...CLIENT_FRAME_TYPES].sort(), "the server receives every client frame");
  const sends = document.operations().filterBySend().map((o) => o.messages().all()[0]?.name());
  assert.deepEqual(sends.sort(), [...SERVER_EVENT_TYPES].sort(), "the server sends every server event");
});

Deno.test("schema/asyncapi.json lists every close code", async () => {
  const raw = JSON.parse(await Deno.readTextFile(path));
  const codes = Object.keys(raw.channels.session["x-close-codes"]).map(Number);
  assert.deepEqual(codes, Object.values(CloseCode));
  for (const code of codes) assert.match(raw.channels.session.description, new RegExp(`\\| ${code} \\|`));
});

Deno.test("the parser refuses a broken copy, so the validation above can fail", async () => {
  const raw = JSON.parse(await Deno.readTextFile(path));
  raw.operations.receive_hello.action = "publish"; // AsyncAPI 2 wording, invalid in 3.0
  const { diagnostics } = await new Parser().parse(JSON.stringify(raw));
  assert.ok(diagnostics.some((d) => d.severity === 0), "a wrong operation action was accepted");
});
