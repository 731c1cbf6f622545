import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { prewarmCore } from "@codex-ts/core";
import {
  describeZodError,
  type JSONRPCNotification,
  type JSONRPCRequest,
  parseRolloutLine,
  type RolloutLine,
  serializeRolloutLine,
} from "@codex-ts/protocol";
import type { z } from "zod";
import { prepareForPersistence, reconstructThread, shouldPersistRolloutItem } from "@codex-ts/rollout";
import type { Channel } from "./channel.js";
import { invalidParams, invalidRequest, methodNotFound } from "./errors.js";
import { initializeResult } from "./handshake.js";
import type { Logger } from "./log.js";
import { itemEventToV2 } from "./mapping.js";
import { JsonRpcConnection, type ServerRequestOutcome } from "./transport.js";
import { InitializeParams } from "./wire.js";

export { SERVER_NAME, SERVER_VERSION, userAgent } from "./handshake.js";

let prewarmStarted = false;
/** The warm-up waits this long after thread/start's answer; a turn started meanwhile cancels it. */
const PREWARM_IDLE_MS = 250;
let prewarmTimer: NodeJS.Timeout | undefined;

/** Per-request context a method handler receives. */
export interface MethodContext {
  readonly server: AppServerConnection;
  readonly log: Logger;
  /** Runs `step` right after this request's response is written (e.g. `thread/started` after `thread/start`). */
  afterResponse(step: () => void): void;
}

export interface MethodSpec<S extends z.ZodType = z.ZodType> {
  /** Params schema; a missing `params` is validated as `{}`. */
  params: S;
  /** The whole method needs `capabilities.experimentalApi`. */
  experimental?: boolean;
  /** Long-running: handled in the background so later requests are not held up. */
  concurrent?: boolean;
  /** Top-level params fields that need `capabilities.experimentalApi` when present and non-null. */
  experimentalFields?: readonly string[];
  handler: (params: z.infer<S>, ctx: MethodContext) => unknown | Promise<unknown>;
}

export function method<S extends z.ZodType>(spec: MethodSpec<S>): MethodSpec {
  return spec as unknown as MethodSpec;
}

/** A method handled in the background (see `MethodSpec.concurrent`). */
export function concurrently<S extends z.ZodType>(spec: MethodSpec<S>): MethodSpec {
  return { ...method(spec), concurrent: true };
}

export interface ClientState {
  name: string;
  title: string | null;
  version: string;
  experimentalApi: boolean;
  optOut: ReadonlySet<string>;
}

export interface AppServerConnectionOptions {
  /** How messages travel (stdio lines, WebSocket frames, an in-process pair). */
  channel: Channel;
  log: Logger;
  codexHome: string;
  methods: ReadonlyMap<string, MethodSpec>;
  /** Called once the client disconnects and in-flight requests have finished. */
  onClientGone?: () => Promise<void> | void;
  /** Run the first-turn warm-up when a thread starts (see `prewarm`); default true. */
  prewarm?: boolean;
}

/**
 * One client connection: the initialize handshake, experimental gating, dispatch of requests
 * to method handlers, notifications out (honouring opt-outs), and server requests out.
 */
export class AppServerConnection {
  readonly #rpc: JsonRpcConnection;
  readonly #methods: ReadonlyMap<string, MethodSpec>;
  readonly #prewarmEnabled: boolean;
  readonly #log: Logger;
  readonly codexHome: string;
  #client: ClientState | undefined;
  #initializeInProgress = false;
  readonly #afterResponse = new Map<JSONRPCRequest, (() => void)[]>();

