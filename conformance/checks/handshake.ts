/**
 * Handshake: `hello` answered by `session_connected`, and every documented refusal with its code.
 *
 * @module
 */
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import type { components } from "../../src/generated/rest.ts";
import { type Check, expect, expectEqual } from "../check.ts";
import { CLOSE_MARGIN_MS, expectRefused } from "./expect_close.ts";

type Chatbot = components["schemas"]["Chatbot"];

/** Ids no server has: the kit's unknown targets. */
const MISSING = {
  agent_id: "agt_conformance_missing",
  chatbot_id: "cbt_conformance_missing",
  session_id: "ses_conformance_missing",
};

/** The handshake checks. */
export const handshakeChecks: readonly Check[] = [
  {
    id: "handshake.new_session",
    guarantee:
      "hello with an agent target is answered by session_connected (logged: false), then session_created as seq 1",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const { socket, connected } = await ctx.attach({ agent_id: agent.id });
      expectEqual(connected.logged, false, "session_connected.logged");
      expectEqual(connected.data.resumed, false, "session_connected.data.resumed for a new session");
      expectEqual(
        connected.data.protocol_version,
        PROTOCOL_VERSION,
        "session_connected.data.protocol_version",
      );
      expectEqual(connected.data.agent_id, agent.id, "session_connected.data.agent_id");
      expect(connected.session_id !== "", "session_connected has an empty session_id");
      const created = await socket.next();
      expectEqual(created.type, "session_created", "the first event after session_connected");
      expectEqual(created.seq, 1, "session_created.seq");
      expectEqual(created.logged, true, "session_created.logged");
      expectEqual(created.session_id, connected.session_id, "session_created.session_id");
    },
  },
  {
    id: "handshake.chatbot_session",
    guarantee: "hello with a chatbot target opens a session on the chatbot's agent",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const made = await ctx.rest<Chatbot>("POST", "/v1/chatbots", {
        body: { name: `conformance chatbot ${crypto.randomUUID().slice(0, 8)}`, agent_id: agent.id },
      });
      expectEqual(made.status, 201, "POST /v1/chatbots status");
      try {
        const { socket, connected } = await ctx.attach({ chatbot_id: made.body.id });
        expectEqual(
          connected.data.agent_id,
          agent.id,
          "session_connected.data.agent_id of a chatbot session",
        );
        const created = await socket.next("session_created");
        expectEqual(created.data.chatbot_id, made.body.id, "session_created.data.chatbot_id");
      } finally {
        await ctx.rest("DELETE", "/v1/chatbots/{chatbot_id}", { params: { chatbot_id: made.body.id } });
      }
    },
  },
  {
    id: "handshake.bad_key",
    guarantee: "an invalid key gets error unauthorized (fatal) and close 4001",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const socket = await ctx.open();
      socket.hello(`vs-conformance-wrong-${crypto.randomUUID()}`, { agent_id: agent.id });
      const error = await expectRefused(
        socket,
        ["unauthorized"],
        CloseCode.unauthorized,
        "hello with a wrong key",
      );
      expectEqual(error.session_id, "", "error.session_id before a session was selected");
    },
  },
  {
    id: "handshake.bad_version",
    guarantee: "an unsupported protocol_version gets error unsupported_protocol_version and close 4003",
    async run(ctx) {
      const agent = await ctx.agent("plain");
      const socket = await ctx.open();
      socket.hello(ctx.key, { agent_id: agent.id }, PROTOCOL_VERSION + 98);
      await expectRefused(
        socket,
        ["unsupported_protocol_version"],
        CloseCode.unsupported_protocol_version,
        "hello with version 99",
      );
    },
  },
  {
    id: "handshake.unknown_target",
    guarantee: "an unknown agent, chatbot or session gets error not_found and close 4004",
    async run(ctx) {
      for (const [name, id] of Object.entries(MISSING)) {
        const socket = await ctx.open();
        socket.hello(ctx.key, { [name]: id });
        await expectRefused(
          socket,
          ["not_found"],
          CloseCode.session_not_found,
          `hello with an unknown ${name}`,
        );
      }
    },
  },
  {
    id: "handshake.other_organisation",
    guarantee:
      "another organisation's agent or session gets error not_found and close 4004, as if it did not exist",
    async run(ctx) {
      const otherKey = ctx.otherKey();
      const { sessionId } = await ctx.newSession("plain");
      const agent = await ctx.agent("plain");
      for (const target of [{ agent_id: agent.id }, { session_id: sessionId }]) {
        const socket = await ctx.open();
        socket.hello(otherKey, target);
        await expectRefused(
          socket,
          ["not_found"],
          CloseCode.session_not_found,
          `hello for ${JSON.stringify(target)} with another organisation's key`,
        );
      }
    },
  },
  {
    id: "handshake.terminated_session",
    guarantee: "attaching to a terminated session gets error session_terminated and close 4010",
    async run(ctx) {
      const { socket, sessionId } = await ctx.newSession("plain");
      await socket.close();
      const answer = await ctx.rest("POST", "/v1/sessions/{session_id}/terminate", {
        params: { session_id: sessionId },
      });
      expectEqual(answer.status, 200, "POST /v1/sessions/{id}/terminate status");
      const late = await ctx.open();
      late.hello(ctx.key, { session_id: sessionId });
      await expectRefused(
        late,
        ["session_terminated"],
        CloseCode.session_terminated,
        "hello for a terminated session",
      );
    },
  },
  {
    id: "handshake.invalid_first_frame",
    guarantee: "a first frame that is not a valid hello gets a fatal error and close 4400",
    async run(ctx) {
      const cases: [string, string][] = [
        ["a ping", JSON.stringify({ type: "ping" })],
        ["text that is not JSON", "{oops"],
        [
          "a hello without api_key and target",
          JSON.stringify({ type: "hello", protocol_version: PROTOCOL_VERSION }),
        ],
        ["an unknown frame type", JSON.stringify({ type: "dance" })],
      ];
      for (const [what, frame] of cases) {
        const socket = await ctx.open();
        socket.send(frame);
        await expectRefused(
          socket,
          ["invalid_frame", "invalid_json", "handshake_required"],
          CloseCode.bad_handshake,
          `${what} as the first frame`,
        );
      }
    },
  },
  {
    id: "handshake.timeout",
    guarantee: "a socket that sends no hello within the handshake timeout is closed with 4002",
    async run(ctx) {
      const socket = await ctx.open();
      const closed = await socket.closedWithin(
        ctx.options.handshakeTimeoutMs + CLOSE_MARGIN_MS,
        `a socket silent for the handshake timeout (${ctx.options.handshakeTimeoutMs} ms)`,
      );
      expectEqual(closed.code, CloseCode.handshake_timeout, "close code of a socket that never sent hello");
    },
  },
];
