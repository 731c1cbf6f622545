// Methods: thread/realtime/start|appendAudio|appendText|appendSpeech|stop|listVoices (experimental),
// a thread-scoped voice/text conversation with a realtime model over a websocket, as Codex 0.169
// runs it (realtime v2): `<experimental_realtime_ws_base_url>/v1/realtime?model=<model>` with the
// provider's key; server events become thread/realtime/* notifications; a `background_agent` call
// from the realtime model starts a Codex turn on the thread and its final answer goes back.
// Params: @codex-ts/protocol's zod of Codex 0.169's experimental schema (-32602 naming the field).
import { randomUUID } from "node:crypto";
import {
  audioAppend,
  handoffOutput,
  mergeConfigLayers,
  parseRealtimeEvent,
  type RealtimeEvent,
  readStoredApiKey,
  realtimeSettings,
  realtimeWebsocketUrl,
  resolveApiKey,
  sessionUpdate,
  textItem,
} from "@codex-ts/core";
import { v2 } from "@codex-ts/protocol";
import WebSocket from "ws";
import { loadEffectiveConfig } from "../config.js";
import { errorMessage, invalidRequest } from "../errors.js";
import { userAgent } from "../handshake.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import type { LiveThread } from "../thread.js";

/** thread/realtime/listVoices, as Codex 0.169 answers it. */
const VOICES = {
  v1: ["juniper", "maple", "spruce", "ember", "vale", "breeze", "arbor", "sol", "cove"],
  v2: ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"],
  v3: [
    "juniper",
    "maple",
    "spruce",
    "ember",
    "vale",
    "breeze",
    "arbor",
    "sol",
    "cove",
    "aube",
    "bubbie",
    "haetsal",
    "hanul",
    "himari",
    "leher",
    "miko",
    "neer",
    "porto",
    "rindo",
    "rio",
    "rivage",
    "selva",
    "sonna",
    "tinta",
    "viola",
  ],
  defaultV1: "cove",
  defaultV2: "marin",
};

/** One running realtime conversation of a thread. */
class RealtimeRun {
  readonly #segments = new Map<string, { id: string; role: "user" | "assistant"; text: string }>();
  #closed = false;

  constructor(
    readonly thread: LiveThread,
    readonly socket: WebSocket,
    readonly sessionId: string,
    readonly onGone: () => void,
  ) {}

  send(message: Record<string, unknown>): void {
    if (this.socket.readyState !== WebSocket.OPEN)
      throw invalidRequest(`realtime for thread ${this.thread.id} is not connected`);
    this.socket.send(JSON.stringify(message));
  }

  #notify(name: string, params: Record<string, unknown>): void {
    this.thread.notify(`thread/realtime/${name}`, { threadId: this.thread.id, ...params });
  }

  /** A timeline item that starts and completes at once (session started / closed). */
  item(item: Record<string, unknown>): void {
    const full = { id: randomUUID(), realtimeSessionId: this.sessionId, ...item };
    this.#notify("item/started", { item: full });
    this.#notify("item/completed", { item: full });
  }

  handle(event: RealtimeEvent): void {
    switch (event.type) {
      case "audio_out":
        this.#notify("outputAudio/delta", { audio: event.frame });
        break;
      case "item_added":
        this.#notify("itemAdded", { item: event.item });
        break;
      case "transcript_delta": {
        const segment = this.#segment(event.role, event.itemId);
        segment.text += event.delta;
        this.#notify("item/transcript/delta", { itemId: segment.id, delta: event.delta });
        this.#notify("transcript/delta", { role: event.role, delta: event.delta });
        break;
      }
      case "transcript_done": {
        const segment = this.#segment(event.role, event.itemId);
        this.#segments.delete(`${event.role}:${event.itemId ?? ""}`);
        const item = {
          id: segment.id,
          realtimeSessionId: this.sessionId,
          type: "transcriptSegment",
          role: event.role,
          text: event.text,
        };
        this.#notify("item/completed", { item });
        this.#notify("transcript/done", { role: event.role, text: event.text });
        break;
      }
      case "handoff_requested":
        void this.#handoff(event.callId, event.prompt);
        break;
      case "error":
        this.#notify("error", { message: event.message });
        break;
      default:
        break;
    }
  }

  /** The open transcript segment of a role and realtime item, started (item/started) on first use. */
  #segment(role: "user" | "assistant", itemId: string | null) {
    const key = `${role}:${itemId ?? ""}`;
    let segment = this.#segments.get(key);
    if (!segment) {
      segment = { id: randomUUID(), role, text: "" };
      this.#segments.set(key, segment);
      const item = {
        id: segment.id,
        realtimeSessionId: this.sessionId,
        type: "transcriptSegment",
        role,
        text: "",
      };
      this.#notify("item/started", { item });
    }
    return segment;
  }

  /** `background_agent`: a Codex turn with the request; its last agent message is the call's output. */
  async #handoff(callId: string, prompt: string): Promise<void> {
    let output: string;
    try {
      const turn = await this.thread.startTurn({
        type: "user_input",
        items: [{ type: "text", text: prompt }],
      });
      output = await new Promise<string>((resolve) => {
        const stop = this.thread.session.subscribe((event) => {
          if (event.msg.type !== "task_complete" && event.msg.type !== "turn_aborted") return;
          if ((event.msg as { turn_id?: string }).turn_id !== turn.id) return;
          stop();
          const last = event.msg.type === "task_complete" ? event.msg.last_agent_message : null;
          resolve(last ?? "The agent stopped without an answer.");
        });
      });
    } catch (error) {
      output = `The agent could not start: ${errorMessage(error)}`;
    }
    if (this.#closed || this.socket.readyState !== WebSocket.OPEN) return;
    for (const message of handoffOutput(callId, output)) this.socket.send(JSON.stringify(message));
  }

  /** Ends the conversation once (closed notification with `reason`), whoever ended it. */
  finish(reason: string, outcome: "ended" | "failed"): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onGone();
    this.item({ type: "realtimeSessionClosed", outcome });
    this.#notify("closed", { reason });
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close(1000);
  }
}

