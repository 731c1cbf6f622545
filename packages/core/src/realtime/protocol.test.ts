import { describe, expect, it } from "vitest";
import {
  parseRealtimeEvent,
  realtimeSettings,
  realtimeWebsocketUrl,
  sessionUpdate,
  textItem,
} from "./protocol.js";

const parse = (event: Record<string, unknown>) => parseRealtimeEvent(JSON.stringify(event));

describe("realtime websocket protocol (v2)", () => {
  it("builds Codex's URL from the configured base and model", () => {
    expect(realtimeWebsocketUrl("ws://127.0.0.1:9/", "m")).toBe("ws://127.0.0.1:9/v1/realtime?model=m");
    expect(realtimeWebsocketUrl("https://proxy.example/v1", "m")).toBe(
      "wss://proxy.example/v1/realtime?model=m",
    );
    expect(() => realtimeWebsocketUrl("ftp://x", "m")).toThrow(/unsupported/);
    expect(realtimeSettings({})).toEqual({ baseUrl: "wss://api.openai.com", model: "gpt-realtime-1.5" });
    expect(
      realtimeSettings({ experimental_realtime_ws_model: "x", experimental_realtime_ws_base_url: "ws://h" }),
    ).toMatchObject({
      baseUrl: "ws://h",
      model: "x",
    });
  });

  it("writes session.update and text items as Codex does", () => {
    const update = sessionUpdate({ outputModality: "audio", voice: "marin" });
    expect(update).toMatchObject({
      type: "session.update",
      session: {
        type: "realtime",
        output_modalities: ["audio"],
        audio: { output: { voice: "marin" } },
        tool_choice: "auto",
      },
    });
    expect(textItem("user", "hi")).toEqual({
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "input_text", text: "[USER] hi" }] },
    });
  });

  it("reads server events; unknown or malformed ones are ignored", () => {
    expect(parse({ type: "session.updated", session: { id: "s1" } })).toEqual({
      type: "session_updated",
      sessionId: "s1",
    });
    expect(
      parse({ type: "response.output_audio.delta", delta: "AA", item_id: "i", sample_rate: 16000 }),
    ).toEqual({
      type: "audio_out",
      frame: { data: "AA", sampleRate: 16000, numChannels: 1, samplesPerChannel: null, itemId: "i" },
    });
    expect(
      parse({
        type: "conversation.item.input_audio_transcription.completed",
        item_id: "u",
        transcript: "yo",
      }),
    ).toEqual({
      type: "transcript_done",
      role: "user",
      itemId: "u",
      text: "yo",
    });
    expect(
      parse({
        type: "conversation.item.done",
        item: {
          type: "function_call",
          name: "background_agent",
          call_id: "c",
          id: "i",
          arguments: '{"prompt":" do it "}',
        },
      }),
    ).toEqual({ type: "handoff_requested", callId: "c", itemId: "i", prompt: "do it" });
    expect(parse({ type: "error", error: { message: "bad" } })).toEqual({ type: "error", message: "bad" });
    expect(parse({ type: "response.done", response: { id: "r" } })).toEqual({
      type: "response_done",
      responseId: "r",
    });
    expect(parse({ type: "rate_limits.updated" })).toBeNull();
    expect(parseRealtimeEvent("not json")).toBeNull();
    expect(parse({ type: "response.output_audio.delta" })).toBeNull();
  });
});
