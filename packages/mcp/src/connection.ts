// One MCP server of a session, on the SDK's Client: connect (initialize + tools/list) within the
// startup timeout, call tools within the tool timeout, read resources, answer elicitations. When
// the server goes away (process exit, HTTP session lost) the pending calls fail with a message and
// the next use connects again.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  type ElicitRequest,
  type ElicitResult,
  type Implementation,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ReadResourceResult,
  type ServerCapabilities,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { type McpServerConfig, toolAllowed } from "./config.js";

export const CLIENT_INFO: Implementation = { name: "codex-ts", version: "0.0.0" };

export type ElicitationParams = ElicitRequest["params"];

/** Asks the user (through whatever client the session has) to answer a server's elicitation. */
export type ElicitationHandler = (server: string, params: ElicitationParams, signal: AbortSignal) => Promise<ElicitResult>;

export type StartupState = "starting" | "ready" | "failed" | "cancelled";

export interface ServerStatus {
  name: string;
  state: StartupState;
  /** Why start-up failed (one line). */
  error: string | null;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the server's `tool_timeout_sec`. */
  timeoutMs?: number;
  /** MCP progress notifications for this call (`message` when the server sends one). */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
  _meta?: Record<string, unknown>;
}

export interface ConnectionOptions {
  /** Environment the stdio servers' variables come from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Base directory for relative `cwd` of stdio servers. */
  cwd?: string;
  onElicitation?: ElicitationHandler;
  /** Lines a stdio server writes to stderr (for logs). */
  onStderr?: (server: string, line: string) => void;
  /**
   * Guards a stdio server's process tree against this process dying. When given (and `setsid` is
   * on PATH), each stdio server starts in its own session and `guardServer(pid)` is called with its
   * pid (= the session id); the function it returns is called once the server is gone. Core
   * registers the session with its reaper, which kills it if this process is SIGKILLed.
   */
  guardServer?: (pid: number) => () => void;
}

