/**
 * REST: `POST /v1/agents/{agent_id}/run`, one stateless run of a functional agent. The agent's
 * instructions (placeholders filled, see `functional_prompt.ts`) and the inputs as a user message go
 * to the provider `selectProvider` picks for the agent; tools that run without approval run between
 * model rounds like in a session turn (nothing is streamed or stored), and the final answer is mapped
 * onto the declared outputs. Request errors answer 4xx before the run starts; once it starts the
 * answer is 200 and its body, sent when the run ends, says `success` or `failed`. Closing the
 * response cancels the run.
 *
 * @module
 */
import type { components } from "../../generated/rest.ts";
import type { EngineContext } from "../context.ts";
import {
  inputsMessage,
  outputNames,
  placeholderNames,
  readOutputs,
  runInstructions,
} from "../functional_prompt.ts";
import { type ModelMessage, type ModelToolCall, ProviderError } from "../model.ts";
import { abortable } from "../abort.ts";
import { Approvals } from "../session/approvals.ts";
import type { TurnScope } from "../session/scope.ts";
import { runToolCall } from "../session/tool_runner.ts";
import type { Agent } from "../store/store.ts";
import { modelToolsFor } from "../tools/registry.ts";
import { readBody } from "./body.ts";
import { ApiError } from "./errors.ts";
import type { Route } from "./router.ts";

type RunRequest = components["schemas"]["AgentRunRequest"];
type RunResult = components["schemas"]["AgentRunResult"];

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}

/** Checks the inputs against the agent's declared inputs and placeholders (422 naming the culprits). */
function checkInputs(agent: Agent, body: RunRequest): void {
  const declared = Object.keys(agent.inputs ?? {});
  const given = Object.keys(body.inputs);
  const list = declared.length > 0 ? quoted(declared) : "none";
  const missing = declared.filter((name) => !Object.hasOwn(body.inputs, name));
  const unknown = given.filter((name) => !declared.includes(name));
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing input${missing.length > 1 ? "s" : ""} ${quoted(missing)}`);
  if (unknown.length > 0) problems.push(`unknown input${unknown.length > 1 ? "s" : ""} ${quoted(unknown)}`);
  if (problems.length > 0) {
    throw new ApiError(
      422,
      `Invalid inputs for agent ${agent.id} ("${agent.name}"): ${problems.join("; ")}. ` +
        `Send exactly its declared inputs (${list}).`,
    );
  }
  const texts = [agent.instructions, body.additional_instructions ?? ""];
  const undeclared = placeholderNames(texts.join("\n")).filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw new ApiError(
      422,
      `The instructions of agent ${agent.id} use ${undeclared.map((n) => `{{inputs.${n}}}`).join(", ")}, ` +
        `which ${undeclared.length > 1 ? "are not declared inputs" : "is not a declared input"} ` +
        `(declared: ${list}); fix the instructions or declare the input.`,
    );
  }
}

/** Run ids look like other engine ids: a kind prefix and 128 random bits. */
function newRunId(): string {
  return `run_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * A scope for `runToolCall` that logs nothing: a functional run has no session and no listeners.
 * Tools that need approval are never offered, so the approvals are never asked.
 */
function silentScope(ctx: EngineContext, org: string, runId: string): TurnScope {
  return { sessionId: runId, org, ctx, approvals: new Approvals(), emit: () => undefined, status: () => {} };
}

/** Runs the model rounds and returns the final answer's text; throws provider and abort errors. */
async function answer(
  ctx: EngineContext,
  org: string,
  agent: Agent,
  body: RunRequest,
  runId: string,
  signal: AbortSignal,
): Promise<string> {
  const choice = ctx.selectModel(agent.llm_info);
  if (choice.notice !== undefined) ctx.log(`run ${runId}: ${choice.notice}`);
  const offered = agent.llm_info.enable_tools === false
    ? []
    : agent.tools.filter((tool) => tool.approval_config !== "requires_approval");
  const instructions = runInstructions(
    agent.instructions,
    body.inputs,
    agent.outputs,
    body.additional_instructions,
  );
  const messages: ModelMessage[] = [{
    role: "user",
    content: [{ kind: "text", text: inputsMessage(body.inputs) }],
  }];
  const tools = modelToolsFor(offered);
  const scope = silentScope(ctx, org, runId);
  const rounds = ctx.options.maxModelRounds;
  for (let round = 0; round < rounds; round++) {
    let text = "";
    const calls: ModelToolCall[] = [];
    const request = { instructions, messages: [...messages], tools, signal };
    for await (const chunk of abortable(choice.provider.stream(request), signal)) {
      if (chunk.type === "text") text += chunk.delta;
      else if (chunk.type === "tool_call") calls.push(chunk.call);
    }
    if (calls.length === 0) return text;
    messages.push({ role: "assistant", text, toolCalls: calls });
    for (const call of calls) {
      messages.push(await runToolCall(scope, offered, call, runId, signal));
      signal.throwIfAborted();
    }
  }
  throw new Error(
    `The model was still calling tools after ${rounds} rounds and never answered; ` +
      "make the instructions ask for an answer, or remove tools the run does not need.",
  );
}

/** Runs a functional agent once; failures of the model or of the output mapping are `failed` results. */
async function run(
  ctx: EngineContext,
  org: string,
  agent: Agent,
  body: RunRequest,
  signal: AbortSignal,
): Promise<RunResult> {
  const runId = newRunId();
  const failed = (error: string): RunResult => ({ run_id: runId, status: "failed", outputs: {}, error });
  let text: string;
  try {
    text = await answer(ctx, org, agent, body, runId, signal);
  } catch (error) {
    if (signal.aborted) return failed("The run was cancelled: the client closed the request.");
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ProviderError) {
      ctx.metrics.error(error.code);
      return failed(`The model provider failed: ${message}`);
    }
    ctx.log(`run ${runId} of agent ${agent.id} failed: ${error instanceof Error ? error.stack : error}`);
    return failed(`The run failed: ${message}`);
  }
  const read = readOutputs(text, outputNames(agent.outputs));
  return read.ok ? { run_id: runId, status: "success", outputs: read.outputs } : failed(read.error);
}

