import assert from "node:assert/strict";
import { builtinToolTypes, modelToolsFor, staticArguments } from "../../../src/engine/tools/registry.ts";

Deno.test("builtinToolTypes holds calculator, current_time and knowledge_search", () => {
  assert.deepEqual([...builtinToolTypes.keys()].sort(), ["calculator", "current_time", "knowledge_search"]);
  for (const [key, type] of builtinToolTypes) assert.equal(type.type, key);
});

Deno.test("modelToolsFor() uses the type's parameters and default description for built-in types", () => {
  const [calc] = modelToolsFor([{ name: "calc", tool_type: "calculator" }]);
  assert.equal(calc?.name, "calc");
  assert.equal(calc?.toolType, "calculator");
  assert.equal(calc?.description, builtinToolTypes.get("calculator")?.description);
  assert.deepEqual(Object.keys(calc?.parameters.properties ?? {}), ["expression"]);
  const [custom] = modelToolsFor([{ name: "calc2", tool_type: "calculator", description: "Adds up bills." }]);
  assert.equal(custom?.description, "Adds up bills.");
});

Deno.test("modelToolsFor() hides static inputs and shows dynamic ones for other types", () => {
  const [search, email] = modelToolsFor([
    { name: "kb", tool_type: "knowledge_search", inputs: { limit: { type: "static", value: 3 } } },
    {
      name: "mailer",
      tool_type: "send_email",
      inputs: {
        to: { type: "dynamic", description: "Recipient address" },
        body: { type: "dynamic" },
        smtp_host: { type: "static", value: "mail.example.com" },
      },
    },
  ]);
  assert.deepEqual(Object.keys(search?.parameters.properties ?? {}), ["query"]);
  assert.deepEqual(email?.parameters, {
    type: "object",
    properties: { to: { type: "string", description: "Recipient address" }, body: { type: "string" } },
  });
  assert.match(email?.description ?? "", /send_email/);
  assert.deepEqual(
    staticArguments({
      name: "mailer",
      tool_type: "send_email",
      inputs: { smtp_host: { type: "static", value: "h" } },
    }),
    { smtp_host: "h" },
  );
});
