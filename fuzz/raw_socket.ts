/**
 * Raw TCP to the engine, below `fetch` and `WebSocket`, for what those refuse to send: malformed
 * HTTP upgrade requests, invalid WebSocket frames (bad opcodes, unmasked, reserved bits, overlong
 * lengths, truncated), half-sent frames and bodies, and clients that stop reading. Reads happen only
 * when asked, so a socket can play a consumer that never reads.
 *
 * @module
 */

/** One decoded server frame. */
export interface RawFrame {
  opcode: number;
  payload: Uint8Array;
}

/** A raw TCP connection with a manual, deadline-bounded reader. */
export class RawConn {
  readonly #conn: Deno.TcpConn;
  #buffer = new Uint8Array(0);
  #pending: Promise<number | null> | undefined;
  #chunk = new Uint8Array(64 * 1024);
  #eof = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to the engine at `baseUrl` (its host and port). */
  static async open(baseUrl: string): Promise<RawConn> {
    const url = new URL(baseUrl);
    return new RawConn(await Deno.connect({ hostname: url.hostname, port: Number(url.port) }));
  }

  /** Whether the server closed its side. */
  get eof(): boolean {
    return this.#eof;
  }

  /** Bytes read and not yet consumed. */
  get buffered(): Uint8Array {
    return this.#buffer;
  }

  /** Writes all bytes; false when the connection is gone (reset by the server). */
  async write(bytes: Uint8Array | string): Promise<boolean> {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    try {
      let written = 0;
      while (written < data.byteLength) written += await this.#conn.write(data.subarray(written));
      return true;
    } catch {
      return false;
    }
  }

