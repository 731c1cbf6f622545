import * as z from "zod";
import { nullableField, omittableField, withUnknownTypeFallback } from "./helpers.js";

/** Content parts, tool-output bodies, reasoning parts and actions that ResponseItems carry. */

// content

export const ImageDetail = z.enum(["auto", "low", "high", "original"]);
export type ImageDetail = z.infer<typeof ImageDetail>;

/** Codex's default image detail for tool output images. */
export const DEFAULT_IMAGE_DETAIL: ImageDetail = "high";

/**
 * Assistant message phase: mid-turn commentary, stable partial answer text, or the turn's
 * final answer. Absent means "unknown" (providers do not always send it).
 */
export const MessagePhase = z.enum(["commentary", "partial_answer", "final_answer"]);
export type MessagePhase = z.infer<typeof MessagePhase>;

export const InputTextContent = z.object({ type: z.literal("input_text"), text: z.string() });
export const InputImageContent = z.object({
  type: z.literal("input_image"),
  image_url: omittableField(z.string()),
  file_id: omittableField(z.string()),
  detail: omittableField(ImageDetail),
});
export const InputAudioContent = z.object({
  type: z.literal("input_audio"),
  audio_url: omittableField(z.string()),
  file_id: omittableField(z.string()),
});
export const OutputTextContent = z.object({
  type: z.literal("output_text"),
  text: z.string(),
  annotations: omittableField(z.array(z.unknown())),
  logprobs: omittableField(z.array(z.unknown())),
});

/** One content part of a `message` item. */
export const ContentItem = z.discriminatedUnion("type", [
  InputTextContent,
  InputImageContent,
  InputAudioContent,
  OutputTextContent,
]);
export type ContentItem = z.infer<typeof ContentItem>;

export const EncryptedContentItem = z.object({
  type: z.literal("encrypted_content"),
  encrypted_content: z.string(),
});

/** A content item a tool call can return: text, image (with `detail`), audio, encrypted. */
export const FunctionCallOutputContentItem = z.discriminatedUnion("type", [
  InputTextContent,
  InputImageContent,
  InputAudioContent,
  EncryptedContentItem,
]);
export type FunctionCallOutputContentItem = z.infer<typeof FunctionCallOutputContentItem>;

/** `function_call_output.output` / `custom_tool_call_output.output`: a string or content items. */
export const FunctionCallOutputBody = z.union([z.string(), z.array(FunctionCallOutputContentItem)]);
export type FunctionCallOutputBody = z.infer<typeof FunctionCallOutputBody>;

/**
 * Lossy text view of a tool output body: the string itself, or the non-empty text items
 * joined with newlines (images and encrypted parts dropped); `null` when there is no text.
 */
export function functionCallOutputText(body: FunctionCallOutputBody): string | null {
  if (typeof body === "string") return body;
  const parts = body.flatMap((item) => (item.type === "input_text" && item.text.trim() !== "" ? [item.text] : []));
  return parts.length > 0 ? parts.join("\n") : null;
}

export const AgentMessageInputContent = z.discriminatedUnion("type", [InputTextContent, EncryptedContentItem]);
export type AgentMessageInputContent = z.infer<typeof AgentMessageInputContent>;

export const ReasoningItemReasoningSummary = z.object({ type: z.literal("summary_text"), text: z.string() });
export type ReasoningItemReasoningSummary = z.infer<typeof ReasoningItemReasoningSummary>;

export const ReasoningItemContent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("reasoning_text"), text: z.string() }),
  z.object({ type: z.literal("text"), text: z.string() }),
]);
export type ReasoningItemContent = z.infer<typeof ReasoningItemContent>;

export const LocalShellStatus = z.enum(["completed", "in_progress", "incomplete"]);
export type LocalShellStatus = z.infer<typeof LocalShellStatus>;

export const LocalShellExecAction = z.object({
  type: z.literal("exec"),
  command: z.array(z.string()),
  timeout_ms: nullableField(z.number().int().nonnegative()),
  working_directory: nullableField(z.string()),
  env: nullableField(z.record(z.string(), z.string())),
  user: nullableField(z.string()),
});
export const LocalShellAction = z.discriminatedUnion("type", [LocalShellExecAction]);
export type LocalShellAction = z.infer<typeof LocalShellAction>;

const WEB_SEARCH_ACTION_TYPES = ["search", "open_page", "find_in_page", "other"] as const;

/**
 * The Responses API's web-search action (snake_case tags). Named distinctly from the
 * app-server v2 `WebSearchAction` (camelCase tags) so generated definitions never collide.
 */
export const ResponsesApiWebSearchAction = withUnknownTypeFallback(
  WEB_SEARCH_ACTION_TYPES,
  "other",
  z.discriminatedUnion("type", [
    z.object({
      type: z.literal("search"),
      query: omittableField(z.string()),
      queries: omittableField(z.array(z.string())),
    }),
    z.object({ type: z.literal("open_page"), url: omittableField(z.string()) }),
    z.object({ type: z.literal("find_in_page"), url: omittableField(z.string()), pattern: omittableField(z.string()) }),
    z.object({ type: z.literal("other") }),
  ]),
).meta({ id: "ResponsesApiWebSearchAction" });
export type ResponsesApiWebSearchAction = z.infer<typeof ResponsesApiWebSearchAction>;

/** Metadata the Responses API passes through on history items (`turn_id`). */
export const InternalChatMessageMetadataPassthrough = z.object({ turn_id: omittableField(z.string()) });
export type InternalChatMessageMetadataPassthrough = z.infer<typeof InternalChatMessageMetadataPassthrough>;
