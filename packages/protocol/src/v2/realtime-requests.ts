// The experimental thread/realtime/* request params, as Codex 0.169's experimental schema defines
// them (`codex app-server generate-json-schema --experimental`; the vendored stable schema has no
// realtime requests, only the notifications in generated/realtime.ts). Hand-written, checked by
// realtime-requests.test.ts against that schema's required fields, enums and unions.
import * as z from "zod";
import { named } from "./common.js";
import { RealtimeConversationVersion, ThreadRealtimeAudioChunk } from "./generated/realtime.js";

export const ConversationTextRole = named("ConversationTextRole", z.enum(["user", "developer", "assistant"]));
export type ConversationTextRole = z.infer<typeof ConversationTextRole>;

export const RealtimeOutputModality = named("RealtimeOutputModality", z.enum(["text", "audio"]));
export type RealtimeOutputModality = z.infer<typeof RealtimeOutputModality>;

export const RealtimeVoice = named(
  "RealtimeVoice",
  z.enum([
    "alloy", "arbor", "ash", "aube", "ballad", "breeze", "bubbie", "cedar", "coral", "cove", "echo", "ember",
    "haetsal", "hanul", "himari", "juniper", "leher", "maple", "marin", "miko", "neer", "porto", "rindo", "rio",
    "rivage", "sage", "selva", "shimmer", "sol", "sonna", "spruce", "tinta", "vale", "verse", "viola",
  ]),
);
export type RealtimeVoice = z.infer<typeof RealtimeVoice>;

export const CodexResponseHandoffMode = named("CodexResponseHandoffMode", z.enum(["thinking", "commentary", "bemTags"]));
export type CodexResponseHandoffMode = z.infer<typeof CodexResponseHandoffMode>;

export const ThreadRealtimeStartTransport = named(
  "ThreadRealtimeStartTransport",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("websocket") }),
    z.object({ type: z.literal("webrtc"), sdp: z.string() }),
    z.object({ type: z.literal("existingCall"), callId: z.string() }),
  ]),
);
export type ThreadRealtimeStartTransport = z.infer<typeof ThreadRealtimeStartTransport>;

export const ThreadRealtimeInitialItem = named(
  "ThreadRealtimeInitialItem",
  z.object({ role: ConversationTextRole, text: z.string() }),
);
export type ThreadRealtimeInitialItem = z.infer<typeof ThreadRealtimeInitialItem>;

const threadId = { threadId: z.string() };

export const ThreadRealtimeStartParams = named(
  "ThreadRealtimeStartParams",
  z.object({
    ...threadId,
    outputModality: RealtimeOutputModality,
    backendReasoningStatus: z.boolean().optional(),
    clientManagedHandoffs: z.boolean().nullish(),
    codexResponseHandoffChannelPrefixes: z.record(z.string(), z.array(z.string())).nullish(),
    codexResponseHandoffMode: CodexResponseHandoffMode.nullish(),
    codexResponseItemPrefix: z.string().nullish(),
    codexResponsesAsItems: z.boolean().nullish(),
    delegationAckFiller: z.boolean().nullish(),
    flushTranscriptTailOnSessionEnd: z.boolean().nullish(),
    includeStartupContext: z.boolean().nullish(),
    initialItems: z.array(ThreadRealtimeInitialItem).nullish(),
    model: z.string().nullish(),
    prompt: z.string().nullish(),
    realtimeEndInstructions: z.string().nullish(),
    realtimeSessionId: z.string().nullish(),
    realtimeStartInstructions: z.string().nullish(),
    transport: ThreadRealtimeStartTransport.nullish(),
    version: RealtimeConversationVersion.nullish(),
    voice: RealtimeVoice.nullish(),
    voiceSessionId: z.string().nullish(),
  }),
);
export type ThreadRealtimeStartParams = z.infer<typeof ThreadRealtimeStartParams>;

export const ThreadRealtimeAppendAudioParams = named(
  "ThreadRealtimeAppendAudioParams",
  z.object({ ...threadId, audio: ThreadRealtimeAudioChunk }),
);
export type ThreadRealtimeAppendAudioParams = z.infer<typeof ThreadRealtimeAppendAudioParams>;

export const ThreadRealtimeAppendTextParams = named(
  "ThreadRealtimeAppendTextParams",
  z.object({ ...threadId, text: z.string(), role: ConversationTextRole.default("user") }),
);
export type ThreadRealtimeAppendTextParams = z.infer<typeof ThreadRealtimeAppendTextParams>;

export const ThreadRealtimeAppendSpeechParams = named(
  "ThreadRealtimeAppendSpeechParams",
  z.object({ ...threadId, text: z.string() }),
);
export type ThreadRealtimeAppendSpeechParams = z.infer<typeof ThreadRealtimeAppendSpeechParams>;

export const ThreadRealtimeStopParams = named("ThreadRealtimeStopParams", z.object(threadId));
export type ThreadRealtimeStopParams = z.infer<typeof ThreadRealtimeStopParams>;

export const ThreadRealtimeListVoicesParams = named("ThreadRealtimeListVoicesParams", z.object({}));
export type ThreadRealtimeListVoicesParams = z.infer<typeof ThreadRealtimeListVoicesParams>;

/** The experimental realtime methods and their params (not in the stable `clientRequestMethods`). */
export const realtimeRequestParams = {
  "thread/realtime/start": ThreadRealtimeStartParams,
  "thread/realtime/appendAudio": ThreadRealtimeAppendAudioParams,
  "thread/realtime/appendText": ThreadRealtimeAppendTextParams,
  "thread/realtime/appendSpeech": ThreadRealtimeAppendSpeechParams,
  "thread/realtime/stop": ThreadRealtimeStopParams,
  "thread/realtime/listVoices": ThreadRealtimeListVoicesParams,
} as const;
