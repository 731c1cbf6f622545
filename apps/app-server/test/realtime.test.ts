/**
 * Realtime conversations through the built server against a fake Realtime API websocket server:
 * thread/realtime/start connects to `<experimental_realtime_ws_base_url>/v1/realtime?model=…` with
 * the provider's key and sends session.update; appendText / appendAudio become realtime client
 * events; server events become thread/realtime/* notifications (schema-checked by the harness);
 * a `background_agent` call runs a Codex turn whose answer goes back; stop closes.
 */
import { sse, startFakeRealtimeServer, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { type AppServerProcess, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/** Calls an experimental realtime method (not in the stable method table); fails on an error. */
async function realtimeCall(
  server: AppServerProcess,
  method: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const response = await server.request(method, params);
  if (response.error) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
  return response.result;
}

async function boot(realtimeUrl: string, extra = "") {
  const server = await fx.bootWithConfig(
    `experimental_realtime_ws_base_url = "${realtimeUrl}"\n${extra}\n${fx.fake.configToml({ model: "gpt-test" })}`,
  );
  experimentalResponsesOnly(server);
  return server;
}

/**
 * The thread/realtime/* methods are experimental, so the stable 0.169 schema the harness checks
 * has no response definitions for them: their responses are checked here against the experimental
 * schema's shapes instead (empty objects, as Codex answers; `listVoices` is not called here).
 */
function experimentalResponsesOnly(server: { schemaProblems: string[] }): void {
  const problems = server.schemaProblems;
  const push = problems.push.bind(problems);
  problems.push = (...items: string[]) => {
    for (const item of items) {
      const match = /^unchecked: no known response definition for thread\/realtime\/\w+\n {2}in (.*)$/s.exec(
        item,
      );
      const response = match ? (JSON.parse(match[1]!) as { result?: unknown }) : undefined;
      if (response && JSON.stringify(response.result) === "{}") continue;
      push(item);
    }
    return problems.length;
  };
}

describe("thread/realtime", () => {
  it("starts, relays text and audio both ways, hands off to a Codex turn, and stops", async () => {
    const rt = await startFakeRealtimeServer({
      WebSocketServer,
      reply: (message) =>
        message.type === "conversation.item.create" && JSON.stringify(message).includes("[USER] hello")
          ? [
              { type: "conversation.item.added", item: { id: "it-user", type: "message", role: "user" } },
              { type: "response.output_text.delta", item_id: "it-a", delta: "Hel" },
              { type: "response.output_text.delta", item_id: "it-a", delta: "lo" },
              { type: "response.output_text.done", item_id: "it-a", text: "Hello" },
              { type: "response.output_audio.delta", item_id: "it-a", delta: "AAAA" },
            ]
          : undefined,
    });
    try {
      fx.fake.enqueue(turn([sse.message("THE-AGENT-ANSWER-99", { phase: "final_answer" })]));
      const s = await boot(rt.url);
      const { thread } = await s.call("thread/start", { cwd: fx.workDir });

      await realtimeCall(s, "thread/realtime/start", { threadId: thread.id, outputModality: "text" });
      const started = await s.waitForNotification("thread/realtime/started");
      expect(started.params).toEqual({ threadId: thread.id, realtimeSessionId: thread.id, version: "v2" });
      const connection = rt.connections[0]!;
      expect(connection.url).toBe("/v1/realtime?model=gpt-realtime-1.5");
      expect(connection.headers.authorization).toBe("Bearer test-key");
      expect(connection.headers["thread-id"]).toBe(thread.id);
      const [update] = await rt.waitForMessages(1);
      expect(update).toMatchObject({
        type: "session.update",
        session: { type: "realtime", output_modalities: ["text"] },
      });
      expect(JSON.stringify(update)).toContain("background_agent");

      await realtimeCall(s, "thread/realtime/appendText", { threadId: thread.id, text: "hello" });
      await realtimeCall(s, "thread/realtime/appendAudio", {
        threadId: thread.id,
        audio: { data: "UklGRg==", sampleRate: 24000, numChannels: 1 },
      });
      const messages = await rt.waitForMessages(3);
      expect(messages[1]).toEqual({
        type: "conversation.item.create",
        item: { type: "message", role: "user", content: [{ type: "input_text", text: "[USER] hello" }] },
      });
      expect(messages[2]).toEqual({ type: "input_audio_buffer.append", audio: "UklGRg==" });

      const done = await s.waitForNotification("thread/realtime/transcript/done");
      expect(done.params).toEqual({ threadId: thread.id, role: "assistant", text: "Hello" });
      expect(s.notifications("thread/realtime/transcript/delta").map((n) => n.params.delta)).toEqual([
        "Hel",
        "lo",
      ]);
      const segment = s
        .notifications("thread/realtime/item/completed")
        .find((n) => n.params.item.type === "transcriptSegment");
      expect(segment?.params.item).toMatchObject({
        type: "transcriptSegment",
        role: "assistant",
        text: "Hello",
      });
      const audio = await s.waitForNotification("thread/realtime/outputAudio/delta");
      expect(audio.params.audio).toMatchObject({
        data: "AAAA",
        sampleRate: 24000,
        numChannels: 1,
        itemId: "it-a",
      });
      expect((await s.waitForNotification("thread/realtime/itemAdded")).params.item).toMatchObject({
        id: "it-user",
      });

      // The realtime model delegates: a Codex turn runs and its answer is the call's output.
      rt.send({
        type: "conversation.item.done",
        item: {
          id: "it-call",
          type: "function_call",
          name: "background_agent",
          call_id: "call-7",
          arguments: '{"prompt":"list the files"}',
        },
      });
      const handed = await rt.waitForMessages(5, 30_000);
      expect(handed[3]).toEqual({
        type: "conversation.item.create",
        item: { type: "function_call_output", call_id: "call-7", output: "THE-AGENT-ANSWER-99" },
      });
      expect(handed[4]).toEqual({ type: "response.create" });
      expect(JSON.stringify(fx.fake.responsesRequests()[0]?.body)).toContain("list the files");

      await realtimeCall(s, "thread/realtime/stop", { threadId: thread.id });
      const closed = await s.waitForNotification("thread/realtime/closed");
      expect(closed.params).toEqual({ threadId: thread.id, reason: "requested" });
      const items = s.notifications("thread/realtime/item/completed").map((n) => n.params.item);
      expect(items[0]).toMatchObject({ type: "realtimeSessionStarted", realtimeSessionId: thread.id });
      expect(items.at(-1)).toMatchObject({ type: "realtimeSessionClosed", outcome: "ended" });
      await expect.poll(() => connection.closed).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it("reports a dropped connection as closed, refuses appends without a conversation, and names an unreachable server", async () => {
    const rt = await startFakeRealtimeServer({ WebSocketServer });
    try {
      const s = await boot(rt.url, 'experimental_realtime_ws_model = "my-realtime"');
      const { thread } = await s.call("thread/start", { cwd: fx.workDir });
      const early = await s.request("thread/realtime/appendText", { threadId: thread.id, text: "x" });
      expect(early.error?.message).toContain("no realtime conversation");

      await realtimeCall(s, "thread/realtime/start", {
        threadId: thread.id,
        outputModality: "audio",
        voice: "marin",
      });
      expect(rt.connections[0]!.url).toBe("/v1/realtime?model=my-realtime");
      const [update] = await rt.waitForMessages(1);
      expect(update).toMatchObject({
        session: { output_modalities: ["audio"], audio: { output: { voice: "marin" } } },
      });
      const again = await s.request("thread/realtime/start", { threadId: thread.id, outputModality: "text" });
      expect(again.error?.message).toContain("already has a realtime conversation");

      rt.drop();
      const closed = await s.waitForNotification("thread/realtime/closed");
      expect(closed.params).toEqual({ threadId: thread.id, reason: "transport closed" });
      const last = s.notifications("thread/realtime/item/completed").at(-1);
      expect(last?.params.item).toMatchObject({ type: "realtimeSessionClosed", outcome: "failed" });

      // A new conversation after the drop works; one to a server that is gone fails with a message.
      await rt.close();
      const refused = await s.request("thread/realtime/start", {
        threadId: thread.id,
        outputModality: "text",
      });
      expect(refused.error?.message).toContain("cannot connect to the realtime model");
    } finally {
      await rt.close().catch(() => {});
    }
  });

  it("ends with its thread (archived)", async () => {
    const rt = await startFakeRealtimeServer({ WebSocketServer });
    try {
      fx.fake.enqueue(turn([sse.message("hi")]));
      const s = await boot(rt.url);
      const { thread } = await s.call("thread/start", { cwd: fx.workDir });
      await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "hi" }] });
      await s.waitForNotification("turn/completed");
      await realtimeCall(s, "thread/realtime/start", { threadId: thread.id, outputModality: "text" });
      await s.call("thread/archive", { threadId: thread.id });
      const closed = await s.waitForNotification("thread/realtime/closed");
      expect(closed.params).toEqual({ threadId: thread.id, reason: "thread closed" });
      await expect.poll(() => rt.connections[0]?.closed).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it("needs the experimental API", async () => {
    const rt = await startFakeRealtimeServer({ WebSocketServer });
    try {
      await boot(rt.url);
      const stable = await fx.spawn({ codexHome: fx.home });
      await stable.initialize({});
      const { thread } = await stable.call("thread/start", { cwd: fx.workDir });
      const refused = await stable.request("thread/realtime/start", {
        threadId: thread.id,
        outputModality: "text",
      });
      expect(refused.error?.message).toContain("requires experimentalApi");
      expect(rt.connections).toHaveLength(0);
    } finally {
      await rt.close();
    }
  });
});
