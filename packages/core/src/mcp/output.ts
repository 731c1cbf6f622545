// An MCP tool call's outcome as the model reads it (Codex 0.169): a "Wall time" header, then the
// structured content as JSON text when the server gave one, else the content blocks as input items
// (images as data URLs, with the detail the server asked for in `_meta["codex/imageDetail"]`).
import type { CallOutcome, CallToolResult } from "@codex-ts/mcp";
import type { ContentItem, ImageDetail, ToolResult } from "../tools/types.js";

export const IMAGE_DETAIL_META_KEY = "codex/imageDetail";

const DETAILS = new Set<ImageDetail>(["auto", "low", "high", "original"]);

export interface OutputOptions {
  /** The model takes `detail: "original"` images; otherwise "original" becomes "high". */
  originalImageDetail?: boolean;
}

function wallTime(durationMs: number): string {
  return `Wall time: ${(durationMs / 1000).toFixed(4)} seconds\nOutput:`;
}

function imageDetail(meta: unknown, options: OutputOptions): ImageDetail {
  const asked = typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>)[IMAGE_DETAIL_META_KEY] : undefined;
  const detail = typeof asked === "string" && DETAILS.has(asked as ImageDetail) ? (asked as ImageDetail) : "high";
  return detail === "original" && !options.originalImageDetail ? "high" : detail;
}

/** One MCP content block as a Responses input item. */
function contentItem(block: CallToolResult["content"][number], options: OutputOptions): ContentItem {
  switch (block.type) {
    case "text":
      return { type: "input_text", text: block.text };
    case "image":
      return { type: "input_image", image_url: `data:${block.mimeType};base64,${block.data}`, detail: imageDetail(block._meta, options) };
    case "resource":
      return { type: "input_text", text: "text" in block.resource ? block.resource.text : JSON.stringify(block.resource) };
    default:
      return { type: "input_text", text: JSON.stringify(block) };
  }
}

/** What the model reads for one call, and whether it counts as a success. */
export function callOutputForModel(outcome: CallOutcome, durationMs: number, options: OutputOptions = {}): ToolResult {
  const header = wallTime(durationMs);
  if (!outcome.ok) {
    return { output: [{ type: "input_text", text: header }, { type: "input_text", text: outcome.error }], success: false };
  }
  const result = outcome.result;
  const success = result.isError !== true;
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return { output: `${header}\n${JSON.stringify(result.structuredContent)}`, success };
  }
  return { output: [{ type: "input_text", text: header }, ...result.content.map((block) => contentItem(block, options))], success };
}

/** A message-only failure (approval denied, bad arguments) with the same header. */
export function failureForModel(message: string, durationMs: number): ToolResult {
  return callOutputForModel({ ok: false, error: message }, durationMs);
}
