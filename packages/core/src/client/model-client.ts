// The model client: one POST {base_url}/responses with stream: true, parsed as SSE.
import { parseResponsesStreamEvent, type ResponseItem, type ResponseUsage } from "@codex-ts/protocol";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { invalidHeader } from "./headers.js";
import { metadataHeaders } from "./metadata.js";
import { fetchTransport, nodeTransport, type StreamingResponse, type Transport } from "./http.js";
import {
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  type Env,
  type ModelProviderInfo,
  providerHeaders,
  resolveApiKey,
  responsesUrl,
} from "./provider.js";
import { parseRateLimitHeaders, type RateLimitSnapshot } from "./rate-limits.js";

/**
 * The JSON body of a Responses request (only what Codex sends, in Codex 0.169's key order). There
 * is no `instructions` field: the base instructions are the first developer message of `input`.
 */
export interface ResponsesRequest {
  model: string;
  /** Never set by a session's requests; left for one-off requests of other features (memories). */
  instructions?: string;
  stream: true;
  input: unknown[];
  tools: unknown[];
  tool_choice: "auto";
  parallel_tool_calls: boolean;
  reasoning: { effort?: string; summary?: string } | null;
  store: boolean;
  include: string[];
  prompt_cache_key?: string;
  text?: unknown;
  /** `priority` / `flex` …, only when the thread has an effective tier (see service-tier.ts). */
  service_tier?: string;
  /** Ids of the session, thread, turn and context window (see metadata.ts). */
  client_metadata?: Record<string, string>;
}

/** What a streaming request yields, in order. */
export type ModelEvent =
  | { type: "created"; responseId?: string; model?: string }
  | { type: "rate_limits"; snapshots: Record<string, RateLimitSnapshot> }
  /** The model the server says it used (the `openai-model` header or `response.created`). */
  | { type: "server_model"; model: string }
  | { type: "output_item_added"; item: ResponseItem }
  | { type: "output_item_done"; item: ResponseItem }
  | { type: "output_text_delta"; itemId?: string; delta: string }
  | { type: "reasoning_summary_delta"; itemId?: string; summaryIndex: number; delta: string }
  | { type: "reasoning_summary_part_added"; itemId?: string; summaryIndex: number }
  | { type: "reasoning_content_delta"; itemId?: string; contentIndex: number; delta: string }
  | { type: "tool_input_delta"; itemId?: string; delta: string }
  | { type: "completed"; responseId: string; usage?: ResponseUsage };

export type ModelErrorKind =
  /** HTTP status error before streaming (429, 5xx, 4xx). */
  | "http"
  /** The connection failed or the stream dropped / stalled / ended without completion. */
  | "stream"
  /** Malformed SSE payload. */
  | "protocol"
  /** `response.failed` from the server. */
  | "response_failed"
  | "context_window_exceeded"
  | "quota_exceeded"
  | "auth"
  /** A request that can never be sent as configured (e.g. a header value HTTP forbids). */
  | "invalid_request"
  | "aborted";

/** A model request failure; `retryable` tells the turn loop whether to try again. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Server-requested delay before retrying (retry-after / "try again in"). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ModelError";
  }
}

export interface ModelClientOptions {
  provider: ModelProviderInfo;
  /** Environment for API keys and env headers (default process.env). */
  env?: Env;
  /** Extra headers on every request (originator, session id, …). */
  headers?: Record<string, string>;
  /** API key from auth.json, used when the environment has none (OpenAI-auth providers). */
  storedApiKey?: string;
  fetch?: typeof fetch;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** "Please try again in 1.5s" / "in 200ms" hints in rate-limit messages. */
function retryHintFromMessage(message: string | undefined): number | undefined {
  const match = message ? /try again in\s*([\d.]+)\s*(ms|s|seconds?)/i.exec(message) : null;
  if (!match?.[1]) return undefined;
  const value = Number(match[1]);
  return match[2] === "ms" ? value : value * 1000;
}

async function errorMessageFromBody(res: StreamingResponse): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    if (typeof parsed.error === "string") return parsed.error;
    if (parsed.error?.message) return parsed.error.message;
    if (parsed.message) return parsed.message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 2000);
}

/** Streams Responses API requests for one provider. Stateless between requests. */
export class ModelClient {
  readonly provider: ModelProviderInfo;
  private readonly env: Env;
  private readonly headers: Record<string, string>;
  private readonly transport: Transport;
  private readonly storedApiKey: string | undefined;

  constructor(options: ModelClientOptions) {
    this.provider = options.provider;
    this.env = options.env ?? process.env;
    this.headers = options.headers ?? {};
    this.transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport;
    this.storedApiKey = options.storedApiKey;
  }

