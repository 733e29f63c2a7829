/**
 * `deno task chat [agent name or id]`: talk to an agent in the terminal.
 *
 * With `VECTORSHIFT_API_URL` and `VECTORSHIFT_API_KEY` (a key or a scoped token) set it talks to that
 * engine; otherwise it starts the engine in this process, offline (model simulator), keeping its state
 * in `.vectorshift-chat/` (`VECTORSHIFT_CHAT_DATA_DIR`) so a session left with Ctrl-D can be resumed
 * in the next chat. With no agent given it uses (and first creates) a demo agent with the built-in
 * tools; its calculator asks for approval.
 *
 * @module
 */
import {
  Agent,
  AgentType,
  configure,
  NotFoundError,
  ToolApprovalConfig,
  VectorshiftError,
} from "@vectorshift/sdk";
import { type Engine, startEngine } from "@vectorshift/sdk/engine";
import { SAMPLE_KNOWLEDGE_DOCUMENTS } from "../src/engine/tools/sample_knowledge.ts";
import { Chat } from "./chat.ts";
import { LineReader, Style } from "./terminal.ts";

const DEMO_AGENT = "Terminal chat demo";
/** The embedded engine's key: it listens on loopback only, and a fixed key keeps one organisation. */
const LOCAL_KEY = "vs-local-terminal-chat";
const USAGE = `Usage: deno task chat [agent name or id]

Talks to an agent: on the engine at VECTORSHIFT_API_URL (with VECTORSHIFT_API_KEY), or else on an
engine started here, offline, keeping its state in .vectorshift-chat/ (VECTORSHIFT_CHAT_DATA_DIR).
With no agent it uses the demo agent "${DEMO_AGENT}" (created on first use). Type /help in the chat.`;

/** Simulator speed of the embedded engine (`VECTORSHIFT_SIMULATOR_TPS`, tokens per second). */
function simulatorRate(): number {
  const raw = Deno.env.get("VECTORSHIFT_SIMULATOR_TPS") ?? "60";
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 100_000) {
    fail(
      `VECTORSHIFT_SIMULATOR_TPS=${raw} is not a rate; use a number of tokens per second from 0 to 100000.`,
    );
  }
  return value;
}

function fail(message: string): never {
  console.error(`deno task chat: ${message}`);
  Deno.exit(2);
}

/** Configures the SDK for the engine to use; returns the engine when it runs here. */
async function connectEngine(style: Style): Promise<{ engine?: Engine; hint: (id: string) => string }> {
  const url = Deno.env.get("VECTORSHIFT_API_URL");
  if (url) {
    const key = Deno.env.get("VECTORSHIFT_API_KEY");
    if (!key) {
      fail("VECTORSHIFT_API_URL is set but VECTORSHIFT_API_KEY is not; set it to an API key or a token.");
    }
    configure({ apiKey: key, baseUrl: url });
    console.error(style.dim(`(engine at ${url})`));
    return { hint: (id) => `Session ${id} is still on the engine; resume it with /resume ${id}.` };
  }
  const dataDir = Deno.env.get("VECTORSHIFT_CHAT_DATA_DIR") ?? ".vectorshift-chat";
  const engine = await startEngine({
    port: 0,
    hostname: "127.0.0.1",
    apiKeys: [LOCAL_KEY],
    dataDir,
    offlineModel: { tokensPerSecond: simulatorRate() },
    knowledgeDocuments: SAMPLE_KNOWLEDGE_DOCUMENTS.map((doc) => ({ ...doc })),
  });
  configure({ apiKey: engine.apiKey, baseUrl: engine.url });
  console.error(style.dim(`(engine in this process, offline model simulator; state in ${dataDir}/)`));
  return {
    engine,
    hint: (id) =>
      `Session ${id} is kept in ${dataDir}/; resume it with \`deno task chat\`, then /resume ${id}.`,
  };
}

/** The agent named on the command line (id, then exact name), or the demo agent. */
async function pickAgent(wanted: string | undefined): Promise<Agent> {
  if (wanted === undefined) {
    try {
      return await Agent.fetch({ name: DEMO_AGENT });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    return await Agent.new({
      name: DEMO_AGENT,
      type: AgentType.CONVERSATIONAL,
      llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
      instructions: "A helpful assistant. Search the knowledge base for missions and policies; use the " +
        "calculator for arithmetic.",
      memory_config: { enable_session_memory: true },
      tools: [
        {
          name: "calculator",
          tool_type: "calculator",
          approval_config: ToolApprovalConfig.REQUIRES_APPROVAL,
        },
        { name: "knowledge_search", tool_type: "knowledge_search" },
        { name: "current_time", tool_type: "current_time" },
      ],
    });
  }
  for (const by of [{ id: wanted }, { name: wanted }]) {
    try {
      return await Agent.fetch(by);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  const names = (await Agent.list({ limit: 20 })).map((a) => `  ${a.name} (${a.id})`);
  fail(
    `No agent with the id or name "${wanted}".` +
      (names.length
        ? ` Agents here:\n${names.join("\n")}`
        : " This engine has no agents yet; run without a name."),
  );
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  if (Deno.args.length > 1) {
    fail(`expected at most one agent name or id, got ${Deno.args.length} arguments.\n${USAGE}`);
  }
  const style = new Style();
  let engine: Engine | undefined;
  try {
    const connected = await connectEngine(style);
    engine = connected.engine;
    const agent = await pickAgent(Deno.args[0]);
    await new Chat({ agent, lines: new LineReader(), style, resumeHint: connected.hint }).run();
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    console.error(`deno task chat: ${error instanceof VectorshiftError ? "" : `${name}: `}${message}`);
    await engine?.close();
    Deno.exit(1);
  }
  await engine?.close();
  // stdin may still be held by a pending read; nothing else is left to finish.
  Deno.exit(0);
}
