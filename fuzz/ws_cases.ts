/**
 * WebSocket fuzz cases: valid frames of every client type (`hello`, `post`, `post_batch`,
 * `approval_response`, `cancel_turn`, `terminate`, `ping`), then mutated (fields deleted, retyped,
 * filled with hostile or huge strings, nested 3,000 to 20,000 levels deep, extra fields, other types),
 * plus invalid JSON, binary frames, oversize frames and huge base64 files. Each case says what a
 * correct engine must do with it, so the attacker can check the answer without a model of the engine.
 *
 * @module
 */
import { CLIENT_FRAME_TYPES } from "../src/generated/protocol_schema.ts";
import { DEEP, mutate, serialize } from "./mutate.ts";
import { deepJson, type Rng } from "./random.ts";

/** What the attacker knows about its socket's session, to aim frames at real ids. */
export interface WsTargets {
  apiKey: string;
  /** The other organisation's key: valid, but not for these ids. */
  otherKey: string;
  agentId: string;
  chatbotId: string;
  sessionId: string;
  /** A session of the other organisation (must answer not_found). */
  otherSessionId: string;
  /** Approval request ids seen on this socket. */
  requestIds: string[];
  /** Post ids already used in this session. */
  postIds: string[];
  maxFrameBytes: number;
}

/**
 * What must follow the frame: `error` an error event (or a documented close); `answer` an error or
 * the acknowledgement of its type; `any` an error, an acknowledgement or nothing (a valid
 * `cancel_turn` or `approval_response` may be silent); `close` a documented close (oversize frames).
 */
export type Expect = "error" | "answer" | "any" | "close";

/** One frame to send. */
export interface WsCase {
  /** Short description of the input, for failure reports. */
  input: string;
  data: string | Uint8Array<ArrayBuffer>;
  expect: Expect;
  /** The frame type as sent, when it was JSON with a string type. */
  type: string | undefined;
}

const PROMPTS = [
  "hi",
  "What is 23 * 19?",
  "Calculate sqrt(2) + 17 / 3",
  "Search the docs for refunds",
  "What time is it in Tokyo?",
  "Write a very long essay about the history of computing.",
  "Summarise the attached file.",
];

function b64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function postId(rng: Rng, t: WsTargets): string {
  if (t.postIds.length > 0 && rng.chance(0.05)) return rng.pick(t.postIds);
  const id = `p-${rng.word(10)}-${rng.int(0, 1e9)}`;
  t.postIds.push(id);
  if (t.postIds.length > 200) t.postIds.shift();
  return id;
}

function fileContent(rng: Rng): Record<string, unknown> {
  return {
    kind: "file",
    mime_type: rng.pick(["text/plain", "application/pdf", "image/png", "application/octet-stream"]),
    ...(rng.chance(0.7) ? { filename: rng.chance(0.5) ? "notes.txt" : rng.hostileString(3) } : {}),
    data_base64: b64(rng.chance(0.5) ? "Q3 revenue was 12 million." : rng.hostileString(8)),
  };
}

function userMessage(rng: Rng, t: WsTargets): Record<string, unknown> {
  const content = rng.chance(0.8)
    ? { kind: "text", text: rng.chance(0.7) ? rng.pick(PROMPTS) : rng.hostileString() }
    : fileContent(rng);
  return {
    post_id: postId(rng, t),
    content,
    ...(rng.chance(0.15) ? { files: Array.from({ length: rng.int(0, 3) }, () => fileContent(rng)) } : {}),
  };
}

function target(rng: Rng, t: WsTargets): Record<string, unknown> {
  switch (rng.int(0, 4)) {
    case 0:
      return { agent_id: t.agentId };
    case 1:
      return { chatbot_id: t.chatbotId };
    case 2:
      return { session_id: t.sessionId, ...(rng.chance(0.5) ? { last_seq: rng.int(0, 50) } : {}) };
    case 3:
      return { session_id: t.otherSessionId };
    default:
      return { session_id: `ses_${rng.word(20)}` };
  }
}

