/**
 * Example 15: terminate a session on the first delta.
 *
 * Creates a session, sends a message, and terminates the session as soon as the first streamed delta
 * arrives. Afterwards the session cannot be resumed: `new Session({ sessionId }).connect()` fails with
 * `SessionTerminatedError`, which is the success signal here.
 *
 * Port of `examples/agents/15_terminate_session.py`.
 */
import { Agent, AgentType, Session, SessionEventType } from "@vectorshift/sdk";
import { runExample } from "./support/run_example.ts";

export async function main(): Promise<void> {
  const agent = await Agent.new({
    name: `Terminate demo ${crypto.randomUUID().slice(0, 8)}`,
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "openai", model_id: "gpt-4o" },
    tools: [],
    instructions: "Write a very long essay about the history of computing.",
    memory_config: { enable_session_memory: true },
  });
  console.log(`Created agent: ${agent.name}\n`);

  const session = await agent.createSession();
  await session.connect();
  console.log(`Session connected: ${session.sessionId}`);
  const savedId = session.sessionId!;

  await session.send("Go ahead, write the essay.");
  console.log("Sent message, waiting for first delta...\n");

  for await (const event of session.listen()) {
    if (event.delta) {
      console.log(`Got first delta: ${JSON.stringify(event.delta)}`);
      console.log("Terminating session immediately!");
      await session.terminate();
      break;
    }
  }

  console.log(`\nSession terminated. isConnected=${session.isConnected}`);

  // Try to resume the terminated session: it must fail.
  console.log(`\nAttempting to resume terminated session: ${savedId}`);
  try {
    const session2 = new Session({ sessionId: savedId });
    await session2.connect();
    console.log("Resumed (unexpected). Sending message...");
    await session2.send("Are you still there?");
    let gotResponse = false;
    for await (
      const event of session2.listen({
        eventTypes: [
          SessionEventType.MESSAGE_DELTA,
          SessionEventType.MESSAGE_COMPLETE,
          SessionEventType.ERROR,
        ],
      })
    ) {
      if (event.type === SessionEventType.ERROR) {
        console.log(`Got error (expected after terminate): ${event.error}`);
        gotResponse = true;
        break;
      }
      if (event.delta) {
        console.log(`Got delta (session was NOT terminated): ${JSON.stringify(event.delta)}`);
        gotResponse = true;
      }
      if (event.isComplete) {
        console.log("Got complete response (session was NOT terminated)");
        gotResponse = true;
        break;
      }
    }
    if (!gotResponse) console.log("No response — session is terminated as expected.");
    await session2.disconnect();
  } catch (error) {
    const { name, message } = error as Error;
    console.log(`Resume failed (expected): ${name}: ${message}`);
  }

  await agent.delete();
  console.log("\nDone.");
}

if (import.meta.main) await runExample(main);
