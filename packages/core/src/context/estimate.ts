/**
 * Token estimates of history items, as Codex makes them (a coarse byte heuristic, ~4 bytes a
 * token): an item costs its serialized JSON, except that an inline base64 image costs a fixed
 * 7,373 bytes — or, at `detail: "original"`, 4 bytes per 32×32 patch of the image (at most
 * 10,000 patches) — and encrypted reasoning about ¾ of its length less 650. The session adds the
 * estimate of what entered the history after the model's last output to the last response's
 * token total when it decides whether to compact before the next request.
 */
import type { ResponseItem } from "@codex-ts/protocol";

const RESIZED_IMAGE_BYTES = 7373;
const PATCH = 32;
const MAX_PATCHES = 10_000;

function tokensFromBytes(bytes: number): number {
  return Math.ceil(Math.max(0, bytes) / 4);
}

/** Width and height from a PNG, GIF, JPEG or WebP header; undefined when unknown. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length >= 10 && bytes.toString("latin1", 0, 3) === "GIF") return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  if (bytes.length >= 30 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") {
    const chunk = bytes.toString("latin1", 12, 16);
    if (chunk === "VP8X") return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
    if (chunk === "VP8L") {
      const bits = bytes.readUInt32LE(21);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    if (chunk === "VP8 ") return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    return undefined;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length && bytes[at] === 0xff) {
      const marker = bytes[at + 1] ?? 0;
      const length = bytes.readUInt16BE(at + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}

/** The base64 payload of an image data URL, else undefined. */
function imagePayload(url: string): string | undefined {
  const comma = url.indexOf(",");
  if (comma < 0 || !/^data:image\//i.test(url)) return undefined;
  const meta = url.slice(5, comma).split(";");
  return meta.slice(1).some((part) => part.toLowerCase() === "base64") ? url.slice(comma + 1) : undefined;
}

function imageBytesEstimate(payload: string, detail: unknown): number {
  if (detail !== "original") return RESIZED_IMAGE_BYTES;
  const size = imageSize(Buffer.from(payload, "base64"));
  if (!size) return RESIZED_IMAGE_BYTES;
  const patches = Math.min(Math.ceil(size.width / PATCH) * Math.ceil(size.height / PATCH), MAX_PATCHES);
  return patches * 4;
}

/** The images an item carries (message content, tool output content). */
function imagesOf(item: ResponseItem): Array<{ image_url: string; detail?: unknown }> {
  const parts: unknown[] =
    item.type === "message"
      ? item.content
      : (item.type === "function_call_output" || item.type === "custom_tool_call_output") && Array.isArray(item.output)
        ? item.output
        : [];
  return parts.filter(
    (p): p is { image_url: string; detail?: unknown } =>
      typeof p === "object" && p !== null && (p as { type?: unknown }).type === "input_image" && typeof (p as { image_url?: unknown }).image_url === "string",
  );
}

/** One item's estimated tokens. */
export function estimateItemTokens(item: ResponseItem): number {
  if (item.type === "reasoning" && typeof item.encrypted_content === "string") {
    return tokensFromBytes(Math.floor((item.encrypted_content.length * 3) / 4) - 650);
  }
  let bytes = JSON.stringify(item).length;
  for (const image of imagesOf(item)) {
    const payload = imagePayload(image.image_url);
    if (payload === undefined) continue;
    bytes += imageBytesEstimate(payload, image.detail) - payload.length;
  }
  return tokensFromBytes(bytes);
}

function isModelGenerated(item: ResponseItem): boolean {
  if (item.type === "message") return item.role === "assistant";
  return ["reasoning", "function_call", "custom_tool_call", "web_search_call", "local_shell_call", "image_generation_call", "compaction"].includes(
    item.type,
  );
}

/** Estimated tokens of the items after the model's last output (what the last usage does not count). */
export function estimateTokensAfterLastModelItem(items: readonly ResponseItem[]): number {
  let start = items.length;
  while (start > 0 && !isModelGenerated(items[start - 1] as ResponseItem)) start--;
  let total = 0;
  for (const item of items.slice(start)) total += estimateItemTokens(item);
  return total;
}