/** A valid frame of `type` (valid by the schema; the ids may still be unknown to the engine). */
export function validFrame(rng: Rng, type: string, t: WsTargets): Record<string, unknown> {
  switch (type) {
    case "hello":
      return {
        type,
        protocol_version: 1,
        api_key: rng.chance(0.9) ? t.apiKey : t.otherKey,
        target: target(rng, t),
        ...(rng.chance(0.3) ? { client: { name: "fuzz", version: "0" } } : {}),
      };
    case "post":
      return { type, message: userMessage(rng, t) };
    case "post_batch":
      return {
        type,
        batch_id: `b-${rng.word(10)}-${rng.int(0, 1e9)}`,
        messages: Array.from({ length: rng.int(1, 4) }, () => userMessage(rng, t)),
      };
    case "approval_response":
      return {
        type,
        request_id: t.requestIds.length > 0 && rng.chance(0.7)
          ? rng.pick(t.requestIds)
          : `req_${rng.word(12)}`,
        approved: rng.chance(0.6),
        ...(rng.chance(0.5) ? { confirm: { expression: "1 + 1", note: rng.hostileString() } } : {}),
        ...(rng.chance(0.3) ? { deny_reason: rng.hostileString() } : {}),
      };
    case "cancel_turn":
    case "terminate":
      return { type, ...(rng.chance(0.5) ? { reason: rng.hostileString() } : {}) };
    default:
      return { type: "ping", ...(rng.chance(0.7) ? { nonce: rng.hostileString() } : {}) };
  }
}

/** What a correct engine must do with `text`, judged from the text alone. */
export function expectationOf(
  text: string,
  maxFrameBytes: number,
): { expect: Expect; type: string | undefined } {
  if (new TextEncoder().encode(text).byteLength > maxFrameBytes) return { expect: "close", type: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { expect: "error", type: undefined };
  }
  const type = typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as { type?: unknown }).type
    : undefined;
  if (typeof type !== "string" || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return { expect: "error", type: typeof type === "string" ? type : undefined };
  }
  const expect: Expect = type === "approval_response" || type === "cancel_turn" || type === "terminate"
    ? "any"
    : type === "hello"
    ? "error"
    : "answer";
  return { expect, type };
}

function invalidJson(rng: Rng, t: WsTargets): { text: string; what: string } {
  const valid = JSON.stringify(validFrame(rng, rng.pick(CLIENT_FRAME_TYPES), t));
  switch (rng.int(0, 7)) {
    case 0:
      return { text: valid.slice(0, rng.int(0, valid.length - 1)), what: "truncated JSON" };
    case 1:
      return { text: valid.replace("}", ",}"), what: "trailing comma" };
    case 2:
      return { text: rng.hostileString(10), what: "hostile non-JSON text" };
    case 3:
      return {
        text: rng.pick(["", " ", "null", "[]", "1e999", "true", '"hello"', "NaN", "{}", "\u0000"]),
        what: "scalar",
      };
    case 4: {
      const depth = rng.pick([10_000, 100_000]);
      return { text: deepJson(depth, rng.chance(0.5)), what: `bare nesting ${depth} deep` };
    }
    case 5:
      return { text: valid.replace('"type"', '"type":"ping","type"'), what: "duplicate keys" };
    case 6:
      return { text: `${valid}${valid}`, what: "two frames in one" };
    default:
      return { text: `{"type":"${rng.hostileString(3)}"}`, what: "unescaped control characters" };
  }
}

