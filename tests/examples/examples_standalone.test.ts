/**
 * The examples that search knowledge (09 and 21) give the same answers against a standalone engine
 * (`deno task engine`, a separate process) as against the embedded one: the standalone engine loads
 * the sample documents too, and documents added over REST are searched like them.
 */
import assert from "node:assert/strict";
import { Agent, AgentType, configure, SessionEventType } from "../../mod.ts";
import { CliEngine } from "../support/cli_engine.ts";

const root = new URL("../../", import.meta.url);
const KEY = "vs-standalone-examples-key";

async function runExample(name: string, url: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "examples/main.ts", name],
    cwd: root,
    env: { VECTORSHIFT_API_URL: url, VECTORSHIFT_API_KEY: KEY, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `example ${name} exited with ${code}\n${out}\n${new TextDecoder().decode(stderr)}`);
  return out;
}

Deno.test("examples 09 and 21 find the sample documents on a standalone engine; REST-added documents are searched", async () => {
  const engine = await CliEngine.start(KEY, [
    "--memory",
    "--hostname",
    "127.0.0.1",
    "--port",
    "0",
    "--offline-tokens-per-second",
    "0",
  ]);
  try {
    const nine = await runExample("09", engine.url);
    assert.match(nine, /\[Search\] 2 results received/);
    assert.match(nine, /Answer: The answer is 20 July 1969\./);
    const twentyOne = await runExample("21", engine.url);
    assert.match(twentyOne, /within 5 business days/);

    const added = await fetch(`${engine.url}/v1/knowledge/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        title: "Warranty terms",
        text: "Every kettle carries a warranty of two years.",
      }),
    });
    assert.equal(added.status, 201, await added.text());
    configure({ apiKey: KEY, baseUrl: engine.url });
    const agent = await Agent.new({
      name: `Warranty ${crypto.randomUUID().slice(0, 8)}`,
      type: AgentType.CONVERSATIONAL,
      llm_info: { provider: "simulator", model_id: "offline" },
      tools: [{ name: "docs", tool_type: "knowledge_search", description: "Searches the documents." }],
    });
    try {
      await using session = await agent.createSession();
      await session.send("Search the docs: how long is the kettle warranty?");
      let answer = "";
      for await (const event of session.listen({ eventTypes: [SessionEventType.MESSAGE_COMPLETE] })) {
        answer = event.text ?? "";
        break;
      }
      assert.match(answer, /two years/);
      assert.match(answer, /Source: Warranty terms/);
    } finally {
      await agent.delete();
    }
  } finally {
    await engine.terminate();
  }
});
