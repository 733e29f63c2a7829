/**
 * Just enough of RFC 6455 framing for the wire server: encoding unmasked server frames and parsing
 * masked client frames (no fragmentation, no extensions; the benchmark clients send neither).
 *
 * @module
 */

/** Frame opcodes used here. */
export const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One complete client frame, unmasked. */
export interface ClientMessage {
  /** The frame's opcode. */
  opcode: number;
  /** The unmasked payload. */
  payload: Uint8Array;
}

/** Encodes one final, unmasked server frame. */
export function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = new Uint8Array(headerLength + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    new DataView(frame.buffer).setUint16(2, length);
  } else {
    frame[1] = 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(length));
  }
  frame.set(payload, headerLength);
  return frame;
}

/** Accumulates bytes from a client and yields each complete frame. */
export class FrameParser {
  #buffer = new Uint8Array(0);

  /** Adds received bytes; returns the frames they completed. */
  push(bytes: Uint8Array): ClientMessage[] {
    const joined = new Uint8Array(this.#buffer.length + bytes.length);
    joined.set(this.#buffer);
    joined.set(bytes, this.#buffer.length);
    const messages: ClientMessage[] = [];
    let offset = 0;
    for (;;) {
      const message = readFrame(joined, offset);
      if (!message) break;
      messages.push(message.frame);
      offset = message.next;
    }
    this.#buffer = joined.slice(offset);
    return messages;
  }
}

function readFrame(data: Uint8Array, offset: number): { frame: ClientMessage; next: number } | undefined {
  if (data.length - offset < 2) return undefined;
  const view = new DataView(data.buffer, data.byteOffset);
  const opcode = (data[offset] ?? 0) & 0x0f;
  const masked = ((data[offset + 1] ?? 0) & 0x80) !== 0;
  let length = (data[offset + 1] ?? 0) & 0x7f;
  let at = offset + 2;
  if (length === 126) {
    if (data.length < at + 2) return undefined;
    length = view.getUint16(at);
    at += 2;
  } else if (length === 127) {
    if (data.length < at + 8) return undefined;
    length = Number(view.getBigUint64(at));
    at += 8;
  }
  const maskLength = masked ? 4 : 0;
  if (data.length < at + maskLength + length) return undefined;
  const mask = data.subarray(at, at + maskLength);
  at += maskLength;
  const payload = data.slice(at, at + length);
  if (masked) {
    for (let i = 0; i < payload.length; i++) {
      payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    }
  }
  return { frame: { opcode, payload }, next: at + length };
}
