/**
 * The REST routes of `schema/openapi.json`: each answers with a documented status and a body that
 * matches the document (checked on every call by `wire/rest.ts`), including the error bodies.
 *
 * @module
 */
import type { components } from "../../src/generated/rest.ts";
import { type Check, expect, expectEqual } from "../check.ts";
import type { CheckContext } from "../context.ts";
import { restCall } from "../wire/rest.ts";
import { newId } from "./read_turn.ts";

type Schemas = components["schemas"];

/** Expects `status` from a call; the body was already checked against the document. */
async function expectStatus<T = Record<string, unknown>>(
  ctx: CheckContext,
  status: number,
  method: string,
  route: string,
  options: Parameters<CheckContext["rest"]>[2] = {},
): Promise<T> {
  const answer = await ctx.rest<T>(method, route, options);
  const what = `${method} ${route}${
    options.body === undefined ? "" : ` with ${String(JSON.stringify(options.body)).slice(0, 60)}`
  }`;
  expectEqual(answer.status, status, `${what}: status`);
  return answer.body;
}

function agentBody(ctx: CheckContext, extra: Record<string, unknown> = {}) {
  return { name: newId("conformance rest"), llm_info: ctx.options.llmInfo, ...extra };
}

/** Every route that needs a key, with parameters that exist for no organisation. */
const AUTHENTICATED: [string, string, Record<string, string>][] = [
  ["POST", "/v1/agents", {}],
  ["GET", "/v1/agents", {}],
  ["GET", "/v1/agents/{agent_id}", { agent_id: "agt_conformance" }],
  ["PATCH", "/v1/agents/{agent_id}", { agent_id: "agt_conformance" }],
  ["DELETE", "/v1/agents/{agent_id}", { agent_id: "agt_conformance" }],
  ["POST", "/v1/agents/{agent_id}/run", { agent_id: "agt_conformance" }],
  ["POST", "/v1/chatbots", {}],
  ["GET", "/v1/chatbots", {}],
  ["GET", "/v1/chatbots/{chatbot_id}", { chatbot_id: "cbt_conformance" }],
  ["DELETE", "/v1/chatbots/{chatbot_id}", { chatbot_id: "cbt_conformance" }],
  ["POST", "/v1/sessions", {}],
  ["GET", "/v1/sessions/{session_id}", { session_id: "ses_conformance" }],
  ["GET", "/v1/sessions/{session_id}/messages", { session_id: "ses_conformance" }],
  ["POST", "/v1/sessions/{session_id}/terminate", { session_id: "ses_conformance" }],
  ["POST", "/v1/knowledge/documents", {}],
];