  constructor(options: AppServerConnectionOptions) {
    this.#methods = options.methods;
    this.#prewarmEnabled = options.prewarm ?? true;
    this.#log = options.log;
    this.codexHome = options.codexHome;
    this.#rpc = new JsonRpcConnection(
      options.channel,
      {
        onRequest: (request) => this.#onRequest(request),
        onNotification: (notification) => this.#onNotification(notification),
        runsConcurrently: (method) => this.#methods.get(method)?.concurrent ?? false,
        onResponded: (request) => {
          const steps = this.#afterResponse.get(request);
          this.#afterResponse.delete(request);
          for (const step of steps ?? []) step();
        },
      },
      options.log,
    );
  }

  get client(): ClientState | undefined {
    return this.#client;
  }

  get experimentalApi(): boolean {
    return this.#client?.experimentalApi ?? false;
  }

  /** Resolves once the client disconnected. */
  get closed(): Promise<void> {
    return this.#rpc.closed;
  }

  get isClosed(): boolean {
    return this.#rpc.isClosed;
  }

  drain(): Promise<void> {
    return this.#rpc.drain();
  }

  flush(): Promise<void> {
    return this.#rpc.flush();
  }

  notify(method: string, params: unknown): void {
    if (!this.#client || this.#client.optOut.has(method)) return;
    this.#rpc.sendNotification(method, params);
  }

  /** A server request; `id` given when the same request goes to several connections. */
  request(method: string, params: unknown, id?: string | number): { id: string | number; outcome: Promise<ServerRequestOutcome> } {
    return this.#rpc.sendRequest(method, params, id);
  }

  /** Disconnects this client from our side. */
  close(): void {
    this.#rpc.close();
  }

  cancelRequest(id: string | number): void {
    this.#rpc.cancelRequest(id);
  }

  async #onRequest(request: JSONRPCRequest): Promise<unknown> {
    if (request.method === "initialize") {
      const result = this.#initialize(request.params);
      // As Codex: the remote-control status follows the handshake (remote control is off here).
      this.#afterResponse.set(request, [
        () =>
          this.notify("remoteControl/status/changed", {
            status: "disabled",
            serverName: os.hostname(),
            installationId: installationId(this.codexHome),
            environmentId: null,
          }),
      ]);
      return result;
    }
    if (!this.#client) throw invalidRequest("Not initialized");
    if (request.method === "turn/start") this.#skipPrewarm();
    const spec = this.#methods.get(request.method);
    if (!spec) throw methodNotFound(request.method);
    if (spec.experimental && !this.experimentalApi) {
      throw invalidRequest(`${request.method} requires experimentalApi capability`);
    }
    const raw = request.params ?? {};
    if (!this.experimentalApi && spec.experimentalFields && typeof raw === "object" && raw !== null) {
      for (const field of spec.experimentalFields) {
        const value = (raw as Record<string, unknown>)[field];
        if (value !== undefined && value !== null) {
          throw invalidRequest(`${request.method}.${field} requires experimentalApi capability`);
        }
      }
    }
    const parsed = spec.params.safeParse(raw);
    if (!parsed.success) {
      throw invalidParams(`Invalid params for ${request.method}: ${describeZodError(parsed.error)}`);
    }
    const afterResponse = (step: () => void) => {
      const steps = this.#afterResponse.get(request) ?? [];
      steps.push(step);
      this.#afterResponse.set(request, steps);
    };
    return spec.handler(parsed.data, { server: this, log: this.#log, afterResponse });
  }

  #initialize(rawParams: unknown): unknown {
    if (this.#client || this.#initializeInProgress) throw invalidRequest("Already initialized");
    const parsed = InitializeParams.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw invalidParams(`Invalid params for initialize: ${describeZodError(parsed.error)}`);
    }
    const { clientInfo, capabilities } = parsed.data;
    this.#client = {
      name: clientInfo.name,
      title: clientInfo.title ?? null,
      version: clientInfo.version,
      experimentalApi: capabilities?.experimentalApi ?? false,
      optOut: new Set(capabilities?.optOutNotificationMethods ?? []),
    };
    return initializeResult(clientInfo, this.codexHome);
  }

  /**
   * Pays the first turn's one-time costs (they are per process, so once per process) after a
   * thread/start, thread/resume or thread/fork response, while the client is idle. Not at
   * `initialized`, so that a client that only lists or reads threads never competes with it.
   */
  prewarm(): void {
    if (prewarmStarted || prewarmTimer || !this.#prewarmEnabled) return;
    // Only while the client is idle (a person typing the first prompt): a client that starts a
    // turn at once is better served by that turn alone than by a warm-up competing with it for
    // the CPU (`#skipPrewarm`).
    prewarmTimer = setTimeout(() => {
      prewarmTimer = undefined;
      if (prewarmStarted) return;
      prewarmStarted = true;
      this.#log.debug("prewarm: started");
      void this.#prewarm();
    }, PREWARM_IDLE_MS);
    prewarmTimer.unref();
  }

  /** A real turn is starting: it pays the first-turn costs itself; no warm-up in this process. */
  #skipPrewarm(): void {
    if (prewarmStarted) return;
    prewarmStarted = true;
    clearTimeout(prewarmTimer);
    prewarmTimer = undefined;
  }

  /** Warms the first turn's code paths; never throws, logs what it took. */
  async #prewarm(): Promise<void> {
    const t0 = performance.now();
    const { problems, steps, events, rolloutItems } = await prewarmCore();
    const t1 = performance.now();
    try {
      // This server's own first-turn paths: turn/start's params; the warm-up turn's items as a
      // thread records them (persistence filter, the store's validation on append, serialization);
      // item events → v2 items; the turn rebuilt from its lines.
      this.#methods.get("turn/start")?.params.safeParse({ threadId: "warm", input: [{ type: "text", text: "warm" }] });
      const timestamp = new Date().toISOString();
      const lines: RolloutLine[] = [];
      for (const item of rolloutItems) {
        if (!shouldPersistRolloutItem(item, "limited")) continue;
        const parsed = parseRolloutLine({ timestamp, ...prepareForPersistence(item) });
        if (parsed.kind !== "line") {
          if (parsed.kind === "invalid") problems.push(`warm-up rollout line ${item.type}: ${parsed.reason}`);
          continue;
        }
        serializeRolloutLine(parsed.line);
        lines.push(parsed.line);
      }
      for (const event of events) {
        if (event.type === "item_started" || event.type === "item_completed") itemEventToV2(event);
      }
      reconstructThread(lines);
    } catch (error) {
      problems.push(`server mapping: ${error instanceof Error ? error.message : String(error)}`);
    }
    steps.push({ name: "server mapping", ms: performance.now() - t1 });
    for (const problem of problems) this.#log.debug(`prewarm: ${problem}`);
    const each = steps.map((s) => `${s.name} ${s.ms.toFixed(0)} ms`).join(", ");
    this.#log.debug(`prewarm: done in ${(performance.now() - t0).toFixed(0)} ms (${each})`);
  }

  #onNotification(notification: JSONRPCNotification): void {
    if (notification.method === "initialized") return;
    this.#log.debug(`ignoring client notification ${notification.method}`);
  }
}

/** `<CODEX_HOME>/installation_id`, created (a random UUID) on first use, as Codex keeps it. */
export function installationId(codexHome: string): string {
  const file = path.join(codexHome, "installation_id");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (/^[0-9a-f-]{36}$/i.test(existing)) return existing;
  } catch {
    // not created yet
  }
  const id = randomUUID();
  try {
    writeFileSync(file, id, { flag: "wx" });
  } catch {
    try {
      return readFileSync(file, "utf8").trim() || id;
    } catch {
      return id;
    }
  }
  return id;
}

