/**
 * Turns what users send (strings, bytes, `Blob`s, `File`s) into protocol content parts, with base64
 * done by web-standard APIs only.
 *
 * @module
 */
import type { ContentPart, FileContent, UserMessage } from "./generated/protocol.ts";
import { describeValue, VectorshiftError } from "./errors.ts";

/** Binary content: raw bytes, a `Blob` or a `File` (whose name and type are used). */
export type BinaryContent = Uint8Array | ArrayBuffer | Blob;

/** What `send()` accepts as content: text, or a file's bytes. */
export type SendContent = string | BinaryContent;

/** Options describing one message's content. */
export interface ContentOptions {
  /** Extra attachments sent with the message. */
  files?: readonly (BinaryContent | FileAttachment)[];
  /** MIME type of binary content (default: the `Blob`'s type, else `application/octet-stream`). */
  mimeType?: string;
  /** File name of binary content (default: the `File`'s name). */
  filename?: string;
}

/** An attachment with explicit metadata. */
export interface FileAttachment {
  /** The bytes. */
  data: BinaryContent;
  /** MIME type, such as `text/plain`. */
  mimeType?: string;
  /** File name. */
  filename?: string;
}

/** The fields of a {@link UserSessionMessage}. */
export interface UserSessionMessageInit extends ContentOptions {
  /** Text or bytes. */
  content: SendContent;
  /**
   * Not supported: the protocol has no field for it, so a message that sets it is refused with an error
   * rather than sent without it. Put object references in the text instead.
   */
  references?: undefined;
}

/** Refuses `references` (the protocol cannot carry them), so they are never dropped silently. */
function refuseReferences(init: object): void {
  const references = (init as { references?: unknown }).references;
  if (references === undefined) return;
  throw new VectorshiftError(
    "UserSessionMessage.references is not supported (the protocol has no field for it): remove it and " +
      "put the references in the message text.",
  );
}

/**
 * One message for `sendMany()`, mirroring `send()`'s arguments. A plain `{ content, ... }` object works
 * as well.
 *
 * @example
 * ```ts
 * import { UserSessionMessage } from "@vectorshift/sdk";
 * const notes = new UserSessionMessage({
 *   content: new TextEncoder().encode("revenue: 10"),
 *   mimeType: "text/plain",
 *   filename: "notes.txt",
 * });
 * if (notes.filename !== "notes.txt" || notes.mimeType !== "text/plain") throw new Error("unexpected");
 * ```
 */
export class UserSessionMessage implements UserSessionMessageInit {
  /** Text or bytes. */
  readonly content: SendContent;
  /** Extra attachments. */
  readonly files?: readonly (BinaryContent | FileAttachment)[];
  /** MIME type of binary content. */
  readonly mimeType?: string;
  /** File name of binary content. */
  readonly filename?: string;

  /** Creates the message. */
  constructor(init: UserSessionMessageInit) {
    refuseReferences(init);
    this.content = init.content;
    if (init.files !== undefined) this.files = init.files;
    if (init.mimeType !== undefined) this.mimeType = init.mimeType;
    if (init.filename !== undefined) this.filename = init.filename;
  }
}

/** An item of `sendMany()`: plain content, a {@link UserSessionMessage} or its fields. */
export type SendManyItem = SendContent | UserSessionMessage | UserSessionMessageInit;

const OCTET_STREAM = "application/octet-stream";
const CHUNK = 0x8000;

/** Standard base64 (with padding) of some bytes, using only `btoa`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

async function bytesOf(content: BinaryContent): Promise<Uint8Array> {
  if (content instanceof Uint8Array) return content;
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(await content.arrayBuffer());
}

function isBinary(value: unknown): value is BinaryContent {
  return value instanceof Uint8Array || value instanceof ArrayBuffer ||
    (typeof Blob !== "undefined" && value instanceof Blob);
}

/** A file part for binary content; metadata falls back to the `Blob`/`File`'s own. */
export async function filePart(
  content: BinaryContent,
  meta: { mimeType?: string | undefined; filename?: string | undefined } = {},
): Promise<FileContent> {
  const blob = typeof Blob !== "undefined" && content instanceof Blob ? content : undefined;
  const mime = meta.mimeType ?? (blob?.type || OCTET_STREAM);
  const name = meta.filename ??
    (blob && "name" in blob && typeof blob.name === "string" ? blob.name : undefined);
  const part: FileContent = { kind: "file", mime_type: mime, data_base64: toBase64(await bytesOf(content)) };
  if (name) part.filename = name;
  return part;
}

/** The content part for `send()`'s first argument. */
export async function contentPart(content: SendContent, options: ContentOptions = {}): Promise<ContentPart> {
  if (typeof content === "string") return { kind: "text", text: content };
  if (isBinary(content)) return await filePart(content, options);
  throw new VectorshiftError(
    `Cannot send ${describeValue(content)} as content; pass a string, Uint8Array, ArrayBuffer, Blob or File.`,
  );
}

/** A complete user message, with a fresh post id unless `postId` is given. */
export async function userMessage(
  content: SendContent,
  options: ContentOptions = {},
  postId: string = newId("post"),
): Promise<UserMessage> {
  const message: UserMessage = { post_id: postId, content: await contentPart(content, options) };
  if (options.files && options.files.length > 0) {
    message.files = await Promise.all(
      options.files.map((file) => isBinary(file) ? filePart(file) : filePart(file.data, file)),
    );
  }
  return message;
}

/** The user message for one `sendMany()` item. */
export function sendManyMessage(item: SendManyItem): Promise<UserMessage> {
  if (typeof item === "string" || isBinary(item)) return userMessage(item);
  if (typeof item === "object" && item !== null && "content" in item) {
    refuseReferences(item);
    return userMessage(item.content, item);
  }
  throw new VectorshiftError(
    `Cannot send ${describeValue(item)} as a sendMany() item; ` +
      "pass a string, bytes, a Blob or { content, mimeType, filename }.",
  );
}

/** A client-made unique id with a readable prefix. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID()}`;
}
