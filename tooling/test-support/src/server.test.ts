import { afterEach, describe, expect, it } from "vitest";
import { fail, sse, startFakeResponsesServer, turn, usage, type FakeResponsesServer } from "./index.js";

let server: FakeResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function parseSse(text: string): Array<{ event: string; data: any }> {
  return text
    .split("\n\n")
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const dataLine = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      let data: unknown;
      try {
        data = JSON.parse(dataLine);
      } catch {
        data = dataLine;
      }
      return { event, data };
    });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("fake Responses server", () => {
  it("streams a scripted message with deltas, phase and usage, and records the request", async () => {
    server = await startFakeResponsesServer({
      script: [turn(sse.message("hello world", { phase: "final_answer", deltas: 2 }), { usage: usage(7, 3) })],
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await post(server.url, { model: "m", stream: true }, { authorization: "Bearer k" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[2]?.data.delta + events[3]?.data.delta).toBe("hello world");
    expect(events[4]?.data.item).toMatchObject({
      type: "message",
      role: "assistant",
      phase: "final_answer",
      content: [{ type: "output_text", text: "hello world" }],
    });
    expect(events[5]?.data.response.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toEqual({ model: "m", stream: true });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer k");
    expect(server.remaining()).toBe(0);
  });

  it("scripts tool calls, reasoning and web search items", async () => {
    server = await startFakeResponsesServer();
    server.enqueue(
      turn([
        sse.reasoning(["thinking"]),
        sse.functionCall("shell_command", { command: "ls" }, { callId: "c1" }),
        sse.customToolCall("apply_patch", "*** Begin Patch\n*** End Patch", { callId: "c2" }),
        sse.webSearch("weather"),
      ]),
    );
    const events = parseSse(await (await post(server.url, {})).text());
    const done = events.filter((e) => e.event === "response.output_item.done").map((e) => e.data.item);
    expect(done.map((i) => i.type)).toEqual(["reasoning", "function_call", "custom_tool_call", "web_search_call"]);
    expect(done[1]).toMatchObject({ name: "shell_command", call_id: "c1", arguments: '{"command":"ls"}' });
    expect(done[2]).toMatchObject({ name: "apply_patch", call_id: "c2", input: "*** Begin Patch\n*** End Patch" });
    expect(done[3]).toMatchObject({ action: { type: "search", query: "weather" } });
    expect(events.some((e) => e.event === "response.reasoning_summary_text.delta")).toBe(true);
  });

  it("injects HTTP failures with retry-after, and answers unscripted requests with a 500", async () => {
    server = await startFakeResponsesServer({ script: [fail.rateLimited(3), fail.status(500)] });
    const first = await post(server.url, {});
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect((await post(server.url, {})).status).toBe(500);
    const extra = await post(server.url, {});
    expect(extra.status).toBe(500);
    expect(await extra.text()).toContain("no scripted response left");
    expect(server.unscripted).toHaveLength(1);
  });

  it("cuts a stream mid-way and sends malformed SSE", async () => {
    server = await startFakeResponsesServer({ script: [fail.cutStream(sse.message("partial"), 2), fail.malformed()] });
    const cut = await post(server.url, {});
    await expect(cut.text()).rejects.toThrow();
    const malformed = await (await post(server.url, {})).text();
    expect(malformed).toContain("data: {not json");
    expect(malformed).not.toContain("response.completed");
  });

  it("holds a stream open until the client leaves, and waits for requests", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("x"), { hold: true })] });
    const waiting = server.waitForResponsesRequests(1);
    const res = await post(server.url, {});
    await waiting;
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("response.created");
    await reader.cancel();
  });

  it("serves GET /v1/models and dynamic entries", async () => {
    server = await startFakeResponsesServer({
      models: { models: [{ slug: "m1" }] },
      script: [{ kind: "dynamic", respond: (req) => turn(sse.message(`echo ${req.body.input}`)) }],
    });
    expect(await (await fetch(`${server.url}/models`)).json()).toEqual({ models: [{ slug: "m1" }] });
    const text = await (await post(server.url, { input: "ping" })).text();
    expect(text).toContain("echo ping");
  });

  it("renders a config.toml provider pointing at itself", async () => {
    server = await startFakeResponsesServer();
    const toml = server.configToml({ envKey: "MOCK_KEY", model: "gpt-test" });
    expect(toml).toContain('model_provider = "mock"');
    expect(toml).toContain(`base_url = "${server.url}"`);
    expect(toml).toContain('env_key = "MOCK_KEY"');
    expect(toml).toContain('model = "gpt-test"');
  });
});