/** The REST checks. */
export const restChecks: readonly Check[] = [
  {
    id: "rest.health_and_metrics",
    guarantee:
      "GET /v1/health answers 200 with protocol_version 1 without a key; GET /metrics answers 200 text",
    async run(ctx) {
      const health = await expectStatus<Schemas["Health"]>(ctx, 200, "GET", "/v1/health", { key: null });
      expectEqual(health.protocol_version, 1, "health.protocol_version");
      const metrics = await expectStatus<string>(ctx, 200, "GET", "/metrics", { key: null });
      expect(typeof metrics === "string", "GET /metrics did not answer text");
    },
  },
  {
    id: "rest.unauthorized",
    guarantee: "every authenticated route answers 401 with an Error body without a key or with a wrong one",
    async run(ctx) {
      for (const [method, route, params] of AUTHENTICATED) {
        for (const key of [null, `vs-conformance-wrong-${crypto.randomUUID()}`]) {
          const body = method === "GET" || method === "DELETE" ? undefined : {};
          const answer = await ctx.rest<Schemas["Error"]>(method, route, {
            params,
            key,
            ...(body ? { body } : {}),
          });
          expectEqual(
            answer.status,
            401,
            `${method} ${route} ${key === null ? "without a key" : "with a wrong key"}`,
          );
          expectEqual(answer.body.status, "failed", `${method} ${route}: error body status`);
        }
      }
    },
  },
  {
    id: "rest.agents",
    guarantee:
      "agents: create 201, duplicate name 409, bad JSON 400, invalid body 422, list, fetch, update, delete, unknown id 404",
    async run(ctx) {
      const made = await expectStatus<Schemas["Agent"]>(ctx, 201, "POST", "/v1/agents", {
        body: agentBody(ctx),
      });
      const params = { agent_id: made.id };
      try {
        await expectStatus(ctx, 409, "POST", "/v1/agents", { body: agentBody(ctx, { name: made.name }) });
        await expectStatus(ctx, 400, "POST", "/v1/agents", { body: "{not json" });
        await expectStatus(ctx, 422, "POST", "/v1/agents", { body: agentBody(ctx, { name: 42 }) });
        const page = await expectStatus<Schemas["AgentList"]>(ctx, 200, "GET", "/v1/agents", {
          query: { name: made.name },
        });
        expectEqual(page.agents.map((a) => a.id).join(), made.id, "GET /v1/agents?name= ids");
        await expectStatus(ctx, 400, "GET", "/v1/agents", { query: { limit: "0" } });
        const fetched = await expectStatus<Schemas["Agent"]>(ctx, 200, "GET", "/v1/agents/{agent_id}", {
          params,
        });
        expectEqual(fetched.name, made.name, "the fetched agent's name");
        const updated = await expectStatus<Schemas["Agent"]>(ctx, 200, "PATCH", "/v1/agents/{agent_id}", {
          params,
          body: { instructions: "Updated by the conformance kit." },
        });
        expectEqual(updated.instructions, "Updated by the conformance kit.", "instructions after PATCH");
        await expectStatus(ctx, 422, "PATCH", "/v1/agents/{agent_id}", { params, body: { name: "" } });
        await expectStatus(ctx, 400, "PATCH", "/v1/agents/{agent_id}", { params, body: "{not json" });
        const other = await expectStatus<Schemas["Agent"]>(ctx, 201, "POST", "/v1/agents", {
          body: agentBody(ctx),
        });
        await expectStatus(ctx, 409, "PATCH", "/v1/agents/{agent_id}", {
          params,
          body: { name: other.name },
        });
        await expectStatus(ctx, 200, "DELETE", "/v1/agents/{agent_id}", { params: { agent_id: other.id } });
      } finally {
        const deleted = await expectStatus<Schemas["Deleted"]>(ctx, 200, "DELETE", "/v1/agents/{agent_id}", {
          params,
        });
        expectEqual(deleted.id, made.id, "the deletion receipt's id");
      }
      await expectStatus(ctx, 404, "GET", "/v1/agents/{agent_id}", { params });
      await expectStatus(ctx, 404, "PATCH", "/v1/agents/{agent_id}", { params, body: { instructions: "x" } });
      await expectStatus(ctx, 404, "DELETE", "/v1/agents/{agent_id}", { params });
    },
  },
  {
    id: "rest.agent_run",
    guarantee:
      "POST /v1/agents/{id}/run runs a functional agent (200 AgentRunResult); a conversational agent 422; unknown 404; bad JSON 400",
    async run(ctx) {
      const made = await expectStatus<Schemas["Agent"]>(ctx, 201, "POST", "/v1/agents", {
        body: agentBody(ctx, {
          type: "functional",
          instructions: "Write a one-line summary of {{inputs.topic}}.",
          inputs: { topic: { io_type: "string" } },
          outputs: { summary: { io_type: "string" } },
        }),
      });
      const params = { agent_id: made.id };
      try {
        const run = await expectStatus<Schemas["AgentRunResult"]>(
          ctx,
          200,
          "POST",
          "/v1/agents/{agent_id}/run",
          {
            params,
            body: { inputs: { topic: "tides" } },
          },
        );
        expectEqual(run.status, "success", "the run's status");
        expect(
          "summary" in run.outputs,
          `the run's outputs lack the declared "summary": ${Object.keys(run.outputs)}`,
        );
        await expectStatus(ctx, 400, "POST", "/v1/agents/{agent_id}/run", { params, body: "{not json" });
        await expectStatus(ctx, 422, "POST", "/v1/agents/{agent_id}/run", { params, body: { inputs: {} } });
        const chat = await ctx.agent("plain");
        await expectStatus(ctx, 422, "POST", "/v1/agents/{agent_id}/run", {
          params: { agent_id: chat.id },
          body: { inputs: { topic: "tides" } },
        });
      } finally {
        await expectStatus(ctx, 200, "DELETE", "/v1/agents/{agent_id}", { params });
      }
      await expectStatus(ctx, 404, "POST", "/v1/agents/{agent_id}/run", { params, body: { inputs: {} } });
    },
  },
  {
    id: "rest.chatbots",
    guarantee:
      "chatbots: create 201, unknown agent 404, duplicate name 409, invalid body 422, bad JSON 400, list, fetch, delete, unknown id 404",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const name = newId("conformance chatbot");
      const made = await expectStatus<Schemas["Chatbot"]>(ctx, 201, "POST", "/v1/chatbots", {
        body: { name, agent_id: agent.id },
      });
      const params = { chatbot_id: made.id };
      try {
        await expectStatus(ctx, 404, "POST", "/v1/chatbots", {
          body: { name: newId("cb"), agent_id: "agt_conformance_missing" },
        });
        await expectStatus(ctx, 409, "POST", "/v1/chatbots", { body: { name, agent_id: agent.id } });
        await expectStatus(ctx, 422, "POST", "/v1/chatbots", { body: { name } });
        await expectStatus(ctx, 400, "POST", "/v1/chatbots", { body: "{not json" });
        const list = await expectStatus<Schemas["ChatbotList"]>(ctx, 200, "GET", "/v1/chatbots");
        expect(list.chatbots.some((c) => c.id === made.id), "GET /v1/chatbots does not list the new chatbot");
        const fetched = await expectStatus<Schemas["Chatbot"]>(ctx, 200, "GET", "/v1/chatbots/{chatbot_id}", {
          params,
        });
        expectEqual(fetched.agent_id, agent.id, "the chatbot's agent_id");
      } finally {
        await expectStatus(ctx, 200, "DELETE", "/v1/chatbots/{chatbot_id}", { params });
      }
      await expectStatus(ctx, 404, "GET", "/v1/chatbots/{chatbot_id}", { params });
      await expectStatus(ctx, 404, "DELETE", "/v1/chatbots/{chatbot_id}", { params });
    },
  },
  {
    id: "rest.sessions",
    guarantee:
      "sessions: create 201 (active), unknown agent 404, invalid body 422, bad JSON 400, state and history 200, unknown id 404",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const made = await expectStatus<Schemas["SessionInfo"]>(ctx, 201, "POST", "/v1/sessions", {
        body: { agent_id: agent.id },
      });
      expectEqual(made.state, "active", "a new session's state");
      const params = { session_id: made.id };
      await expectStatus(ctx, 404, "POST", "/v1/sessions", { body: { agent_id: "agt_conformance_missing" } });
      await expectStatus(ctx, 422, "POST", "/v1/sessions", { body: { agent_id: 7 } });
      await expectStatus(ctx, 400, "POST", "/v1/sessions", { body: "{not json" });
      const state = await expectStatus<Schemas["SessionInfo"]>(ctx, 200, "GET", "/v1/sessions/{session_id}", {
        params,
      });
      expectEqual(state.agent_id, agent.id, "the session's agent_id");
      const history = await expectStatus<Schemas["SessionMessageList"]>(
        ctx,
        200,
        "GET",
        "/v1/sessions/{session_id}/messages",
        { params },
      );
      expectEqual(history.messages.length, 0, "a new session's history length");
      const { socket } = await ctx.attach({ session_id: made.id });
      socket.post(newId("p"), "Hello.");
      await socket.next("message_complete");
      const after = await expectStatus<Schemas["SessionMessageList"]>(
        ctx,
        200,
        "GET",
        "/v1/sessions/{session_id}/messages",
        { params },
      );
      expectEqual(
        after.messages.map((m) => m.sender.role).join(),
        "user,assistant",
        "roles in the history after one turn",
      );
      const missing = { session_id: "ses_conformance_missing" };
      await expectStatus(ctx, 404, "GET", "/v1/sessions/{session_id}", { params: missing });
      await expectStatus(ctx, 404, "GET", "/v1/sessions/{session_id}/messages", { params: missing });
      await expectStatus(ctx, 404, "POST", "/v1/sessions/{session_id}/terminate", { params: missing });
    },
  },
  {
    id: "rest.knowledge_documents",
    guarantee: "POST /v1/knowledge/documents stores a document (201); invalid body 422; bad JSON 400",
    async run(ctx) {
      const doc = await expectStatus<Schemas["KnowledgeDocument"]>(
        ctx,
        201,
        "POST",
        "/v1/knowledge/documents",
        {
          body: { title: "Conformance", text: "The conformance kit stored this document." },
        },
      );
      expectEqual(doc.title, "Conformance", "the stored document's title");
      await expectStatus(ctx, 422, "POST", "/v1/knowledge/documents", { body: { title: "No text" } });
      await expectStatus(ctx, 400, "POST", "/v1/knowledge/documents", { body: "{not json" });
    },
  },
  {
    id: "rest.other_organisation",
    guarantee: "another organisation's agents, chatbots and sessions answer 404, as if they did not exist",
    async run(ctx) {
      const otherKey = ctx.otherKey();
      const agent = await ctx.agent("plain");
      const session = await expectStatus<Schemas["SessionInfo"]>(ctx, 201, "POST", "/v1/sessions", {
        body: { agent_id: agent.id },
      });
      const key = otherKey;
      await expectStatus(ctx, 404, "GET", "/v1/agents/{agent_id}", { params: { agent_id: agent.id }, key });
      await expectStatus(ctx, 404, "GET", "/v1/sessions/{session_id}", {
        params: { session_id: session.id },
        key,
      });
      await expectStatus(ctx, 404, "POST", "/v1/sessions/{session_id}/terminate", {
        params: { session_id: session.id },
        key,
      });
      await expectStatus(ctx, 404, "POST", "/v1/sessions", { body: { agent_id: agent.id }, key });
      const still = await expectStatus<Schemas["SessionInfo"]>(ctx, 200, "GET", "/v1/sessions/{session_id}", {
        params: { session_id: session.id },
      });
      expectEqual(
        still.state,
        "active",
        "the session's state after another organisation tried to terminate it",
      );
    },
  },
  {
    id: "rest.websocket_route_needs_upgrade",
    guarantee: "GET /v1/sessions/ws without a WebSocket upgrade answers 426",
    async run(ctx) {
      const answer = await restCall(
        ctx.url,
        { method: "GET", route: "/v1/sessions/ws", key: null },
        ctx.options.waitMs,
      );
      expectEqual(answer.status, 426, "GET /v1/sessions/ws without an upgrade");
    },
  },
];
