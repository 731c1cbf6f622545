// Methods and glue for MCP: mcpServerStatus/list, mcpServer/tool/call, mcpServer/resource/read,
// config/mcpServer/reload; per thread, the session's MCP provider whose start-up statuses become
// mcpServer/startupStatus/updated, whose call progress becomes item/mcpToolCall/progress, and
// whose servers' elicitations become mcpServer/elicitation/request server requests.
import {
  type Config,
  mcpFor,
  type McpElicitationRequest,
  type McpRuntime,
  mcpRuntimeOf,
  type ToolProviderSource,
} from "@codex-ts/core";
import {
  type ElicitResult,
  loadMcpConnections,
  type McpConnection,
  type McpConnectionManager,
  type McpServerConfig,
  type ServerStatus,
} from "@codex-ts/mcp";
import { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { loadEffectiveConfig } from "../config.js";
import { errorMessage, invalidParams, invalidRequest } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import type { LiveThread } from "../thread.js";
import { paginate } from "./catalog.js";

/* ---------------------------------------------------------------- params */

// The protocol's v2 schemas; a tool call's `arguments` and `_meta` must be objects (the MCP call
// takes a JSON object), which the official schema leaves as any JSON value.
const ListMcpServerStatusParams = v2.ListMcpServerStatusParams;
const McpServerToolCallParams = v2.McpServerToolCallParams.extend({
  arguments: z.record(z.string(), z.unknown()).nullish(),
  _meta: z.record(z.string(), z.unknown()).nullish(),
});
const McpResourceReadParams = v2.McpResourceReadParams;
const EmptyParams = z.object({});

/* ---------------------------------------------------------------- statuses */

type ConnectionStatus = "notStarted" | "starting" | "connected" | "failed" | "cancelled" | "disabled";

const RUNTIME_STATUS: Record<ServerStatus["state"], ConnectionStatus> = {
  starting: "starting",
  ready: "connected",
  failed: "failed",
  cancelled: "cancelled",
};

function httpOrigin(config: McpServerConfig): string | null {
  if (config.transport !== "streamable_http") return null;
  try {
    const origin = new URL(config.url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

function authStatus(config: McpServerConfig): string {
  if (config.transport !== "streamable_http") return "unsupported";
  return config.bearerTokenEnvVar !== null ? "bearerToken" : "unknown";
}

/** One server's `McpServerStatus`: from its live connection when there is one, else from config. */
async function serverStatus(config: McpServerConfig, connection: McpConnection | undefined, full: boolean): Promise<Record<string, unknown>> {
  const base = {
    name: config.name,
    authStatus: authStatus(config),
    httpOrigin: httpOrigin(config),
    pluginId: null,
    serverInfo: null as Record<string, unknown> | null,
    serverCapabilities: null as unknown,
    runtimeStatus: (config.enabled ? "notStarted" : "disabled") as ConnectionStatus,
    tools: {} as Record<string, unknown>,
    resources: [] as unknown[],
    resourceTemplates: [] as unknown[],
    toolsError: null as string | null,
  };
  if (!connection) return base;
  const status = connection.status;
  base.runtimeStatus = RUNTIME_STATUS[status.state];
  if (status.state === "failed") base.toolsError = status.error;
  if (status.state !== "ready") return base;
  const info = connection.serverInfo;
  if (info) {
    base.serverInfo = { name: info.name, version: info.version, title: info.title ?? null, description: null, icons: null, websiteUrl: null };
  }
  base.serverCapabilities = connection.serverCapabilities ?? null;
  base.tools = Object.fromEntries(connection.tools.map((tool) => [tool.name, tool]));
  if (full) {
    base.resources = await connection.listResources().then((r) => r.resources, () => []);
    base.resourceTemplates = await connection.listResourceTemplates().then((r) => r.resourceTemplates, () => []);
  }
  return base;
}

/* ---------------------------------------------------------------- per thread */

function elicitationParams(thread: LiveThread, request: McpElicitationRequest): Record<string, unknown> {
  const base = { threadId: thread.id, turnId: request.turnId, serverName: request.server };
  const p = request.params as Record<string, unknown>;
  const meta = p._meta !== undefined ? { _meta: p._meta } : {};
  if (p.mode === "url") {
    return { ...base, mode: "url", message: p.message, url: p.url, elicitationId: p.elicitationId, ...meta };
  }
  return { ...base, mode: "form", message: p.message, requestedSchema: p.requestedSchema, ...meta };
}

/** Asks the thread's client; an interrupt (or no answer) cancels. */
async function askClient(thread: LiveThread, request: McpElicitationRequest, signal: AbortSignal): Promise<ElicitResult> {
  if (signal.aborted) return { action: "cancel" };
  const outcome = await thread.serverRequest("mcpServer/elicitation/request", elicitationParams(thread, request));
  if (outcome.kind !== "result") return { action: "cancel" };
  const parsed = v2.McpServerElicitationRequestResponse.safeParse(outcome.result);
  if (!parsed.success) return { action: "decline" };
  const answer = parsed.data;
  if (answer.action !== "accept") return { action: answer.action };
  const content = typeof answer.content === "object" && answer.content !== null ? (answer.content as ElicitResult["content"]) : {};
  return { action: "accept", ...(content ? { content } : {}) };
}

/**
 * The session's `toolProviders` entry for a thread's MCP servers (glue for thread start, resume
 * and fork): statuses, progress and elicitations go to the thread's clients.
 */
export function threadMcpProvider(thread: LiveThread, config: Config, env: Record<string, string | undefined>): ToolProviderSource {
  return mcpFor({
    servers: config.mcpServerConfigs,
    env,
    onStatus: (status) =>
      thread.notify("mcpServer/startupStatus/updated", {
        name: status.name,
        status: status.state,
        error: status.error,
        failureReason: null,
        threadId: thread.id,
      }),
    onProgress: (progress) =>
      thread.notify("item/mcpToolCall/progress", {
        threadId: thread.id,
        turnId: progress.turnId,
        itemId: progress.callId,
        message: progress.message,
      }),
    onElicitation: (request, signal) => askClient(thread, request, signal),
  });
}

/* ---------------------------------------------------------------- methods */

/** Connections outside a thread; @codex-ts/mcp (the MCP SDK) loads only when a request needs one. */
async function newManager(servers: McpServerConfig[], env: Record<string, string | undefined>): Promise<McpConnectionManager> {
  const { McpConnectionManager } = await loadMcpConnections();
  return new McpConnectionManager(servers, { env });
}

export function mcpMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const threads = runtime.threads;
  const config = (cwd?: string) =>
    loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env, ...(cwd ? { cwd } : {}) }).config;
  const liveRuntime = (threadId: string): { thread: LiveThread; mcp: McpRuntime } => {
    const thread = threads.loaded(threadId);
    const mcp = mcpRuntimeOf(thread.session);
    if (!mcp) throw invalidRequest(`thread ${threadId} has no MCP servers`);
    return { thread, mcp };
  };
  /** A throw-away connection to one configured server (no thread to borrow one from). */
  const withServer = async <T>(name: string, work: (connection: McpConnection) => Promise<T>): Promise<T> => {
    const server = config().mcpServerConfigs.find((s) => s.name === name && s.enabled);
    if (!server) throw invalidParams(`unknown MCP server: ${name}`);
    const manager = await newManager([server], runtime.env);
    try {
      await manager.start();
      const connection = manager.connection(name);
      if (connection?.status.state !== "ready") throw invalidRequest(connection?.status.error ?? `MCP server ${name} did not start`);
      return await work(connection);
    } finally {
      await manager.close();
    }
  };

  return [
    [
      "mcpServerStatus/list",
      method({
        params: ListMcpServerStatusParams,
        handler: async (p) => {
          const full = p.detail !== "toolsAndAuthOnly";
          const live = p.threadId ? liveRuntime(p.threadId) : null;
          const cwd = live ? live.thread.session.settings().cwd : undefined;
          const configs = config(cwd).mcpServerConfigs
            .filter((s) => !p.serverName || s.name === p.serverName)
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
          const page = paginate(configs, p.cursor, p.limit);
          if (live) {
            await live.mcp.start();
            const data = await Promise.all(page.data.map((s) => serverStatus(s, live.mcp.manager.connection(s.name), full)));
            return { data, nextCursor: page.nextCursor };
          }
          // No thread: connect to the listed servers for the inventory, then close them.
          const manager = await newManager(page.data, runtime.env);
          try {
            await manager.start();
            const data = await Promise.all(page.data.map((s) => serverStatus(s, manager.connection(s.name), full)));
            return { data, nextCursor: page.nextCursor };
          } finally {
            await manager.close();
          }
        },
      }),
    ],
    [
      "mcpServer/tool/call",
      method({
        params: McpServerToolCallParams,
        handler: async (p) => {
          const { mcp } = liveRuntime(p.threadId);
          await mcp.start();
          if (!mcp.manager.connection(p.server)) throw invalidParams(`unknown MCP server: ${p.server}`);
          const outcome = await mcp.callTool(p.server, p.tool, p.arguments ?? undefined, p._meta ?? undefined);
          if (!outcome.ok) throw invalidRequest(outcome.error);
          const result = outcome.result;
          return {
            content: result.content,
            isError: result.isError ?? null,
            ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
            ...(result._meta !== undefined ? { _meta: result._meta } : {}),
          };
        },
      }),
    ],
    [
      "mcpServer/resource/read",
      method({
        params: McpResourceReadParams,
        handler: async (p) => {
          const read = async (connection: McpConnection) => {
            try {
              return { contents: (await connection.readResource(p.uri)).contents };
            } catch (error) {
              throw invalidRequest(`cannot read ${p.uri} from MCP server ${p.server}: ${errorMessage(error)}`);
            }
          };
          if (!p.threadId) return withServer(p.server, read);
          const { mcp } = liveRuntime(p.threadId);
          await mcp.start();
          const connection = mcp.manager.connection(p.server);
          if (!connection) throw invalidParams(`unknown MCP server: ${p.server}`);
          return read(connection);
        },
      }),
    ],
    [
      "config/mcpServer/reload",
      method({
        params: EmptyParams,
        handler: async () => {
          for (const thread of threads.threads.values()) {
            const mcp = mcpRuntimeOf(thread.session);
            if (!mcp) continue;
            await mcp.reload(config(thread.session.settings().cwd).mcpServerConfigs);
          }
          return {};
        },
      }),
    ],
  ];
}
