/**
 * The SDK client half of the runtime checks: run by Bun and by Node (runtimes without the Deno
 * namespace, Node through its built-in TypeScript type stripping), and bundled for browsers in
 * Chromium, against an engine started by Deno. Credentials come from VECTORSHIFT_API_KEY /
 * VECTORSHIFT_API_URL (in Chromium from a `process.env` the page defines), so the SDK's environment
 * reader is exercised too. Prints one JSON line with what it observed and
 * exits non-zero on any failure.
 */
import {
  Agent,
  AgentType,
  Session,
  type SessionEvent,
  SessionEventType,
  SessionTerminatedError,
  ToolApprovalConfig,
} from "../../mod.ts";

async function untilComplete(session: Session): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for await (const event of session.listen({ maxSize: 0 })) {
    events.push(event);
    if (event.type === SessionEventType.APPROVAL_REQUEST) await session.respond(event, { approved: true });
    if (event.isComplete) return events;
  }
  throw new Error("listen() ended before message_complete");
}

function runtimeName(): string {
  const global = globalThis as {
    Bun?: unknown;
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (/Chrom(e|ium)\//.test(global.navigator?.userAgent ?? "")) return "chromium";
  if (typeof global.Bun === "object") return "bun";
  return global.process?.versions?.node ? "node" : "other";
}

async function main(): Promise<Record<string, unknown>> {
  const agent = await Agent.new({
    name: `runtime check ${crypto.randomUUID()}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
    instructions: "Use the calculator for arithmetic.",
    tools: [{ name: "calc", tool_type: "calculator", approval_config: ToolApprovalConfig.REQUIRES_APPROVAL }],
  });
  const session = await agent.createSession();
  await session.send("What is 23 * 19?");
  const first = await untilComplete(session);
  const deltas = first.filter((e) => e.type === "message_delta").map((e) => e.delta).join("");
  await session.sendMany(["My name is Alice.", new TextEncoder().encode("notes: teal")]);
  const second = await untilComplete(session);
  const history = await session.getMessages();
  const id = session.sessionId!;
  await session.terminate();
  let resume = "resumed (unexpected)";
  try {
    await new Session({ sessionId: id }).connect();
  } catch (error) {
    resume = error instanceof SessionTerminatedError ? "SessionTerminatedError" : String(error);
  }
  await agent.delete();
  return {
    runtime: runtimeName(),
    hasDeno: typeof (globalThis as { Deno?: unknown }).Deno !== "undefined",
    answer: first.at(-1)?.text,
    deltasMatch: deltas === first.at(-1)?.text,
    approvals: first.filter((e) => e.type === "approval_request").length,
    secondStatus: second.at(-1)?.type === "message_complete" ? second.at(-1)?.data.status : undefined,
    historyRoles: history.map((m) => m.sender.role),
    connectedAfterTerminate: session.isConnected,
    resume,
  };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.log(JSON.stringify({ failed: String((error as Error)?.stack ?? error) }));
  (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(1);
}