  /**
   * Send one request and yield its events. Throws {@link ModelError} (only) on failure; the caller
   * decides about retries. `signal` aborts the request and the stream.
   */
  async *stream(request: ResponsesRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent, void, undefined> {
    const auth = resolveApiKey(this.provider, this.env, this.storedApiKey);
    if (!auth.ok) throw new ModelError("auth", auth.error, false);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...providerHeaders(this.provider, this.env),
      ...metadataHeaders(request.client_metadata),
      ...this.headers,
    };
    if (auth.apiKey) headers.authorization = `Bearer ${auth.apiKey}`;
    const badHeader = invalidHeader(headers, auth.source);
    if (badHeader) throw new ModelError(headers.authorization && /API key/.test(badHeader) ? "auth" : "invalid_request", badHeader, false);

    // One controller covers the caller's abort and our idle timeout.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) throw new ModelError("aborted", "request aborted", false);
    signal?.addEventListener("abort", onAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    let idleFired = false;
    const idleMs = this.provider.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleFired = true;
        controller.abort(new Error("idle"));
      }, idleMs);
    };
    const failure = (error: unknown): ModelError => {
      if (error instanceof ModelError) return error;
      if (signal?.aborted) return new ModelError("aborted", "request aborted", false);
      if (idleFired) return new ModelError("stream", `stream idle for ${idleMs} ms; connection dropped`, true);
      const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      return new ModelError("stream", `stream disconnected before completion: ${message}`, true);
    };

    try {
      resetIdle();
      let res: StreamingResponse;
      try {
        res = await this.transport(responsesUrl(this.provider), {
          headers,
          body: JSON.stringify(request),
          signal: controller.signal,
        });
      } catch (error) {
        throw failure(error);
      }

      if (res.status < 200 || res.status > 299) {
        const message = await errorMessageFromBody(res);
        const retryAfterMs = parseRetryAfter(res.headers.get("retry-after")) ?? retryHintFromMessage(message);
        const status = res.status;
        if (status === 401 || status === 403) {
          throw new ModelError("auth", `unauthorized (${status}): ${message}`, false, status);
        }
        if (status === 429 && /quota|billing|usage limit/i.test(message) && !/rate limit/i.test(message)) {
          throw new ModelError("quota_exceeded", `quota exceeded: ${message}`, false, status);
        }
        const retryable = status === 429 || status >= 500;
        throw new ModelError("http", `unexpected status ${status}: ${message || res.statusText}`, retryable, status, retryAfterMs);
      }

      const snapshots = parseRateLimitHeaders(res.headers);
      if (Object.keys(snapshots).length > 0) yield { type: "rate_limits", snapshots };
      const serverModel = res.headers.get("openai-model");
      if (serverModel) yield { type: "server_model", model: serverModel };
      if (!res.body) throw new ModelError("stream", "response has no body", true);

      const decoder = new TextDecoder();
      const messages: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (message) => messages.push(message) });
      const chunks = res.body[Symbol.asyncIterator]();
      try {
        for (;;) {
          let chunk: IteratorResult<Uint8Array>;
          try {
            chunk = await chunks.next();
          } catch (error) {
            throw failure(error);
          }
          if (chunk.done) break;
          resetIdle();
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          while (messages.length > 0) {
            const done = yield* this.handleMessage(messages.shift() as EventSourceMessage);
            if (done) return;
          }
        }
      } finally {
        // Stop reading whatever the server still sends (or release the body on errors).
        chunks.return?.()?.catch(() => {});
      }
      throw new ModelError("stream", "stream closed before response.completed", true);
    } finally {
      clearTimeout(idleTimer);
      signal?.removeEventListener("abort", onAbort);
      controller.abort();
    }
  }

  /** Handle one SSE message; returns true once the response completed. */
  private *handleMessage(message: EventSourceMessage): Generator<ModelEvent, boolean, undefined> {
    const parsed = parseResponsesStreamEvent(message.data);
    if (parsed.kind === "unknown") return false;
    if (parsed.kind === "invalid") {
      throw new ModelError("protocol", `malformed event from the model server: ${parsed.reason}`, true);
    }
    const event = parsed.event;
    switch (event.type) {
      case "response.created":
        yield { type: "created", responseId: event.response.id, model: event.response.model };
        if (event.response.model) yield { type: "server_model", model: event.response.model };
        return false;
      case "response.output_item.added":
        yield { type: "output_item_added", item: event.item };
        return false;
      case "response.output_item.done":
        yield { type: "output_item_done", item: event.item };
        return false;
      case "response.output_text.delta":
        yield { type: "output_text_delta", itemId: event.item_id, delta: event.delta };
        return false;
      case "response.reasoning_summary_text.delta":
        yield { type: "reasoning_summary_delta", itemId: event.item_id, summaryIndex: event.summary_index ?? 0, delta: event.delta };
        return false;
      case "response.reasoning_summary_part.added":
        yield { type: "reasoning_summary_part_added", itemId: event.item_id, summaryIndex: event.summary_index ?? 0 };
        return false;
      case "response.reasoning_text.delta":
        yield { type: "reasoning_content_delta", itemId: event.item_id, contentIndex: event.content_index ?? 0, delta: event.delta };
        return false;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        yield { type: "tool_input_delta", itemId: event.item_id, delta: event.delta };
        return false;
      case "response.completed":
        yield { type: "completed", responseId: event.response.id, usage: event.response.usage };
        return true;
      case "response.incomplete": {
        const reason = event.response.incomplete_details?.reason ?? "unknown";
        throw new ModelError("response_failed", `Incomplete response returned, reason: ${reason}`, false);
      }
      case "response.failed":
        throw this.failedError(event.response.error?.code, event.response.error?.message);
      case "error":
        throw this.failedError(event.code, event.message);
      default:
        return false;
    }
  }

  private failedError(code: string | undefined, message: string | undefined): ModelError {
    const text = message ?? code ?? "response.failed without details";
    if (code === "context_length_exceeded") {
      return new ModelError("context_window_exceeded", `context window exceeded: ${text}`, false);
    }
    if (code === "insufficient_quota") return new ModelError("quota_exceeded", `quota exceeded: ${text}`, false);
    if (code === "rate_limit_exceeded") {
      return new ModelError("response_failed", text, true, undefined, retryHintFromMessage(message));
    }
    if (code === "server_is_overloaded" || code === "slow_down" || code === "server_error") {
      return new ModelError("response_failed", text, true);
    }
    return new ModelError("response_failed", text, false);
  }
}

/** Exponential backoff with jitter: 200 ms · 2^(attempt-1) · [0.9, 1.1], capped, or the server's hint. */
export function backoffMs(attempt: number, retryAfterMs?: number, baseMs = 200): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(exp * (0.9 + Math.random() * 0.2), 60_000);
}
