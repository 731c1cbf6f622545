import * as z from "zod";
import { describeZodError } from "./jsonrpc.js";

/**
 * OpenAI Responses API shapes as Codex speaks them: the `ResponseItem`s that make up a
 * conversation history (sent to the model, persisted in rollouts as `response_item` lines)
 * and the streaming SSE event payloads the model client parses.
 *
 * Wire casing is snake_case, exactly as codex-rs writes it. Reading is tolerant:
 * - unknown item `type`s read as `{type: "other"}` (Codex's `#[serde(other)]`), unknown
 *   web-search actions as `{type: "other"}`;
 * - `null` for a field Codex omits when absent reads as absent;
 * - legacy `compaction_summary` reads as `compaction`.
 * Writing is canonical: absent optional fields are omitted, always-written nullable fields
 * (`reasoning.encrypted_content`, `local_shell_call.call_id`) are `null`.
 */

// ---------------------------------------------------------------------------------------
// helpers

/** An optional field that Codex omits when absent; a `null` on input reads as absent. */
export function omittableField<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** A field Codex always writes, possibly as `null`; absent on input reads as `null`. */
export function nullableField<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Wraps a discriminated union so that an object whose `type` is not one of `known` reads as
 * `{type: fallback}` instead of failing (Codex's `#[serde(other)]`). `aliases` renames legacy
 * type tags first.
 */
export function withUnknownTypeFallback<T extends z.ZodType>(
  known: readonly string[],
  fallback: string,
  schema: T,
  aliases: Readonly<Record<string, string>> = {},
) {
  const knownSet = new Set(known);
  return z.preprocess((value) => {
    if (!isRecord(value) || typeof value.type !== "string") return value;
    const aliased = aliases[value.type];
    if (aliased !== undefined) return { ...value, type: aliased };
    if (!knownSet.has(value.type)) return { type: fallback };
    return value;
  }, schema);
}

// ---------------------------------------------------------------------------------------
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

const common = {
  id: omittableField(z.string()),
  internal_chat_message_metadata_passthrough: omittableField(InternalChatMessageMetadataPassthrough),
};

// ---------------------------------------------------------------------------------------
// ResponseItem

export const MessageItem = z.object({
  type: z.literal("message"),
  ...common,
  role: z.string(),
  content: z.array(ContentItem),
  phase: omittableField(MessagePhase),
  status: omittableField(z.string()),
  encrypted_content: omittableField(z.string()),
});
export type MessageItem = z.infer<typeof MessageItem>;

export const AgentMessageItem = z.object({
  type: z.literal("agent_message"),
  ...common,
  author: z.string(),
  recipient: z.string(),
  content: z.array(AgentMessageInputContent),
});

export const ReasoningItem = z.object({
  type: z.literal("reasoning"),
  ...common,
  summary: z.array(ReasoningItemReasoningSummary),
  content: omittableField(z.array(ReasoningItemContent)),
  encrypted_content: nullableField(z.string()),
});
export type ReasoningItem = z.infer<typeof ReasoningItem>;

export const LocalShellCallItem = z.object({
  type: z.literal("local_shell_call"),
  ...common,
  call_id: nullableField(z.string()),
  status: LocalShellStatus,
  action: LocalShellAction,
});
export type LocalShellCallItem = z.infer<typeof LocalShellCallItem>;

export const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  ...common,
  name: z.string(),
  namespace: omittableField(z.string()),
  /** JSON text, exactly as the model streamed it. */
  arguments: z.string(),
  encrypted_function_args: omittableField(z.array(z.string())),
  call_id: z.string(),
  status: omittableField(z.string()),
});
export type FunctionCallItem = z.infer<typeof FunctionCallItem>;

export const ToolSearchCallItem = z.object({
  type: z.literal("tool_search_call"),
  ...common,
  call_id: omittableField(z.string()),
  status: omittableField(z.string()),
  execution: z.string(),
  arguments: z.unknown(),
});

export const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  ...common,
  call_id: omittableField(z.string()),
  name: omittableField(z.string()),
  namespace: omittableField(z.string()),
  output: FunctionCallOutputBody,
});
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItem>;

export const CustomToolCallItem = z.object({
  type: z.literal("custom_tool_call"),
  ...common,
  status: omittableField(z.string()),
  call_id: z.string(),
  name: z.string(),
  namespace: omittableField(z.string()),
  input: z.string(),
});
export type CustomToolCallItem = z.infer<typeof CustomToolCallItem>;

/** Freeform tool output; legacy rollouts hold a plain string, newer ones may hold content items. */
export const CustomToolCallOutputItem = z.object({
  type: z.literal("custom_tool_call_output"),
  ...common,
  call_id: z.string(),
  name: omittableField(z.string()),
  output: FunctionCallOutputBody,
});
export type CustomToolCallOutputItem = z.infer<typeof CustomToolCallOutputItem>;

