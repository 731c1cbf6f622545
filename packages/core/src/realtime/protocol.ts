// The Realtime API over a websocket, as Codex 0.169 speaks it (realtime version v2): where to
// connect, what to send (session.update, text items, audio appends) and how the server's events
// read. Transport-free: the caller owns the socket (the app-server uses `ws`).

export const DEFAULT_REALTIME_MODEL = "gpt-realtime-1.5";
export const DEFAULT_REALTIME_WS_BASE_URL = "wss://api.openai.com";
export const REALTIME_SAMPLE_RATE = 24_000;

/** The realtime settings of a loaded config (`experimental_realtime_ws_*` keys). */
export interface RealtimeSettings {
  /** `experimental_realtime_ws_base_url` (default wss://api.openai.com). */
  baseUrl: string;
  /** `experimental_realtime_ws_model` (default gpt-realtime-1.5). */
  model: string;
  /** `experimental_realtime_start_instructions`: replaces the built-in instructions. */
  instructions?: string;
}

/** Realtime settings from the effective config table. */
export function realtimeSettings(table: Record<string, unknown>): RealtimeSettings {
  const text = (key: string) => {
    const value = table[key];
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
  };
  const instructions = text("experimental_realtime_start_instructions");
  return {
    baseUrl: text("experimental_realtime_ws_base_url") ?? DEFAULT_REALTIME_WS_BASE_URL,
    model: text("experimental_realtime_ws_model") ?? DEFAULT_REALTIME_MODEL,
    ...(instructions ? { instructions } : {}),
  };
}

/** `<base>/v1/realtime?model=<model>` (http(s) bases become ws(s); a base ending in /v1 keeps it). */
export function realtimeWebsocketUrl(baseUrl: string, model: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:")
    throw new Error(`unsupported realtime URL ${baseUrl}`);
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path.endsWith("/v1") ? `${path}/realtime` : `${path}/v1/realtime`;
  url.searchParams.set("model", model);
  return url.toString();
}

const DEFAULT_INSTRUCTIONS = [
  "You are the voice of Codex, a coding agent working in the user's workspace.",
  "Answer briefly and naturally. For anything that needs work in the workspace (reading, changing or",
  "running code), call `background_agent` with the user's own words; the agent reports back and you",
  "relay its result. Call `remain_silent` when saying nothing is best.",
].join(" ");

/** The first message of a session: modalities, audio formats and voice, the two delegation tools. */
export function sessionUpdate(options: {
  outputModality: "text" | "audio";
  voice?: string | null;
  instructions?: string;
}): Record<string, unknown> {
  const pcm = { type: "audio/pcm", rate: REALTIME_SAMPLE_RATE };
  return {
    type: "session.update",
    session: {
      type: "realtime",
      instructions: options.instructions ?? DEFAULT_INSTRUCTIONS,
      output_modalities: [options.outputModality],
      audio: {
        input: {
          format: pcm,
          noise_reduction: { type: "near_field" },
          transcription: { model: "gpt-4o-mini-transcribe" },
          turn_detection: {
            type: "server_vad",
            interrupt_response: true,
            create_response: true,
            silence_duration_ms: 500,
          },
        },
        output: { format: pcm, ...(options.voice ? { voice: options.voice } : {}) },
      },
      tools: [
        {
          type: "function",
          name: BACKGROUND_AGENT_TOOL,
          description:
            "Hand the user's request, in their own words, to the Codex agent that works in the workspace.",
          parameters: {
            type: "object",
            properties: { prompt: { type: "string", description: "The user's request, unchanged." } },
            required: ["prompt"],
            additionalProperties: false,
          },
        },
        {
          type: "function",
          name: "remain_silent",
          description: "Say nothing this time.",
          parameters: { type: "object", properties: {}, additionalProperties: false },
        },
      ],
      tool_choice: "auto",
    },
  };
}

export const BACKGROUND_AGENT_TOOL = "background_agent";

/** A text item for the conversation; user text carries Codex's `[USER] ` prefix. */
export function textItem(role: "user" | "developer" | "assistant", text: string): Record<string, unknown> {
  const type = role === "assistant" ? "output_text" : "input_text";
  return {
    type: "conversation.item.create",
    item: { type: "message", role, content: [{ type, text: role === "user" ? `[USER] ${text}` : text }] },
  };
}

export function audioAppend(data: string): Record<string, unknown> {
  return { type: "input_audio_buffer.append", audio: data };
}

/** The result of a `background_agent` call, then a new response so the model speaks it. */
export function handoffOutput(callId: string, output: string): Record<string, unknown>[] {
  return [
    { type: "conversation.item.create", item: { type: "function_call_output", call_id: callId, output } },
    { type: "response.create" },
  ];
}

