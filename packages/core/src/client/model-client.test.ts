import { fail, sse, startFakeResponsesServer, turn, usage, type FakeResponsesServer } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { clientMetadata } from "./metadata.js";
import { ModelClient, ModelError, type ModelEvent, type ResponsesRequest } from "./model-client.js";
import type { ModelProviderInfo } from "./provider.js";
import { resolveApiKey } from "./provider.js";

let server: FakeResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request: ResponsesRequest = {
  model: "gpt-test",
  instructions: "be brief",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  tools: [],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: null,
  store: false,
  stream: true,
  include: [],
};

function provider(url: string, extra: Partial<ModelProviderInfo> = {}): ModelProviderInfo {
  return { name: "fake", base_url: url, wire_api: "responses", env_key: "FAKE_KEY", ...extra };
}

async function collect(client: ModelClient, signal?: AbortSignal): Promise<{ events: ModelEvent[]; error?: ModelError }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of client.stream(request, signal)) events.push(event);
    return { events };
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    return { events, error };
  }
}

describe("ModelClient", () => {
  it("repeats the request's client metadata in headers, as Codex 0.169", async () => {
    server = await startFakeResponsesServer({ script: [turn([sse.message("ok")])] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    const metadata = clientMetadata({
      sessionId: "s-1",
      threadId: "t-1",
      turnId: "turn-1",
      rootTurnId: "turn-0",
      windowNumber: 2,
      model: "gpt-test",
      sandboxMode: "read-only",
      requestKind: "turn",
    });
    for await (const _ of client.stream({ ...request, client_metadata: metadata })) {
      // drain
    }
    const sent = server.responsesRequests()[0]!;
    expect(sent.body.client_metadata).toEqual(metadata);
    expect(metadata).toMatchObject({ session_id: "s-1", thread_id: "t-1", turn_id: "turn-1", root_turn_id: "turn-0", "x-codex-window-id": "t-1:2" });
    expect(JSON.parse(metadata["x-codex-turn-metadata"]!)).toEqual({
      session_id: "s-1",
      thread_id: "t-1",
      turn_id: "turn-1",
      window_id: "t-1:2",
      window_number: 2,
      request_kind: "turn",
      root_turn_id: "turn-0",
      sandbox_mode: "read-only",
      model: "gpt-test",
    });
    expect(sent.headers["x-codex-turn-metadata"]).toBe(metadata["x-codex-turn-metadata"]);
    expect(sent.headers["x-codex-window-id"]).toBe("t-1:2");
    expect(sent.headers["x-client-request-id"]).toBe("t-1");
  });

  it("posts the request with auth, provider headers and query params, and yields parsed events", async () => {
    server = await startFakeResponsesServer({
      script: [
        turn([sse.reasoning("hmm"), sse.message("hello", { phase: "final_answer", deltas: 2 })], {
          usage: usage(12, 4, { cached: 2 }),
          headers: {
            "x-codex-primary-used-percent": "12.5",
            "x-codex-primary-window-minutes": "300",
            "x-codex-other-primary-used-percent": "80",
            "x-codex-other-limit-name": "Other limit",
          },
        }),
      ],
    });
    const client = new ModelClient({
      provider: provider(server.url, {
        http_headers: { "x-static": "s" },
        env_http_headers: { "x-from-env": "FROM_ENV" },
        query_params: { "api-version": "2025-01-01" },
      }),
      env: { FAKE_KEY: "sk-test", FROM_ENV: "e" },
      headers: { session_id: "abc" },
    });
    const { events, error } = await collect(client);
    expect(error).toBeUndefined();
    const sent = server.responsesRequests()[0]!;
    expect(sent.query).toEqual({ "api-version": "2025-01-01" });
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(sent.headers["x-static"]).toBe("s");
    expect(sent.headers["x-from-env"]).toBe("e");
    expect(sent.headers.session_id).toBe("abc");
    expect(sent.body).toMatchObject({ model: "gpt-test", stream: true, instructions: "be brief" });
    expect(sent.headers["x-codex-window-id"]).toBeUndefined();

    const rateLimits = events.find((e) => e.type === "rate_limits");
    expect(rateLimits).toEqual({
      type: "rate_limits",
      snapshots: {
        codex: { limit_id: "codex", primary: { used_percent: 12.5, window_minutes: 300 } },
        codex_other: { limit_id: "codex_other", limit_name: "Other limit", primary: { used_percent: 80 } },
      },
    });
    const deltas = events.flatMap((e) => (e.type === "output_text_delta" ? [e.delta] : []));
    expect(deltas.join("")).toBe("hello");
    expect(events.some((e) => e.type === "reasoning_summary_delta" && e.delta === "hmm")).toBe(true);
    const done = events.flatMap((e) => (e.type === "output_item_done" ? [e.item] : []));
    expect(done.map((i) => i.type)).toEqual(["reasoning", "message"]);
    const completed = events.at(-1);
    expect(completed).toMatchObject({ type: "completed", usage: { input_tokens: 12, output_tokens: 4, total_tokens: 16 } });
  });

  it("reports HTTP failures as retryable ModelErrors honouring retry-after", async () => {
    server = await startFakeResponsesServer({ script: [fail.rateLimited(2), fail.status(500), fail.status(400)] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    const first = await collect(client);
    expect(first.error).toMatchObject({ kind: "http", status: 429, retryable: true, retryAfterMs: 2000 });
    const second = await collect(client);
    expect(second.error).toMatchObject({ kind: "http", status: 500, retryable: true });
    expect(second.error?.message).toContain("injected 500");
    const third = await collect(client);
    expect(third.error).toMatchObject({ kind: "http", status: 400, retryable: false });
  });

  it("treats a cut stream and malformed SSE as retryable stream errors", async () => {
    server = await startFakeResponsesServer({ script: [fail.cutStream(sse.message("partial"), 2), fail.malformed()] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    const cut = await collect(client);
    expect(cut.error).toMatchObject({ kind: "stream", retryable: true });
    const malformed = await collect(client);
    expect(malformed.error).toMatchObject({ kind: "protocol", retryable: true });
  });

  it("maps response.failed codes", async () => {
    server = await startFakeResponsesServer({
      script: [fail.responseFailed("context_length_exceeded", "too long"), fail.responseFailed("rate_limit_exceeded", "Please try again in 1.5s")],
    });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    expect((await collect(client)).error).toMatchObject({ kind: "context_window_exceeded", retryable: false });
    expect((await collect(client)).error).toMatchObject({ retryable: true, retryAfterMs: 1500 });
  });

  it("fails with a clear auth error when the key is missing, without a request", async () => {
    server = await startFakeResponsesServer();
    const client = new ModelClient({ provider: provider(server.url), env: {} });
    const { error } = await collect(client);
    expect(error).toMatchObject({ kind: "auth", retryable: false });
    expect(error?.message).toContain("FAKE_KEY");
    expect(server.requests).toHaveLength(0);
    const openai: ModelProviderInfo = { name: "OpenAI", wire_api: "responses", requires_openai_auth: true };
    expect(resolveApiKey(openai, { CODEX_API_KEY: "c" })).toEqual({ ok: true, apiKey: "c", source: "CODEX_API_KEY" });
    expect(resolveApiKey(openai, { OPENAI_API_KEY: "o", CODEX_API_KEY: "c" })).toEqual({ ok: true, apiKey: "o", source: "OPENAI_API_KEY" });
    expect(resolveApiKey(openai, {}, "stored")).toEqual({ ok: true, apiKey: "stored", source: "auth.json" });
    expect(resolveApiKey(openai, {})).toMatchObject({ ok: false, error: expect.stringContaining("OPENAI_API_KEY") });
  });

  it("drops a stalled stream after the idle timeout as a retryable error", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("x"), { hold: true })] });
    const client = new ModelClient({ provider: provider(server.url, { stream_idle_timeout_ms: 300 }), env: { FAKE_KEY: "k" } });
    const { events, error } = await collect(client);
    expect(error).toMatchObject({ kind: "stream", retryable: true });
    expect(error?.message).toContain("idle");
    expect(events.some((e) => e.type === "output_item_done")).toBe(true);
  });

  it("stops a held stream when aborted", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("x"), { hold: true })] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    let error: unknown;
    try {
      for await (const event of client.stream(request, controller.signal)) {
        events.push(event);
        if (event.type === "output_item_done") controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: "aborted" });
    expect(events.some((e) => e.type === "output_item_done")).toBe(true);
  });

  it("reuses the kept-alive connection for the next request and reports a refused one as a retryable stream error", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("one")), turn(sse.message("two"))] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" } });
    expect((await collect(client)).error).toBeUndefined();
    // The first answer is complete, so its socket went back to the pool: the next request works.
    const second = await collect(client);
    expect(second.error).toBeUndefined();
    expect(second.events.some((e) => e.type === "completed")).toBe(true);
    const url = server.url;
    await server.close();
    server = undefined;
    const refused = await collect(new ModelClient({ provider: provider(url), env: { FAKE_KEY: "k" } }));
    expect(refused.error).toMatchObject({ kind: "stream", retryable: true });
    expect(refused.error?.message).toContain("ECONNREFUSED");
  });

  it("streams through an injected fetch", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("via fetch"))] });
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "k" }, fetch: counting });
    const { events, error } = await collect(client);
    expect(error).toBeUndefined();
    expect(calls).toBe(1);
    expect(events.filter((e) => e.type === "output_text_delta").map((e) => (e as { delta: string }).delta).join("")).toBe("via fetch");
  });
});

describe("header values HTTP forbids", () => {
  it("a pasted key with a Unicode ellipsis is one local, non-retryable error naming its variable; nothing is sent", async () => {
    server = await startFakeResponsesServer({ script: [turn([sse.message("never")])] });
    const client = new ModelClient({ provider: provider(server.url), env: { FAKE_KEY: "sk-…" } });
    const { events, error } = await collect(client);
    expect(events).toEqual([]);
    expect(error?.kind).toBe("auth");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toContain("FAKE_KEY");
    expect(error?.message).toContain("U+2026");
    expect(server.requests).toHaveLength(0);
  });

  it("a configured header with a newline is an invalid request naming the header", async () => {
    server = await startFakeResponsesServer({ script: [turn([sse.message("never")])] });
    const client = new ModelClient({
      provider: provider(server.url, { http_headers: { "x-team": "a\nb" } }),
      env: { FAKE_KEY: "sk-good" },
    });
    const { error } = await collect(client);
    expect(error?.kind).toBe("invalid_request");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toContain("x-team");
    expect(server.requests).toHaveLength(0);
  });
});
