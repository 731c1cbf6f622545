// A session's MCP runtime: the connections (@codex-ts/mcp), their tools as the model's tools (a
// ToolProvider for the tool registry), and the seams the app fills: start-up statuses,
// elicitations (answered by the client, declined when there is none) and call progress.
import {
  type CallOutcome,
  type ElicitationParams,
  type ElicitResult,
  loadMcpConnections,
  type McpConnectionManager,
  type McpServerConfig,
  type ServerStatus,
  type StartResult,
} from "@codex-ts/mcp";
import { guardSession, releaseSession } from "../tools/exec/reaper.js";
import type { ToolProvider, ToolProviderTurn } from "../tools/registry.js";
import type { ToolHandler } from "../tools/types.js";
import { type McpCallDeps, mcpToolHandler } from "./call.js";
import type { OutputOptions } from "./output.js";
import { resourceToolHandlers } from "./resources.js";

/** An elicitation with what the session knows about where it came from. */
export interface McpElicitationRequest {
  server: string;
  /** The turn whose tool call is running on that server, if any. */
  turnId: string | null;
  callId: string | null;
  params: ElicitationParams;
}

export interface McpProgress {
  turnId: string;
  callId: string;
  server: string;
  message: string;
}

export interface McpSessionOptions {
  /** Parsed `[mcp_servers.*]` (see @codex-ts/mcp `parseMcpServers`). */
  servers: McpServerConfig[];
  /** Environment the servers' variables come from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Directory stdio servers start in when they set no `cwd`. */
  cwd?: string;
  onStatus?(status: ServerStatus): void;
  /** Ask the user; without it every elicitation is declined (as `codex exec` does). */
  onElicitation?(request: McpElicitationRequest, signal: AbortSignal): Promise<ElicitResult>;
  onProgress?(progress: McpProgress): void;
  /** Let `_meta["codex/imageDetail"] = "original"` through (the model takes original-detail images). */
  originalImageDetail?: boolean;
}

interface ActiveCall {
  server: string;
  turnId: string;
  callId: string;
  signal: AbortSignal;
}

type McpModule = Awaited<ReturnType<typeof loadMcpConnections>>;
let mcpModule: Promise<McpModule> | null = null;
/**
 * The connection manager, loaded on first use: the MCP SDK builds hundreds of zod schemas when it
 * loads, so a session without MCP servers (and a process that never creates one) never loads it.
 * Through `loadMcpConnections`, not `import("@codex-ts/mcp")`: config parsing imports that package
 * statically, and a bundled dynamic import of it would make that static import load the SDK.
 */
function loadMcp(): Promise<McpModule> {
  mcpModule ??= loadMcpConnections();
  return mcpModule;
}

export class McpRuntime implements ToolProvider {
  readonly name = "mcp";
  readonly #options: McpSessionOptions;
  /** Null until @codex-ts/mcp has loaded (`start()` and every async method wait for it). */
  #manager: McpConnectionManager | null = null;
  /** Null until something needs the connections: with no enabled server, nothing loads the SDK. */
  #loaded: Promise<McpConnectionManager> | null = null;
  readonly #active = new Map<string, ActiveCall>();
  /** Start-up failures not told to the user yet. */
  #warnings: string[] = [];

  constructor(options: McpSessionOptions) {
    this.#options = options;
    if (this.#hasServers()) void this.#load();
  }

  #hasServers(): boolean {
    return this.#options.servers.some((s) => s.enabled);
  }

