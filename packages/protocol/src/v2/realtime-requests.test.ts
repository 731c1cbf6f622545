import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AjvModule from "ajv";
import { describe, expect, it } from "vitest";
import { realtimeRequestParams } from "./realtime-requests.js";

// Codex 0.169's experimental definitions of these params, vendored beside the zod.
const schema = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "realtime-requests.schema.json"), "utf8"),
) as { definitions: Record<string, unknown> };
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: "realtime", definitions: schema.definitions });
const official = (name: string) => ajv.getSchema(`realtime#/definitions/${name}`)!;

const audio = { data: "AAAA", numChannels: 1, sampleRate: 24000, samplesPerChannel: 2, itemId: null };
const SAMPLES: Record<keyof typeof realtimeRequestParams, [string, unknown[]]> = {
  "thread/realtime/start": [
    "ThreadRealtimeStartParams",
    [
      { threadId: "t", outputModality: "audio" },
      { threadId: "t", outputModality: "text", voice: "marin", version: "v2", prompt: null, realtimeSessionId: "s" },
      { threadId: "t", outputModality: "text", transport: { type: "websocket" } },
      { threadId: "t", outputModality: "text", transport: { type: "webrtc", sdp: "v=0" } },
      { threadId: "t", outputModality: "text", transport: { type: "webrtc" } },
      { threadId: "t", outputModality: "text", transport: { type: "existingCall", callId: "c" } },
      { threadId: "t", outputModality: "text", transport: { type: "carrier-pigeon" } },
      { threadId: "t", outputModality: "text", initialItems: [{ role: "developer", text: "x" }] },
      { threadId: "t", outputModality: "text", initialItems: [{ role: "system", text: "x" }] },
      { threadId: "t", outputModality: "text", codexResponseHandoffMode: "bemTags", codexResponseHandoffChannelPrefixes: { final: ["[F]"] } },
      { threadId: "t", outputModality: "text", codexResponseHandoffMode: "loud" },
      { threadId: "t", outputModality: "text", backendReasoningStatus: null },
      { threadId: "t", outputModality: "text", voice: "darth" },
      { threadId: "t", outputModality: "video" },
      { threadId: "t" },
      { outputModality: "text" },
      { threadId: 1, outputModality: "text" },
    ],
  ],
  "thread/realtime/appendAudio": [
    "ThreadRealtimeAppendAudioParams",
    [
      { threadId: "t", audio },
      { threadId: "t", audio: { data: "A", numChannels: 2, sampleRate: 16000 } },
      { threadId: "t", audio: { ...audio, sampleRate: -1 } },
      { threadId: "t", audio: { ...audio, numChannels: 1.5 } },
      { threadId: "t", audio: { numChannels: 1, sampleRate: 1 } },
      { threadId: "t" },
    ],
  ],
  "thread/realtime/appendText": [
    "ThreadRealtimeAppendTextParams",
    [{ threadId: "t", text: "hi" }, { threadId: "t", text: "hi", role: "assistant" }, { threadId: "t", text: "hi", role: "robot" }, { threadId: "t" }],
  ],
  "thread/realtime/appendSpeech": ["ThreadRealtimeAppendSpeechParams", [{ threadId: "t", text: "say" }, { threadId: "t", text: 3 }, { text: "x" }]],
  "thread/realtime/stop": ["ThreadRealtimeStopParams", [{ threadId: "t" }, {}, { threadId: null }]],
  "thread/realtime/listVoices": ["ThreadRealtimeListVoicesParams", [{}, { extra: 1 }]],
};

describe("realtime request params agree with Codex 0.169's experimental schema", () => {
  for (const [method, [name, samples]] of Object.entries(SAMPLES)) {
    it(`${method} (${name})`, () => {
      const zod = realtimeRequestParams[method as keyof typeof realtimeRequestParams];
      let rejected = 0;
      for (const sample of samples) {
        const expected = official(name)(sample) === true;
        if (!expected) rejected += 1;
        expect(zod.safeParse(sample).success, `${JSON.stringify(sample)}: schema says ${expected}`).toBe(expected);
      }
      if (samples.length > 2) expect(rejected, "the samples include refused shapes").toBeGreaterThan(0);
    });
  }

  it("names the offending field in the error", () => {
    const result = realtimeRequestParams["thread/realtime/start"].safeParse({ threadId: "t", outputModality: "video" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["outputModality"]);
  });
});