export const ToolSearchOutputItem = z.object({
  type: z.literal("tool_search_output"),
  ...common,
  call_id: omittableField(z.string()),
  status: z.string(),
  execution: z.string(),
  tools: z.array(z.unknown()),
});

export const WebSearchCallItem = z.object({
  type: z.literal("web_search_call"),
  ...common,
  status: omittableField(z.string()),
  action: omittableField(ResponsesApiWebSearchAction),
});
export type WebSearchCallItem = z.infer<typeof WebSearchCallItem>;

export const ImageGenerationCallItem = z.object({
  type: z.literal("image_generation_call"),
  ...common,
  status: z.string(),
  revised_prompt: omittableField(z.string()),
  result: z.string(),
});

/** Opaque server-side compaction summary (legacy tag `compaction_summary`). */
export const CompactionItem = z.object({
  type: z.literal("compaction"),
  ...common,
  encrypted_content: z.string(),
});
export type CompactionItem = z.infer<typeof CompactionItem>;

export const ContextCompactionItem = z.object({
  type: z.literal("context_compaction"),
  ...common,
  encrypted_content: omittableField(z.string()),
});

export const AdditionalToolsItem = z.object({
  type: z.literal("additional_tools"),
  id: omittableField(z.string()),
  role: z.string(),
  tools: z.array(z.unknown()),
});

export const ConfigurationUpdateItem = z.object({
  type: z.literal("configuration_update"),
  reasoning: z.object({ effort: z.string() }),
});

export const CompactionTriggerItem = z.object({ type: z.literal("compaction_trigger") });

/** Any item type this version does not know (Codex's `Other`); skipped by consumers. */
export const OtherResponseItem = z.object({ type: z.literal("other") });

const RESPONSE_ITEM_TYPES = [
  "message",
  "agent_message",
  "reasoning",
  "local_shell_call",
  "function_call",
  "tool_search_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "tool_search_output",
  "web_search_call",
  "image_generation_call",
  "compaction",
  "context_compaction",
  "additional_tools",
  "configuration_update",
  "compaction_trigger",
  "other",
] as const;
export type ResponseItemType = (typeof RESPONSE_ITEM_TYPES)[number];

/** One item of conversation history, as the Responses API and Codex rollouts carry it. */
export const ResponseItem = withUnknownTypeFallback(
  RESPONSE_ITEM_TYPES,
  "other",
  z.discriminatedUnion("type", [
    MessageItem,
    AgentMessageItem,
    ReasoningItem,
    LocalShellCallItem,
    FunctionCallItem,
    ToolSearchCallItem,
    FunctionCallOutputItem,
    CustomToolCallItem,
    CustomToolCallOutputItem,
    ToolSearchOutputItem,
    WebSearchCallItem,
    ImageGenerationCallItem,
    CompactionItem,
    ContextCompactionItem,
    AdditionalToolsItem,
    ConfigurationUpdateItem,
    CompactionTriggerItem,
    OtherResponseItem,
  ]),
  { compaction_summary: "compaction" },
).meta({ id: "ResponseItem" });
export type ResponseItem = z.infer<typeof ResponseItem>;

/** Text of a message item's text parts (`input_text`/`output_text`), concatenated. */
export function messageText(item: MessageItem): string {
  return item.content
    .flatMap((part) => (part.type === "input_text" || part.type === "output_text" ? [part.text] : []))
    .join("");
}

// ---------------------------------------------------------------------------------------
// Streaming SSE events (POST /v1/responses with stream: true)

export const ResponseUsage = z.object({
  input_tokens: z.number().int(),
  input_tokens_details: omittableField(z.object({ cached_tokens: z.number().int().default(0) })),
  output_tokens: z.number().int(),
  output_tokens_details: omittableField(z.object({ reasoning_tokens: z.number().int().default(0) })),
  total_tokens: z.number().int(),
});
export type ResponseUsage = z.infer<typeof ResponseUsage>;

export const ResponseErrorBody = z.object({
  code: omittableField(z.string()),
  message: omittableField(z.string()),
  type: omittableField(z.string()),
  param: omittableField(z.string()),
  /** Some providers put a retry hint in the error (`resets_in_seconds`, …); kept raw. */
  resets_in_seconds: omittableField(z.number()),
});
export type ResponseErrorBody = z.infer<typeof ResponseErrorBody>;

/** The `response` object carried by lifecycle events; only what the client reads is typed. */
export const ResponseObject = z.object({
  id: omittableField(z.string()),
  status: omittableField(z.string()),
  model: omittableField(z.string()),
  usage: omittableField(ResponseUsage),
  error: omittableField(ResponseErrorBody),
  incomplete_details: omittableField(z.object({ reason: omittableField(z.string()) })),
  end_turn: omittableField(z.boolean()),
});
export type ResponseObject = z.infer<typeof ResponseObject>;

