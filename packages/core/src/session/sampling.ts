// Sampling: the request a turn sends, one model request with retries (stream_error "Reconnecting…"
// between attempts), token usage and the error a failed request becomes.
import type { CodexErrorInfo, ResponseItem, TokenUsage } from "@codex-ts/protocol";
import {
  backoffMs,
  ModelClient,
  type ModelError,
  type ModelEvent,
  type ResponsesRequest,
} from "../client/model-client.js";
import { providerRequestRetries, providerStreamRetries } from "../client/provider.js";
import { requestReasoning } from "../client/reasoning.js";
import { effectiveServiceTier } from "../client/service-tier.js";
import { requestInput, requestMetadata } from "../context/request.js";
import { Aborted, type SessionState } from "./state.js";
import { sampleOnce } from "./stream.js";

export type SampleResult =
  | { ok: true; items: ResponseItem[] }
  | { ok: false; error: ModelError; retriesSpent: boolean };

/**
 * One model request with retries. Returns the completed output items, or a ModelError after
 * the retries are spent. Throws Aborted on interrupt.
 */
export async function sample(
  s: SessionState,
  subId: string,
  turnId: string,
  request: ResponsesRequest,
  signal: AbortSignal,
  emitItems: boolean,
): Promise<SampleResult> {
  const provider = s.settingsState.provider;
  const requestRetries = s.options.retry?.requestMaxRetries ?? providerRequestRetries(provider);
  const streamRetries = s.options.retry?.streamMaxRetries ?? providerStreamRetries(provider);
  let attempt = 0;
  for (;;) {
    const result = await sampleOnce(s, subId, turnId, request, signal, emitItems);
    if (result.ok) return result;
    const error = result.error;
    if (signal.aborted || error.kind === "aborted") throw new Aborted();
    const max = error.kind === "http" ? requestRetries : streamRetries;
    if (!error.retryable || attempt >= max) return { ok: false, error, retriesSpent: error.retryable };
    attempt++;
    const delay = backoffMs(attempt, error.retryAfterMs, s.options.retry?.baseDelayMs ?? 200);
    s.emit(subId, {
      type: "stream_error",
      message: `Reconnecting... ${attempt}/${max}`,
      additional_details: error.message,
      codex_error_info: { response_stream_disconnected: { http_status_code: error.status ?? null } },
    });
    await sleep(delay, signal);
  }
}

/** The Responses request for `input` with the session's settings. */
export function buildRequest(
  s: SessionState,
  input: readonly ResponseItem[],
  tools: unknown[],
  outputSchema?: unknown,
): ResponsesRequest {
  const settings = s.settingsState;
  const { reasoning, include, verbosity } = requestReasoning(
    settings.model,
    settings.reasoningEffort,
    settings.reasoningSummary,
  );
  const request: ResponsesRequest = {
    model: settings.model,
    stream: true,
    // As Codex 0.169: no `instructions` field; the base instructions open the input as a developer
    // message. Item ids are not sent back (with store: false the server does not know them).
    input: requestInput(s, input).map(withoutId),
    tools,
    tool_choice: "auto",
    // As Codex 0.169: true whenever tools are offered (the turn runs the calls one after another).
    parallel_tool_calls: tools.length > 0,
    reasoning,
    store: false,
    include,
    // The session id (a root thread's own id; sub-agents share their root's cache key, as in Codex).
    prompt_cache_key: s.sessionId,
  };
  const tier = effectiveServiceTier(settings.serviceTier, settings.model);
  if (tier) request.service_tier = tier;
  if (outputSchema !== undefined || verbosity) {
    request.text = {
      ...(verbosity ? { verbosity } : {}),
      ...(outputSchema !== undefined
        ? { format: { type: "json_schema", name: "codex_output_schema", schema: outputSchema, strict: true } }
        : {}),
    };
  }
  request.client_metadata = requestMetadata(s);
  return request;
}

export function modelClient(s: SessionState): ModelClient {
  return new ModelClient({
    provider: s.settingsState.provider,
    env: s.env,
    // As Codex 0.169: `session-id` is shared by a root thread and its sub-agents, `thread-id` is this thread's.
    headers: {
      "session-id": s.sessionId,
      "thread-id": s.threadId,
      originator: "codex_ts",
      ...(s.options.headers ?? {}),
    },
    ...(s.options.fetch ? { fetch: s.options.fetch } : {}),
    ...(s.options.storedApiKey ? { storedApiKey: s.options.storedApiKey } : {}),
  });
}

/** Add a response's usage to the session's totals and emit `token_count`. */
export function recordUsage(
  s: SessionState,
  subId: string,
  usage: NonNullable<Extract<ModelEvent, { type: "completed" }>["usage"]>,
): void {
  const last: TokenUsage = {
    input_tokens: usage.input_tokens,
    cached_input_tokens: usage.input_tokens_details?.cached_tokens ?? 0,
    output_tokens: usage.output_tokens,
    reasoning_output_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    total_tokens: usage.total_tokens,
  };
  const t = s.totalUsage;
  s.totalUsage = {
    input_tokens: t.input_tokens + last.input_tokens,
    cached_input_tokens: t.cached_input_tokens + last.cached_input_tokens,
    output_tokens: t.output_tokens + last.output_tokens,
    reasoning_output_tokens: t.reasoning_output_tokens + last.reasoning_output_tokens,
    total_tokens: t.total_tokens + last.total_tokens,
  };
  s.lastTotalTokens = last.total_tokens;
  const snapshots = s.services.rateLimits;
  const codex = snapshots.codex ?? Object.values(snapshots)[0];
  s.emit(subId, {
    type: "token_count",
    info: {
      total_token_usage: { ...s.totalUsage },
      last_token_usage: last,
      model_context_window: s.contextWindow() ?? null,
    },
    rate_limits: codex ? { ...codex } : null,
  });
}

/** The `error` event a failed request becomes (with Codex's `codex_error_info`). */
export function emitTurnError(
  s: SessionState,
  subId: string,
  error: ModelError,
  retriesSpent: boolean,
): void {
  const status = error.status ?? null;
  let info: CodexErrorInfo;
  let message = error.message;
  if (error.kind === "context_window_exceeded") info = "context_window_exceeded";
  else if (error.kind === "quota_exceeded") info = "usage_limit_exceeded";
  else if (error.kind === "auth") info = "unauthorized";
  else if (error.kind === "http" && retriesSpent) {
    info = { response_too_many_failed_attempts: { http_status_code: status } };
    message = `exceeded retry limit, last error: ${error.message}`;
  } else if (error.kind === "http")
    info = status === 400 ? "bad_request" : { http_connection_failed: { http_status_code: status } };
  else if (error.kind === "stream" || error.kind === "protocol")
    info = { response_stream_disconnected: { http_status_code: status } };
  else info = "other";
  s.emit(subId, { type: "error", message, codex_error_info: info });
}

function withoutId(item: ResponseItem): unknown {
  if (!("id" in item) || item.id === undefined) return item;
  const { id: _id, ...rest } = item;
  return rest;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