export interface RealtimeAudioFrame {
  data: string;
  sampleRate: number;
  numChannels: number;
  samplesPerChannel: number | null;
  itemId: string | null;
}

/** What the server said, in the shape Codex's realtime v2 parser reads it. */
export type RealtimeEvent =
  | { type: "session_updated"; sessionId: string | null }
  | { type: "audio_out"; frame: RealtimeAudioFrame }
  | { type: "transcript_delta"; role: "user" | "assistant"; itemId: string | null; delta: string }
  | { type: "transcript_done"; role: "user" | "assistant"; itemId: string | null; text: string }
  | { type: "speech_started"; itemId: string | null }
  | { type: "item_added"; item: unknown }
  | { type: "item_done"; itemId: string }
  | { type: "handoff_requested"; callId: string; itemId: string; prompt: string }
  | { type: "response_created" | "response_cancelled" | "response_done"; responseId: string | null }
  | { type: "error"; message: string };

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const uint = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;

/** One server message → an event; unknown types and malformed messages are null (ignored). */
export function parseRealtimeEvent(payload: string): RealtimeEvent | null {
  let m: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    m = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const itemId = str(m.item_id);
  const responseId = () => {
    const response = m.response as Record<string, unknown> | undefined;
    return str(response?.id) ?? str(m.response_id);
  };
  switch (m.type) {
    case "session.updated":
    case "session.created":
      return {
        type: "session_updated",
        sessionId: str((m.session as Record<string, unknown> | undefined)?.id),
      };
    case "response.output_audio.delta":
    case "response.audio.delta": {
      const data = str(m.delta);
      if (data === null) return null;
      return {
        type: "audio_out",
        frame: {
          data,
          sampleRate: uint(m.sample_rate) ?? REALTIME_SAMPLE_RATE,
          numChannels: uint(m.channels) ?? uint(m.num_channels) ?? 1,
          samplesPerChannel: uint(m.samples_per_channel),
          itemId,
        },
      };
    }
    case "conversation.item.input_audio_transcription.delta":
      return delta("user", itemId, m.delta);
    case "conversation.item.input_audio_transcription.completed":
      return done("user", itemId, m.transcript);
    case "response.output_text.delta":
    case "response.output_audio_transcript.delta":
      return delta("assistant", itemId, m.delta);
    case "response.output_text.done":
      return done("assistant", itemId, m.text);
    case "response.output_audio_transcript.done":
      return done("assistant", itemId, m.transcript);
    case "input_audio_buffer.speech_started":
      return { type: "speech_started", itemId };
    case "conversation.item.added":
      return m.item === undefined ? null : { type: "item_added", item: m.item };
    case "conversation.item.done":
      return itemDone(m.item);
    case "response.created":
      return { type: "response_created", responseId: responseId() };
    case "response.cancelled":
      return { type: "response_cancelled", responseId: responseId() };
    case "response.done":
      return { type: "response_done", responseId: responseId() };
    case "error": {
      const error = m.error as Record<string, unknown> | undefined;
      return { type: "error", message: str(error?.message) ?? str(m.message) ?? "realtime error" };
    }
    default:
      return null;
  }
}

function delta(role: "user" | "assistant", itemId: string | null, value: unknown): RealtimeEvent | null {
  return typeof value === "string" ? { type: "transcript_delta", role, itemId, delta: value } : null;
}

function done(role: "user" | "assistant", itemId: string | null, value: unknown): RealtimeEvent | null {
  return typeof value === "string" ? { type: "transcript_done", role, itemId, text: value } : null;
}

function itemDone(item: unknown): RealtimeEvent | null {
  if (typeof item !== "object" || item === null) return null;
  const it = item as Record<string, unknown>;
  const id = str(it.id);
  if (it.type === "function_call" && it.name === BACKGROUND_AGENT_TOOL) {
    const callId = str(it.call_id) ?? id;
    if (callId === null) return null;
    return {
      type: "handoff_requested",
      callId,
      itemId: id ?? callId,
      prompt: handoffPrompt(str(it.arguments) ?? ""),
    };
  }
  return id === null ? null : { type: "item_done", itemId: id };
}

/** The request text of a `background_agent` call (its `prompt`, or a similar field, or the raw arguments). */
function handoffPrompt(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === "object" && parsed !== null) {
      for (const key of ["prompt", "input_transcript", "input", "text", "query"]) {
        const value = (parsed as Record<string, unknown>)[key];
        if (typeof value === "string" && value.trim() !== "") return value.trim();
      }
    }
  } catch {
    // not JSON: the raw arguments are the request
  }
  return args;
}