  #load(): Promise<McpConnectionManager> {
    this.#loaded ??= loadMcp().then((mcp) => {
      this.#manager ??= this.#createManager(mcp, this.#options.servers);
      return this.#manager;
    });
    return this.#loaded;
  }

  #createManager(mcp: McpModule, servers: McpServerConfig[]): McpConnectionManager {
    return new mcp.McpConnectionManager(servers, {
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(this.#options.cwd ? { cwd: this.#options.cwd } : {}),
      onStatus: (status) => {
        if (status.state === "failed") this.#warnings.push(`MCP client for \`${status.name}\` failed to start: ${status.error ?? "unknown error"}`);
        this.#options.onStatus?.(status);
      },
      onElicitation: (server, params, signal) => this.#elicit(server, params, signal),
      // A stdio server's tree dies with this process, as the commands' do (tools/exec/reaper).
      guardServer: (pid) => {
        guardSession(pid);
        return () => releaseSession(pid);
      },
    });
  }

  /** The connections; available once `start()` (or any async method) has been awaited. */
  get manager(): McpConnectionManager {
    if (!this.#manager) throw new Error("the MCP runtime is still loading: await start() first");
    return this.#manager;
  }

  /** Starts every server (idempotent); `ok: false` only for a `required` server that failed. */
  async start(): Promise<StartResult> {
    return (await this.#load()).start();
  }

  /**
   * `start()` for the session's own start-up and turns: with no enabled server (and no reload
   * since), done at once without loading the SDK (its schemas cost ~100 ms of a first turn).
   */
  async startIfAny(): Promise<StartResult> {
    if (!this.#loaded && !this.#hasServers()) return { ok: true, statuses: [] };
    return this.start();
  }

  /** The start-up failures since the last call (each told once). */
  takeWarnings(): string[] {
    return this.#warnings.splice(0);
  }

  statuses(): ServerStatus[] {
    if (this.#manager) return this.#manager.statuses();
    return this.#options.servers.filter((s) => s.enabled).map((s) => ({ name: s.name, state: "starting", error: null }));
  }

  /** Replaces the servers (config/mcpServer/reload): the old connections close, the new ones start. */
  async reload(servers: McpServerConfig[]): Promise<StartResult> {
    const old = await this.#load();
    const manager = this.#createManager(await loadMcp(), servers);
    this.#manager = manager;
    await old.close();
    return manager.start();
  }

  async close(): Promise<void> {
    if (!this.#loaded) return;
    await this.#loaded;
    await this.#manager?.close();
  }

  /** Calls a server tool outside a turn (app-server `mcpServer/tool/call`). */
  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, meta?: Record<string, unknown>): Promise<CallOutcome> {
    await this.#load();
    return this.manager.callTool(server, tool, args, meta ? { _meta: meta } : {});
  }

  handlers(_turn: ToolProviderTurn): ToolHandler[] {
    const manager = this.#manager;
    if (!manager || manager.size === 0) return [];
    const deps: McpCallDeps = {
      tool: (server, name) => this.manager.tool(server, name),
      callTool: (server, tool, args, call) => this.#call(server, tool, args, call),
      output: this.#options.originalImageDetail ? { originalImageDetail: true } : ({} satisfies OutputOptions),
    };
    const onElicitation = this.#options.onElicitation;
    if (onElicitation) {
      deps.elicitApproval = (server, call, params) =>
        onElicitation({ server, turnId: call.turnId, callId: call.callId, params }, call.signal);
    }
    const byServer = new Map<string, ToolHandler[]>();
    for (const { server, tool } of manager.tools()) {
      const list = byServer.get(server) ?? [];
      list.push(mcpToolHandler(deps, server, tool));
      byServer.set(server, list);
    }
    const servers = [...byServer.keys()].sort();
    const tools = servers.flatMap((server) =>
      (byServer.get(server) ?? []).sort((a, b) => (a.spec.type === "function" && b.spec.type === "function" ? a.spec.name.localeCompare(b.spec.name) : 0)),
    );
    return [...resourceToolHandlers(manager), ...tools];
  }

  async #call(
    server: string,
    tool: string,
    args: Record<string, unknown> | undefined,
    call: { callId: string; turnId: string; signal: AbortSignal },
  ): Promise<CallOutcome> {
    this.#active.set(call.callId, { server, ...call });
    try {
      return await this.manager.callTool(server, tool, args, {
        signal: call.signal,
        onProgress: (progress) => {
          if (progress.message) this.#options.onProgress?.({ turnId: call.turnId, callId: call.callId, server, message: progress.message });
        },
      });
    } finally {
      this.#active.delete(call.callId);
    }
  }

  async #elicit(server: string, params: ElicitationParams, signal: AbortSignal): Promise<ElicitResult> {
    const handler = this.#options.onElicitation;
    if (!handler) return { action: "decline" };
    const active = [...this.#active.values()].reverse().find((c) => c.server === server);
    const combined = active ? AbortSignal.any([signal, active.signal]) : signal;
    try {
      return await handler({ server, turnId: active?.turnId ?? null, callId: active?.callId ?? null, params }, combined);
    } catch {
      return { action: combined.aborted ? "cancel" : "decline" };
    }
  }
}
