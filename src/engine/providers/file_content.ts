/**
 * Helpers for inline file parts (`data_base64` + `mime_type`): decoding the bytes and telling text
 * files from binary ones. Shared by the simulator and the OpenAI-compatible request mapping.
 *
 * @module
 */

/** MIME types whose bytes are read as text (text/*, JSON, XML, CSV, YAML). */
export function isTextMime(mimeType: string): boolean {
  const type = mimeType.toLowerCase().split(";")[0]?.trim() ?? "";
  return type.startsWith("text/") ||
    ["application/json", "application/xml", "application/csv", "application/x-yaml", "application/yaml"]
      .includes(type);
}

/** Decodes standard base64 into bytes; invalid input gives an empty array rather than a crash. */
export function decodeBase64(data: string): Uint8Array {
  try {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return new Uint8Array();
  }
}
