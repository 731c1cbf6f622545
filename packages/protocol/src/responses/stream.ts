import * as z from "zod";
import { describeZodError } from "../jsonrpc.js";
import { isRecord, omittableField } from "./helpers.js";
import { ResponseItem } from "./items.js";

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
