// Builders for scripted Responses API output: output items, the SSE events that stream them, and
// whole script entries (one entry answers one POST /v1/responses).

/** One server-sent event: `event: <type>` + `data: <json>`. `raw` bypasses JSON encoding. */
export interface SseEvent {
  type: string;
  data?: Record<string, unknown>;
  /** Written verbatim as the event block (must end without the blank line; it is added). */
  raw?: string;
}

/** A JSON object as it travels on the wire. */
export type JsonObject = Record<string, unknown>;

/** How one output item is streamed: its final shape plus the delta events sent before `done`. */
export interface ItemSpec {
  item: JsonObject;
  /** Events sent between `response.output_item.added` and `response.output_item.done`. */
  deltas: (outputIndex: number) => SseEvent[];
}

export interface Usage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens: number };
  total_tokens: number;
}

/** A scripted reply to one POST /v1/responses. */
export type ScriptEntry =
  | {
      kind: "stream";
      events: SseEvent[];
      /** Extra response headers (rate limits, `openai-model`, …). */
      headers?: Record<string, string>;
      /** Destroy the socket after this many events were written (a dropped stream). */
      cutAfter?: number;
      /** Keep the connection open after the last event until the client goes away. */
      hold?: boolean;
      /** Write each event only after this promise settles (lets a test pace the stream). */
      gate?: Promise<unknown>;
    }
  | {
      kind: "http_error";
      status: number;
      body: string;
      headers?: Record<string, string>;
    }
  | {
      /** Compute the reply from the request (e.g. echo something back). */
      kind: "dynamic";
      respond: (request: RecordedRequest) => ScriptEntry;
    };

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path without query, e.g. `/v1/responses`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed JSON body, or `undefined` when the body is not JSON. */
  body: any;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${++counter}`;

function splitText(text: string, deltas: number | string[] | undefined): string[] {
  if (Array.isArray(deltas)) return deltas;
  const n = Math.max(1, deltas ?? 1);
  if (n === 1 || text.length === 0) return [text];
  const size = Math.ceil(text.length / n);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

export interface MessageOptions {
  /** `commentary` or `final_answer` (Codex's assistant message phase). Omitted when unset. */
  phase?: "commentary" | "final_answer" | (string & {});
  id?: string;
  /** Number of text deltas to split the text into, or the exact deltas. Default 1. */
  deltas?: number | string[];
}

export interface ReasoningOptions {
  id?: string;
  /** Raw reasoning content (streamed as `response.reasoning_text.delta`). */
  content?: string[];
  encryptedContent?: string;
}

export interface CallOptions {
  callId?: string;
  id?: string;
}

/** Output item builders. Each returns an {@link ItemSpec} to pass to {@link turn}. */
export const sse = {
  /** An assistant message, text streamed as `response.output_text.delta` events. */
  message(text: string, options: MessageOptions = {}): ItemSpec {
    const id = options.id ?? nextId("msg");
    const item: JsonObject = {
      type: "message",
      id,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text, annotations: [] }],
    };
    if (options.phase !== undefined) item.phase = options.phase;
    return {
      item,
      deltas: (outputIndex) =>
        splitText(text, options.deltas).map((delta) => ({
          type: "response.output_text.delta",
          data: { item_id: id, output_index: outputIndex, content_index: 0, delta },
        })),
    };
  },

  /** A reasoning item with summary parts (streamed as `response.reasoning_summary_text.delta`). */
  reasoning(summary: string | string[], options: ReasoningOptions = {}): ItemSpec {
    const id = options.id ?? nextId("rs");
    const parts = Array.isArray(summary) ? summary : [summary];
    const item: JsonObject = {
      type: "reasoning",
      id,
      summary: parts.map((text) => ({ type: "summary_text", text })),
    };
    if (options.content) item.content = options.content.map((text) => ({ type: "reasoning_text", text }));
    if (options.encryptedContent !== undefined) item.encrypted_content = options.encryptedContent;
    return {
      item,
      deltas: (outputIndex) => {
        const events: SseEvent[] = [];
        parts.forEach((text, summaryIndex) => {
          events.push({
            type: "response.reasoning_summary_part.added",
            data: { item_id: id, output_index: outputIndex, summary_index: summaryIndex },
          });
          events.push({
            type: "response.reasoning_summary_text.delta",
            data: { item_id: id, output_index: outputIndex, summary_index: summaryIndex, delta: text },
          });
        });
        (options.content ?? []).forEach((text, contentIndex) => {
          events.push({
            type: "response.reasoning_text.delta",
            data: { item_id: id, output_index: outputIndex, content_index: contentIndex, delta: text },
          });
        });
        return events;
      },
    };
  },

  /** A function tool call. `args` is JSON-encoded unless already a string (send invalid JSON that way). */
  functionCall(name: string, args: unknown, options: CallOptions = {}): ItemSpec {
    const id = options.id ?? nextId("fc");
    const callId = options.callId ?? nextId("call");
    const argumentsText = typeof args === "string" ? args : JSON.stringify(args);
    return {
      item: { type: "function_call", id, call_id: callId, name, arguments: argumentsText, status: "completed" },
      deltas: (outputIndex) => [
        {
          type: "response.function_call_arguments.delta",
          data: { item_id: id, output_index: outputIndex, delta: argumentsText },
        },
      ],
    };
  },

  /** A custom (freeform) tool call, e.g. `apply_patch` with the patch text as input. */
  customToolCall(name: string, input: string, options: CallOptions = {}): ItemSpec {
    const id = options.id ?? nextId("ctc");
    const callId = options.callId ?? nextId("call");
    return {
      item: { type: "custom_tool_call", id, call_id: callId, name, input, status: "completed" },
      deltas: (outputIndex) => [
        {
          type: "response.custom_tool_call_input.delta",
          data: { item_id: id, output_index: outputIndex, delta: input },
        },
      ],
    };
  },

  /** A hosted web search call (the model searched; nothing for the client to run). */
  webSearch(query: string, options: { id?: string } = {}): ItemSpec {
    const id = options.id ?? nextId("ws");
    return {
      item: { type: "web_search_call", id, status: "completed", action: { type: "search", query } },
      deltas: () => [],
    };
  },

  /** Any item verbatim, streamed with no deltas. */
  item(item: JsonObject): ItemSpec {
    return { item, deltas: () => [] };
  },
};

/** A usage object with consistent totals. */
export function usage(input: number, output: number, extra: { cached?: number; reasoning?: number } = {}): Usage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: extra.cached ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: extra.reasoning ?? 0 },
    total_tokens: input + output,
  };
}

export interface TurnOptions {
  responseId?: string;
  usage?: Usage;
  headers?: Record<string, string>;
  /** Model reported in `response.created` (differs from the request's to simulate a reroute). */
  model?: string;
  /** Skip the final `response.completed` and keep the stream open until the client leaves. */
  hold?: boolean;
  gate?: Promise<unknown>;
}

/** The SSE events of one full response: created, each item (added, deltas, done), completed. */
export function responseEvents(items: ItemSpec[], options: TurnOptions = {}): SseEvent[] {
  const responseId = options.responseId ?? nextId("resp");
  const created: JsonObject = { id: responseId, status: "in_progress" };
  if (options.model !== undefined) created.model = options.model;
  const events: SseEvent[] = [{ type: "response.created", data: { response: created } }];
  items.forEach((spec, outputIndex) => {
    events.push({ type: "response.output_item.added", data: { output_index: outputIndex, item: spec.item } });
    events.push(...spec.deltas(outputIndex));
    events.push({ type: "response.output_item.done", data: { output_index: outputIndex, item: spec.item } });
  });
  if (!options.hold) {
    events.push({
      type: "response.completed",
      data: {
        response: {
          id: responseId,
          status: "completed",
          output: items.map((spec) => spec.item),
          usage: options.usage ?? usage(10, 5),
        },
      },
    });
  }
  return events;
}

/** A script entry answering one request with the given output items. */
export function turn(items: ItemSpec | ItemSpec[], options: TurnOptions = {}): ScriptEntry {
  const list = Array.isArray(items) ? items : [items];
  const entry: ScriptEntry = { kind: "stream", events: responseEvents(list, options) };
  if (options.headers) entry.headers = options.headers;
  if (options.hold) entry.hold = true;
  if (options.gate) entry.gate = options.gate;
  return entry;
}

/** Injected failures. */
export const fail = {
  /** An HTTP error status; `retryAfter` (seconds) sets the `retry-after` header. */
  status(status: number, options: { retryAfter?: number; body?: unknown; headers?: Record<string, string> } = {}): ScriptEntry {
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    if (options.retryAfter !== undefined) headers["retry-after"] = String(options.retryAfter);
    const body =
      options.body === undefined
        ? { error: { message: `fake server: injected ${status}`, type: status === 429 ? "rate_limit_exceeded" : "server_error" } }
        : options.body;
    return { kind: "http_error", status, body: typeof body === "string" ? body : JSON.stringify(body), headers };
  },
  /** A 429 with `retry-after`. */
  rateLimited(retryAfterSeconds = 0): ScriptEntry {
    return fail.status(429, { retryAfter: retryAfterSeconds });
  },
  /** Streams the given items but drops the connection after `afterEvents` events (default: before completion). */
  cutStream(items: ItemSpec | ItemSpec[] = [], afterEvents?: number): ScriptEntry {
    const events = responseEvents(Array.isArray(items) ? items : [items]);
    return { kind: "stream", events, cutAfter: afterEvents ?? events.length - 1 };
  },
  /** A stream whose event data is not JSON, then the connection ends without `response.completed`. */
  malformed(): ScriptEntry {
    return {
      kind: "stream",
      events: [
        { type: "response.created", data: { response: { id: nextId("resp") } } },
        { type: "response.output_item.done", raw: "event: response.output_item.done\ndata: {not json" },
      ],
    };
  },
  /** A stream ending with `response.failed` carrying the given error. */
  responseFailed(code: string, message: string): ScriptEntry {
    const id = nextId("resp");
    return {
      kind: "stream",
      events: [
        { type: "response.created", data: { response: { id } } },
        { type: "response.failed", data: { response: { id, status: "failed", error: { code, message } } } },
      ],
    };
  },
};

/** Encode one event as an SSE block (terminated by a blank line). */
export function encodeEvent(event: SseEvent): string {
  if (event.raw !== undefined) return `${event.raw}\n\n`;
  const data = { type: event.type, ...(event.data ?? {}) };
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