  /** Reads until `done(buffer)` is true, EOF, or the deadline; returns whether `done` held. */
  async readUntil(
    done: (buffer: Uint8Array) => boolean,
    timeoutMs: number,
    maxBytes = 64 * 1024 * 1024,
  ): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done(this.#buffer)) {
      if (this.#eof || this.#closed || this.#buffer.byteLength > maxBytes) return false;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      this.#pending ??= this.#conn.read(this.#chunk).catch(() => null);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.#pending,
        new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), left)),
      ]);
      clearTimeout(timer);
      if (n === "timeout") return done(this.#buffer);
      this.#pending = undefined;
      if (n === null) {
        this.#eof = true;
        break;
      }
      const next = new Uint8Array(this.#buffer.byteLength + n);
      next.set(this.#buffer);
      next.set(this.#chunk.subarray(0, n), this.#buffer.byteLength);
      this.#buffer = next;
    }
    return done(this.#buffer);
  }

  /** Drops the first `n` buffered bytes. */
  consume(n: number): void {
    this.#buffer = this.#buffer.slice(n);
  }

  /** Closes the connection and settles any pending read. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    await this.#pending;
  }
}

/** The HTTP status of a response head in `buffer`, once the head is complete. */
export function httpStatus(buffer: Uint8Array): { status: number; headEnd: number } | undefined {
  const text = new TextDecoder().decode(buffer.subarray(0, Math.min(buffer.byteLength, 16 * 1024)));
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return {
    status: match?.[1] ? Number(match[1]) : -1,
    headEnd: new TextEncoder().encode(text.slice(0, end + 4)).byteLength,
  };
}

/** A valid WebSocket upgrade request for `path` on `host`, with `headers` overriding or removing (null) any. */
export function upgradeRequest(
  host: string,
  path = "/v1/sessions/ws",
  headers: Record<string, string | null> = {},
  requestLine?: string,
): string {
  const base: Record<string, string | null> = {
    Host: host,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...headers,
  };
  const lines = Object.entries(base).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return `${requestLine ?? `GET ${path} HTTP/1.1`}\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** Options of one encoded client frame; defaults make a valid masked final text frame. */
export interface FrameSpec {
  opcode?: number;
  fin?: boolean;
  rsv?: number;
  mask?: boolean;
  /** Length written in the header instead of the payload's (for overlong or lying lengths). */
  declaredLength?: bigint;
  /** Force the 16-bit or 64-bit length form even for short payloads (non-minimal encoding). */
  lengthForm?: 16 | 64;
}

/** Encodes one client WebSocket frame, valid or not. */
export function encodeFrame(payload: Uint8Array | string, spec: FrameSpec = {}): Uint8Array {
  const data = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const mask = spec.mask ?? true;
  const length = spec.declaredLength ?? BigInt(data.byteLength);
  const header: number[] = [
    ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | ((spec.opcode ?? 1) & 0x0f),
  ];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126n && spec.lengthForm === undefined) header.push(maskBit | Number(length));
  else if (length < 65536n && spec.lengthForm !== 64) {
    header.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  } else {
    header.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn));
  }
  const key = mask ? crypto.getRandomValues(new Uint8Array(4)) : new Uint8Array(0);
  const out = new Uint8Array(header.length + key.byteLength + data.byteLength);
  out.set(header);
  out.set(key, header.length);
  for (let i = 0; i < data.byteLength; i++) {
    out[header.length + key.byteLength + i] = mask ? data[i]! ^ key[i % 4]! : data[i]!;
  }
  return out;
}

/** Decodes the complete server frames at the start of `buffer` (server frames are unmasked). */
export function decodeFrames(buffer: Uint8Array): { frames: RawFrame[]; used: number } {
  const frames: RawFrame[] = [];
  let at = 0;
  while (buffer.byteLength - at >= 2) {
    const opcode = buffer[at]! & 0x0f;
    let length = buffer[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (buffer.byteLength < offset + 2) break;
      length = (buffer[offset]! << 8) | buffer[offset + 1]!;
      offset += 2;
    } else if (length === 127) {
      if (buffer.byteLength < offset + 8) break;
      length = 0;
      for (let i = 0; i < 8; i++) length = length * 256 + buffer[offset + i]!;
      offset += 8;
    }
    if (buffer.byteLength < offset + length) break;
    frames.push({ opcode, payload: buffer.slice(offset, offset + length) });
    at = offset + length;
  }
  return { frames, used: at };
}

/** The code of a close frame, or 1005 when it carries none. */
export function closeCode(frame: RawFrame): number {
  return frame.payload.byteLength >= 2 ? (frame.payload[0]! << 8) | frame.payload[1]! : 1005;
}

/** Opens a raw connection and completes a valid WebSocket upgrade; undefined when refused. */
export async function rawWebSocket(baseUrl: string, timeoutMs: number): Promise<RawConn | undefined> {
  const conn = await RawConn.open(baseUrl);
  await conn.write(upgradeRequest(new URL(baseUrl).host));
  const ok = await conn.readUntil((b) => httpStatus(b) !== undefined, timeoutMs);
  const head = httpStatus(conn.buffered);
  if (!ok || head?.status !== 101) {
    await conn.close();
    return undefined;
  }
  conn.consume(head.headEnd);
  return conn;
}

/**
 * Reads server frames until a close frame, EOF or the deadline. `close` is the close frame's code,
 * `"eof"` when the TCP connection ended without one, `"open"` when neither happened in time.
 */
export async function readToClose(
  conn: RawConn,
  timeoutMs: number,
): Promise<{ frames: RawFrame[]; close: number | "eof" | "open" }> {
  const frames: RawFrame[] = [];
  let close: number | undefined;
  await conn.readUntil((buffer) => {
    const { frames: decoded, used } = decodeFrames(buffer);
    if (used > 0) {
      frames.push(...decoded);
      conn.consume(used);
    }
    const found = decoded.find((f) => f.opcode === 8);
    if (found) close = closeCode(found);
    return close !== undefined;
  }, timeoutMs);
  return { frames, close: close ?? (conn.eof ? "eof" : "open") };
}
