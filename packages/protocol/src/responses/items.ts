import * as z from "zod";
import {
  AgentMessageInputContent,
  ContentItem,
  FunctionCallOutputBody,
  InternalChatMessageMetadataPassthrough,
  LocalShellAction,
  LocalShellStatus,
  MessagePhase,
  ReasoningItemContent,
  ReasoningItemReasoningSummary,
  ResponsesApiWebSearchAction,
} from "./content.js";
import { nullableField, omittableField, withUnknownTypeFallback } from "./helpers.js";

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