const runs = new WeakMap<LiveThread, RealtimeRun>();

export function realtimeMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const threads = runtime.threads;
  const running = (threadId: string): RealtimeRun => {
    const run = runs.get(threads.loaded(threadId));
    if (!run)
      throw invalidRequest(
        `thread ${threadId} has no realtime conversation; call thread/realtime/start first`,
      );
    return run;
  };
  return [
    [
      "thread/realtime/start",
      method({
        params: v2.ThreadRealtimeStartParams,
        experimental: true,
        handler: async (p, ctx): Promise<Record<string, never>> => {
          const thread = threads.loaded(p.threadId);
          if (runs.has(thread))
            throw invalidRequest(`thread ${p.threadId} already has a realtime conversation`);
          if (p.transport && p.transport.type !== "websocket")
            throw invalidRequest(
              `realtime transport ${p.transport.type} is not supported here (websocket only)`,
            );
          if (p.version && p.version !== "v2")
            throw invalidRequest(`realtime version ${p.version} is not supported here (v2 only)`);
          const { config } = loadEffectiveConfig({
            codexHome: runtime.codexHome,
            env: runtime.env,
            cwd: thread.cwd(),
          });
          const settings = realtimeSettings(mergeConfigLayers(config.layers));
          // API-key auth: the provider's key, else OPENAI_API_KEY or the stored login key.
          const stored = readStoredApiKey(config.codexHome);
          const auth = resolveApiKey(config.modelProvider, runtime.env, stored);
          if (!auth.ok) throw invalidRequest(auth.error);
          const apiKey = auth.apiKey ?? runtime.env.OPENAI_API_KEY ?? stored;
          let url: string;
          try {
            url = realtimeWebsocketUrl(settings.baseUrl, p.model ?? settings.model);
          } catch (error) {
            throw invalidRequest(errorMessage(error));
          }
          const sessionId = p.realtimeSessionId ?? thread.id;
          const socket = new WebSocket(url, {
            headers: {
              "user-agent": userAgent(
                ctx.server.client?.name ?? "codex_ts",
                ctx.server.client?.version ?? "0",
              ),
              originator: ctx.server.client?.name ?? "codex_ts",
              "thread-id": thread.id,
              "session-id": thread.id,
              "x-session-id": sessionId,
              ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
            },
          });
          await new Promise<void>((resolve, reject) => {
            socket.once("open", () => resolve());
            socket.once("error", (error) =>
              reject(invalidRequest(`cannot connect to the realtime model at ${url}: ${error.message}`)),
            );
            socket.once("unexpected-response", (_req, res) =>
              reject(
                invalidRequest(
                  `the realtime model at ${url} refused the connection (HTTP ${res.statusCode})`,
                ),
              ),
            );
          });
          const run = new RealtimeRun(thread, socket, sessionId, () => runs.delete(thread));
          runs.set(thread, run);
          socket.on("message", (data) => {
            const event = parseRealtimeEvent(data.toString());
            if (event) run.handle(event);
          });
          socket.on("error", (error) =>
            thread.notify("thread/realtime/error", { threadId: thread.id, message: error.message }),
          );
          socket.on("close", () => run.finish("transport closed", "failed"));
          // The thread's session ends (unload, archive, server shutdown): so does the conversation.
          const unsubscribe = thread.session.subscribe((event) => {
            if (event.msg.type !== "shutdown_complete") return;
            unsubscribe();
            run.finish("thread closed", "ended");
          });
          const instructions = [settings.instructions, p.prompt].filter((x): x is string => !!x).join("\n\n");
          run.send(
            sessionUpdate({
              outputModality: p.outputModality,
              voice: p.voice ?? null,
              ...(instructions ? { instructions } : {}),
            }),
          );
          run.item({ type: "realtimeSessionStarted" });
          thread.notify("thread/realtime/started", {
            threadId: thread.id,
            realtimeSessionId: sessionId,
            version: "v2",
          });
          return {};
        },
      }),
    ],
    [
      "thread/realtime/appendAudio",
      method({
        params: v2.ThreadRealtimeAppendAudioParams,
        experimental: true,
        handler: (p) => {
          running(p.threadId).send(audioAppend(p.audio.data));
          return {};
        },
      }),
    ],
    [
      "thread/realtime/appendText",
      method({
        params: v2.ThreadRealtimeAppendTextParams,
        experimental: true,
        handler: (p) => {
          running(p.threadId).send(textItem(p.role, p.text));
          return {};
        },
      }),
    ],
    [
      "thread/realtime/appendSpeech",
      method({
        params: v2.ThreadRealtimeAppendSpeechParams,
        experimental: true,
        handler: (p) => {
          const run = running(p.threadId);
          run.send(textItem("assistant", p.text));
          run.send({ type: "response.create" });
          return {};
        },
      }),
    ],
    [
      "thread/realtime/stop",
      method({
        params: v2.ThreadRealtimeStopParams,
        experimental: true,
        handler: (p) => {
          running(p.threadId).finish("requested", "ended");
          return {};
        },
      }),
    ],
    [
      "thread/realtime/listVoices",
      method({ params: v2.ThreadRealtimeListVoicesParams, experimental: true, handler: () => ({ voices: VOICES }) }),
    ],
  ];
}
