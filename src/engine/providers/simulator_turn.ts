/**
 * Reads a {@link ModelRequest} the way the offline model simulator needs it: the current turn's user
 * posts, the earlier conversation, attached files, and the tool calls and results of this turn.
 *
 * @module
 */
import type { ModelMessage, ModelRequest, ModelToolCall } from "../model.ts";
import { decodeBase64, isTextMime } from "./file_content.ts";

/** An attached file, decoded when it is text. */
export interface SimFile {
  /** File name, or a placeholder when the client gave none. */
  name: string;
  /** MIME type as sent. */
  mimeType: string;
  /** Size in bytes. */
  size: number;
  /** The decoded text, for text files only. */
  text?: string;
}

/** One user post: its text parts joined, and its files. */
export interface SimPost {
  /** Text parts joined with blank lines. */
  text: string;
  /** Attached files. */
  files: SimFile[];
}

/** A tool result of this turn, with the call that asked for it. */
export interface SimToolOutcome {
  /** The call, when its assistant message is present. */
  call: ModelToolCall | undefined;
  /** The tool message. */
  result: Extract<ModelMessage, { role: "tool" }>;
}

/** The request, sorted into what the simulator reasons about. */
export interface SimTurn {
  /** The current turn's user posts, oldest first (the trailing run of user messages). */
  posts: SimPost[];
  /** User posts of earlier turns, oldest first (present only with session memory on). */
  earlierPosts: SimPost[];
  /** Tool results that came after the last user post. */
  outcomes: SimToolOutcome[];
  /** Every file in the conversation, newest first. */
  files: SimFile[];
}

/**
 * Characters of a post's text the simulator reads. Its pattern matching is not meant for megabytes,
 * and a bound keeps a turn's cost linear in what it is sent however large a message is.
 */
export const SIMULATOR_READ_CHARS = 4000;

/** Bytes of an attached text file the simulator reads. */
export const SIMULATOR_READ_FILE_BYTES = 256 * 1024;

/** Converts one user message into a post. */
function toPost(message: Extract<ModelMessage, { role: "user" }>): SimPost {
  const texts: string[] = [];
  const files: SimFile[] = [];
  for (const part of message.content) {
    if (part.kind === "text") {
      texts.push(part.text);
      continue;
    }
    const bytes = decodeBase64(part.data_base64);
    const file: SimFile = {
      name: part.filename ?? "the attached file",
      mimeType: part.mime_type,
      size: bytes.length,
    };
    if (isTextMime(part.mime_type)) {
      file.text = new TextDecoder().decode(bytes.subarray(0, SIMULATOR_READ_FILE_BYTES));
    }
    files.push(file);
  }
  return { text: texts.join("\n\n").slice(0, SIMULATOR_READ_CHARS).trim(), files };
}

/** Sorts a request's messages into posts, earlier posts, tool outcomes and files. */
export function readTurn(request: Pick<ModelRequest, "messages">): SimTurn {
  const { messages } = request;
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === "user") {
      last = i;
      break;
    }
  }
  let first = last;
  while (first > 0 && messages[first - 1]?.role === "user") first--;
  const posts: SimPost[] = [];
  const earlierPosts: SimPost[] = [];
  messages.forEach((message, index) => {
    if (message.role !== "user") return;
    (index >= first ? posts : earlierPosts).push(toPost(message));
  });
  const calls = new Map<string, ModelToolCall>();
  const outcomes: SimToolOutcome[] = [];
  for (const message of messages.slice(last + 1)) {
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) calls.set(call.callId, call);
    }
    if (message.role === "tool") outcomes.push({ call: calls.get(message.callId), result: message });
  }
  const files = [...earlierPosts, ...posts].flatMap((post) => post.files).reverse();
  return { posts, earlierPosts, outcomes, files };
}