const position = {
  item_id: omittableField(z.string()),
  output_index: omittableField(z.number().int()),
};

export const ResponseCreatedEvent = z.object({ type: z.literal("response.created"), response: ResponseObject });
export const ResponseInProgressEvent = z.object({
  type: z.literal("response.in_progress"),
  response: ResponseObject,
});
export const ResponseOutputItemAddedEvent = z.object({
  type: z.literal("response.output_item.added"),
  output_index: omittableField(z.number().int()),
  item: ResponseItem,
});
export const ResponseOutputItemDoneEvent = z.object({
  type: z.literal("response.output_item.done"),
  output_index: omittableField(z.number().int()),
  item: ResponseItem,
});
export const ResponseOutputTextDeltaEvent = z.object({
  type: z.literal("response.output_text.delta"),
  ...position,
  content_index: omittableField(z.number().int()),
  delta: z.string(),
});
export const ResponseReasoningSummaryTextDeltaEvent = z.object({
  type: z.literal("response.reasoning_summary_text.delta"),
  ...position,
  summary_index: omittableField(z.number().int()),
  delta: z.string(),
});
export const ResponseReasoningSummaryPartAddedEvent = z.object({
  type: z.literal("response.reasoning_summary_part.added"),
  ...position,
  summary_index: omittableField(z.number().int()),
});
export const ResponseReasoningTextDeltaEvent = z.object({
  type: z.literal("response.reasoning_text.delta"),
  ...position,
  content_index: omittableField(z.number().int()),
  delta: z.string(),
});
export const ResponseFunctionCallArgumentsDeltaEvent = z.object({
  type: z.literal("response.function_call_arguments.delta"),
  ...position,
  delta: z.string(),
});
export const ResponseCustomToolCallInputDeltaEvent = z.object({
  type: z.literal("response.custom_tool_call_input.delta"),
  ...position,
  call_id: omittableField(z.string()),
  delta: z.string(),
});
export const ResponseCompletedEvent = z.object({
  type: z.literal("response.completed"),
  response: ResponseObject.extend({ id: z.string() }),
});
export const ResponseFailedEvent = z.object({ type: z.literal("response.failed"), response: ResponseObject });
export const ResponseIncompleteEvent = z.object({
  type: z.literal("response.incomplete"),
  response: ResponseObject,
});
/** A top-level stream error (`{"type":"error", code, message, param}`). */
export const ResponseErrorEvent = z.object({
  type: z.literal("error"),
  code: omittableField(z.string()),
  message: omittableField(z.string()),
  param: omittableField(z.string()),
});

/** Every streaming event the Codex model client acts on. */
export const ResponsesStreamEvent = z.discriminatedUnion("type", [
  ResponseCreatedEvent,
  ResponseInProgressEvent,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
  ResponseOutputTextDeltaEvent,
  ResponseReasoningSummaryTextDeltaEvent,
  ResponseReasoningSummaryPartAddedEvent,
  ResponseReasoningTextDeltaEvent,
  ResponseFunctionCallArgumentsDeltaEvent,
  ResponseCustomToolCallInputDeltaEvent,
  ResponseCompletedEvent,
  ResponseFailedEvent,
  ResponseIncompleteEvent,
  ResponseErrorEvent,
]);
export type ResponsesStreamEvent = z.infer<typeof ResponsesStreamEvent>;
export type ResponsesStreamEventType = ResponsesStreamEvent["type"];

const KNOWN_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set(
  ResponsesStreamEvent.options.map((option) => option.shape.type.value),
);

export type ParsedStreamEvent =
  | { kind: "event"; event: ResponsesStreamEvent }
  /** A well-formed event of a type the client does not act on; skip it. */
  | { kind: "unknown"; type: string; data: Record<string, unknown> }
  | { kind: "invalid"; reason: string };

/**
 * Parses one SSE `data:` payload (already JSON-decoded, or the raw text). Known event types
 * are validated; any other `type` comes back as `unknown` so the caller can skip it. Never throws.
 */
export function parseResponsesStreamEvent(data: unknown): ParsedStreamEvent {
  let value = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      return { kind: "invalid", reason: "SSE data is not valid JSON" };
    }
  }
  if (!isRecord(value)) return { kind: "invalid", reason: "SSE data must be a JSON object" };
  if (typeof value.type !== "string") return { kind: "invalid", reason: "SSE event has no string `type`" };
  if (!KNOWN_STREAM_EVENT_TYPES.has(value.type)) return { kind: "unknown", type: value.type, data: value };
  const parsed = ResponsesStreamEvent.safeParse(value);
  if (!parsed.success) return { kind: "invalid", reason: `${value.type}: ${describeZodError(parsed.error)}` };
  return { kind: "event", event: parsed.data };
}