function hugeBase64(rng: Rng, t: WsTargets): { text: string; what: string } {
  const chars = rng.pick([4_500_000, 4_400_000, 3_000_000, 5_600_000]);
  const length = Math.floor(chars / 4) * 4;
  const bad = rng.chance(0.3);
  const data = "QUFB".repeat(length / 4).slice(0, length - (bad ? 1 : 0)) + (bad ? "*" : "");
  const message = {
    post_id: postId(rng, t),
    content: { kind: "file", mime_type: "text/plain", filename: "big.txt", data_base64: data },
  };
  const frame = rng.chance(0.7)
    ? { type: "post", message }
    : { type: "post_batch", batch_id: `b-${rng.word()}`, messages: [message] };
  return {
    text: JSON.stringify(frame),
    what: `${frame.type} with ${bad ? "invalid " : ""}base64 of ${data.length} chars`,
  };
}

/** Generates one case; `big` allows megabyte-sized inputs (rarely chosen either way). */
export function wsCase(rng: Rng, t: WsTargets, big = true): WsCase {
  const kind = rng.weighted({
    valid: 10,
    mutated: 60,
    invalidJson: 12,
    binary: 4,
    oversize: big ? 0.3 : 0,
    hugeBase64: big ? 0.4 : 0,
    hugeId: big ? 1 : 0,
  });
  let text: string;
  let what: string;
  switch (kind) {
    case "binary": {
      const bytes = rng.chance(0.5)
        ? new TextEncoder().encode(JSON.stringify(validFrame(rng, "ping", t)))
        : crypto.getRandomValues(new Uint8Array(rng.int(0, 4096)));
      return {
        input: `binary frame of ${bytes.byteLength} bytes`,
        data: bytes,
        expect: "error",
        type: undefined,
      };
    }
    case "invalidJson":
      ({ text, what } = invalidJson(rng, t));
      break;
    case "oversize": {
      const frame = validFrame(rng, "post", t) as { message: { content: unknown } };
      frame.message.content = { kind: "text", text: "x".repeat(t.maxFrameBytes + rng.int(1, 2000)) };
      text = JSON.stringify(frame);
      what = `oversize post of ${text.length} bytes`;
      break;
    }
    case "hugeBase64":
      ({ text, what } = hugeBase64(rng, t));
      break;
    case "hugeId": {
      const type = rng.pick(["post", "post_batch", "approval_response", "ping"]);
      const frame = validFrame(rng, type, t);
      const huge = rng.hugeString(rng.pick([200, 100_000, 2_000_000]));
      if (type === "post") (frame.message as Record<string, unknown>).post_id = huge;
      else if (type === "post_batch") frame.batch_id = huge;
      else if (type === "approval_response") frame.request_id = huge;
      else frame.nonce = huge;
      text = JSON.stringify(frame);
      what = `${type} with an id of ${huge.length} chars`;
      break;
    }
    case "valid":
    case "mutated": {
      const type = rng.weighted({
        hello: 1,
        post: 4,
        post_batch: 2,
        approval_response: 3,
        cancel_turn: 1,
        terminate: kind === "valid" ? 0.1 : 0.3,
        ping: 2,
      });
      const frame = validFrame(rng, type, t);
      const changes: string[] = [];
      let deep: { depth: number; arrays: boolean } | undefined;
      if (type === "approval_response" && rng.chance(0.15)) {
        frame.confirm = { expression: DEEP };
        deep = { depth: rng.pick([3000, 10_000, 20_000]), arrays: rng.chance(0.5) };
        changes.push(`confirm nested ${deep.depth} deep`);
      }
      if (kind === "mutated") {
        for (let i = rng.int(1, 4); i > 0; i--) {
          const m = mutate(rng, frame, big);
          changes.push(m.what);
          if (m.deep !== undefined) deep = { depth: m.deep, arrays: rng.chance(0.5) };
        }
      }
      text = serialize(frame, deep);
      what = `${type}${changes.length ? ` [${changes.join("; ")}]` : ""}`;
      break;
    }
  }
  const { expect, type } = expectationOf(text, t.maxFrameBytes);
  return { input: `${what}: ${text.slice(0, 120)}`, data: text, expect, type };
}
