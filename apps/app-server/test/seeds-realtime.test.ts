/**
 * Realtime request params through the built app-server (issue 28): validated with
 * @codex-ts/protocol's zod of Codex 0.169's experimental schema, so a malformed request is -32602
 * naming the field and never reaches the realtime model.
 */
import { startFakeRealtimeServer } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("thread/realtime params", () => {
  it("refuses malformed params with -32602 naming the field, before connecting", async () => {
    const rt = await startFakeRealtimeServer({ WebSocketServer });
    try {
      const server = await fx.bootWithConfig(
        `experimental_realtime_ws_base_url = "${rt.url}"\n${fx.fake.configToml({ model: "gpt-test" })}`,
      );
      const { thread } = await server.call("thread/start", { cwd: fx.workDir });
      const threadId = thread.id;
      const audio = { data: "AAAA", numChannels: 1, sampleRate: 24000 };
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ["thread/realtime/start", { threadId }, /outputModality/],
        ["thread/realtime/start", { threadId, outputModality: "video" }, /outputModality/],
        ["thread/realtime/start", { threadId, outputModality: "text", voice: "darth" }, /voice/],
        ["thread/realtime/start", { threadId, outputModality: "text", transport: { type: "webrtc" } }, /transport/],
        ["thread/realtime/start", { threadId, outputModality: "text", initialItems: [{ role: "system", text: "x" }] }, /initialItems/],
        ["thread/realtime/appendAudio", { threadId, audio: { ...audio, sampleRate: -1 } }, /audio\.sampleRate/],
        ["thread/realtime/appendText", { threadId, text: "hi", role: "robot" }, /role/],
        ["thread/realtime/appendSpeech", { threadId }, /text/],
        ["thread/realtime/stop", {}, /threadId/],
      ];
      for (const [method, params, field] of cases) {
        const { error } = await server.request(method, params);
        expect(error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
        expect(error?.message, `${method} ${JSON.stringify(params)}`).toMatch(field);
      }
      expect(rt.connections).toHaveLength(0);
    } finally {
      await rt.close();
    }
  });
});