/** `setsid` on PATH (util-linux), or null. */
function findSetsid(pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "setsid");
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects with `message` after `ms` (and on abort); the timer never keeps the process alive. */
function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class McpConnection {
  readonly config: McpServerConfig;
  readonly #options: ConnectionOptions;
  #client: Client | null = null;
  #connecting: Promise<Client> | null = null;
  #tools: Tool[] = [];
  #status: ServerStatus;
  /** Set when a live connection closed without our asking (crash): the reason for failed calls. */
  #lostReason: string | null = null;

  constructor(config: McpServerConfig, options: ConnectionOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#status = { name: config.name, state: "starting", error: null };
  }

  get name(): string {
    return this.config.name;
  }

  get status(): ServerStatus {
    return { ...this.#status };
  }

  get serverInfo(): Implementation | null {
    return this.#client?.getServerVersion() ?? null;
  }

  get serverCapabilities(): ServerCapabilities | null {
    return this.#client?.getServerCapabilities() ?? null;
  }

  /** The server's tools after `enabled_tools` / `disabled_tools` (as of the last connect). */
  get tools(): Tool[] {
    return this.#tools;
  }

  /** Connects (once; concurrent callers share the attempt). Never throws: see `status`. */
  async start(): Promise<ServerStatus> {
    try {
      await this.#connect();
    } catch {
      // status carries the reason
    }
    return this.status;
  }

  #transport(): Transport {
    const config = this.config;
    const env = this.#options.env ?? process.env;
    if (config.transport === "stdio") {
      const childEnv: Record<string, string> = { ...getDefaultEnvironment() };
      for (const name of config.envVars) {
        const value = env[name];
        if (value !== undefined) childEnv[name] = value;
      }
      Object.assign(childEnv, config.env);
      // Its own session (so the guard can kill everything it starts, and a terminal's Ctrl-C
      // aimed at us does not reach it): `setsid` execs the server in place, keeping its pid.
      const setsid = this.#options.guardServer ? findSetsid(process.env.PATH) : null;
      const transport = new StdioClientTransport({
        command: setsid ?? config.command,
        args: setsid ? [config.command, ...config.args] : config.args,
        env: childEnv,
        stderr: "pipe",
        ...(config.cwd !== null || this.#options.cwd ? { cwd: config.cwd ?? this.#options.cwd } : {}),
      });
      const stderr = transport.stderr;
      if (stderr) {
        stderr.on("data", (chunk: Buffer) => {
          for (const line of chunk.toString("utf8").split("\n")) {
            if (line.trim() !== "") this.#options.onStderr?.(config.name, line);
          }
        });
      }
      return transport;
    }
    const headers: Record<string, string> = { ...config.httpHeaders };
    for (const [header, variable] of Object.entries(config.envHttpHeaders)) {
      const value = env[variable];
      if (value !== undefined && value !== "") headers[header] = value;
    }
    if (config.bearerTokenEnvVar !== null) {
      const token = env[config.bearerTokenEnvVar];
      if (token === undefined || token === "") {
        throw new Error(`environment variable ${config.bearerTokenEnvVar} (bearer_token_env_var) is not set`);
      }
      headers.Authorization = `Bearer ${token}`;
    }
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
  }

  #connect(): Promise<Client> {
    if (this.#client) return Promise.resolve(this.#client);
    if (this.#connecting) return this.#connecting;
    this.#status = { name: this.name, state: "starting", error: null };
    const attempt = this.#open().then(
      (client) => {
        this.#connecting = null;
        this.#client = client;
        this.#lostReason = null;
        this.#status = { name: this.name, state: "ready", error: null };
        return client;
      },
      (error: unknown) => {
        this.#connecting = null;
        this.#status = { name: this.name, state: "failed", error: errorText(error) };
        throw error;
      },
    );
    this.#connecting = attempt;
    return attempt;
  }

  async #open(): Promise<Client> {
    const client = new Client(CLIENT_INFO, { capabilities: this.#options.onElicitation ? { elicitation: { form: {}, url: {} } } : {} });
    const handler = this.#options.onElicitation;
    if (handler) {
      client.setRequestHandler(ElicitRequestSchema, (request, extra) => handler(this.name, request.params, extra.signal));
    }
    const timeoutMs = this.config.startupTimeoutMs;
    const timeoutMessage = `MCP server ${this.name} did not start within ${timeoutMs / 1000} s (startup_timeout_sec)`;
    let transport: Transport;
    try {
      transport = this.#transport();
    } catch (error) {
      throw new Error(`MCP server ${this.name} failed to start: ${errorText(error)}`);
    }
    const release = this.#guard(transport);
    try {
      await withTimeout(client.connect(transport, { timeout: timeoutMs }), timeoutMs, timeoutMessage);
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await withTimeout(client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs }), timeoutMs, timeoutMessage);
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      this.#tools = tools.filter((tool) => toolAllowed(this.config, tool.name));
    } catch (error) {
      await client.close().catch(() => {});
      release();
      const message = errorText(error);
      throw new Error(message.startsWith("MCP server") ? message : `MCP server ${this.name} failed to start: ${message}`);
    }
    client.onclose = () => {
      release();
      if (this.#client !== client) return;
      this.#client = null;
      this.#lostReason = `MCP server ${this.name} closed the connection`;
    };
    return client;
  }

  /**
   * Hands a stdio server's pid to `guardServer` as soon as it runs (the SDK spawns inside
   * `connect`, in the transport's `start`); returns the release, idempotent.
   */
  #guard(transport: Transport): () => void {
    const guard = this.#options.guardServer;
    if (!guard || !(transport instanceof StdioClientTransport)) return () => {};
    let release: (() => void) | undefined;
    let done = false;
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      const pid = transport.pid;
      if (!done && pid !== null) release = guard(pid);
    };
    return () => {
      done = true;
      release?.();
      release = undefined;
    };
  }

  /** A connected client, reconnecting after a crash. Throws with a readable message. */
  async #live(): Promise<Client> {
    return this.#connect();
  }

  /**
   * Calls a tool. Never throws: the server's own answer (including `isError: true` results) is
   * `{ok: true}`; transport failures, timeouts, cancellations and crashes are `{ok: false, error}`
   * with one readable line.
   */
  async callTool(tool: string, args: Record<string, unknown> | undefined, options: CallOptions = {}): Promise<CallOutcome> {
    if (!this.#tools.some((t) => t.name === tool) && this.#client) {
      return { ok: false, error: `tool ${tool} is not offered by MCP server ${this.name}` };
    }
    const timeoutMs = options.timeoutMs ?? this.config.toolTimeoutMs;
    let client: Client;
    try {
      client = await this.#live();
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
    try {
      const result = await client.callTool(
        { name: tool, ...(args !== undefined ? { arguments: args } : {}), ...(options._meta ? { _meta: options._meta } : {}) },
        undefined,
        {
          timeout: timeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onprogress: options.onProgress } : {}),
        },
      );
      return { ok: true, result: result as CallToolResult };
    } catch (error) {
      return { ok: false, error: this.#callError(tool, error, timeoutMs, options.signal) };
    }
  }

  #callError(tool: string, error: unknown, timeoutMs: number, signal: AbortSignal | undefined): string {
    if (signal?.aborted) return `tool call ${this.name}/${tool} was cancelled`;
    const message = errorText(error);
    if (/timed out|RequestTimeout/i.test(message)) {
      return `tool call ${this.name}/${tool} timed out after ${timeoutMs / 1000} s (tool_timeout_sec)`;
    }
    if (this.#client === null || /connection closed/i.test(message)) {
      return `${this.#lostReason ?? `MCP server ${this.name} closed the connection`} during ${tool}: ${message}`;
    }
    return `tool call ${this.name}/${tool} failed: ${message}`;
  }

  async listResources(cursor?: string): Promise<ListResourcesResult> {
    const client = await this.#live();
    if (!client.getServerCapabilities()?.resources) return { resources: [] };
    return client.listResources(cursor ? { cursor } : undefined, { timeout: this.config.toolTimeoutMs });
  }

  async listResourceTemplates(cursor?: string): Promise<ListResourceTemplatesResult> {
    const client = await this.#live();
    if (!client.getServerCapabilities()?.resources) return { resourceTemplates: [] };
    return client.listResourceTemplates(cursor ? { cursor } : undefined, { timeout: this.config.toolTimeoutMs });
  }

  async readResource(uri: string): Promise<ReadResourceResult> {
    const client = await this.#live();
    return client.readResource({ uri }, { timeout: this.config.toolTimeoutMs });
  }

  /** Closes the connection (and stops a stdio server's process). */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#lostReason = null;
    if (this.#status.state === "starting") this.#status = { name: this.name, state: "cancelled", error: null };
    await client?.close().catch(() => {});
  }
}

/** A tool call's outcome: the server's result, or why there is none. */
export type CallOutcome = { ok: true; result: CallToolResult } | { ok: false; error: string };