/**
 * Answers 200 at once and sends the result's JSON when `work` ends; the client closing the response
 * aborts `work`'s signal. An open body notices a closed connection, and unlike `request.signal` (which
 * Deno also aborts after every successful response, with a deprecation warning when it was read) it
 * means only that.
 */
function openResponse(ctx: EngineContext, work: (signal: AbortSignal) => Promise<RunResult>): Response {
  const abort = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      work(abort.signal).then(
        (result) => {
          if (abort.signal.aborted) return;
          stream.enqueue(new TextEncoder().encode(JSON.stringify(result)));
          stream.close();
        },
        (error: unknown) => {
          ctx.log(`run: internal error: ${error instanceof Error ? error.stack : error}`);
          if (!abort.signal.aborted) stream.error(error);
        },
      );
    },
    cancel(reason) {
      abort.abort(reason);
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/** The run route. */
export function agentRunRoutes(ctx: EngineContext): Route[] {
  return [{
    method: "POST",
    path: "/v1/agents/:agent_id/run",
    handler: async ({ request, params, caller }) => {
      const id = params.agent_id ?? "";
      const agent = await ctx.store.getAgent(caller.org, id);
      if (!agent) {
        throw new ApiError(
          404,
          `Agent ${id} not found in your organisation; list agents with GET /v1/agents.`,
        );
      }
      if (agent.type !== "functional") {
        throw new ApiError(
          422,
          `Agent ${agent.id} ("${agent.name}") is ${agent.type}; only functional agents run here. ` +
            `Talk to it in a session (POST /v1/sessions, or agent.run("message") in the SDK).`,
        );
      }
      const body = await readBody(request, "AgentRunRequest", ctx.options.maxFrameBytes);
      checkInputs(agent, body);
      return openResponse(ctx, (signal) => run(ctx, caller.org, agent, body, signal));
    },
  }];
}
