// All MCP servers of one session: started together, each with its own status; a server that fails
// to start is left out of the tools (unless `required`, which fails the start-up as a whole).
import type {
  ListResourcesResult,
  ListResourceTemplatesResult,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "./config.js";
import { type CallOptions, type CallOutcome, type ConnectionOptions, McpConnection, type ServerStatus } from "./connection.js";

export interface ManagerOptions extends ConnectionOptions {
  /** Every start-up state change (starting → ready | failed | cancelled). */
  onStatus?: (status: ServerStatus) => void;
}

export interface ServerTool {
  server: string;
  tool: Tool;
}

export type StartResult = { ok: true; statuses: ServerStatus[] } | { ok: false; error: string; statuses: ServerStatus[] };

export class McpConnectionManager {
  readonly #connections = new Map<string, McpConnection>();
  readonly #options: ManagerOptions;
  #started: Promise<StartResult> | null = null;

  /** `configs` as parsed by `parseMcpServers`; disabled servers are kept out. */
  constructor(configs: McpServerConfig[], options: ManagerOptions = {}) {
    this.#options = options;
    for (const config of configs) {
      if (config.enabled) this.#connections.set(config.name, new McpConnection(config, options));
    }
  }

  /** Names of the enabled servers, in config order. */
  get serverNames(): string[] {
    return [...this.#connections.keys()];
  }

  get size(): number {
    return this.#connections.size;
  }

  connection(server: string): McpConnection | undefined {
    return this.#connections.get(server);
  }

  /**
   * Starts every server at once (idempotent). Fails only when a `required` server could not
   * start; the others' failures are in their statuses.
   */
  start(): Promise<StartResult> {
    this.#started ??= this.#startAll();
    return this.#started;
  }

  async #startAll(): Promise<StartResult> {
    const connections = [...this.#connections.values()];
    for (const connection of connections) this.#options.onStatus?.(connection.status);
    const statuses = await Promise.all(
      connections.map(async (connection) => {
        const status = await connection.start();
        this.#options.onStatus?.(status);
        return status;
      }),
    );
    const failedRequired = connections.find((c) => c.config.required && c.status.state !== "ready");
    if (failedRequired) {
      return {
        ok: false,
        error: `required MCP server ${failedRequired.name} failed to start: ${failedRequired.status.error ?? "unknown error"}`,
        statuses,
      };
    }
    return { ok: true, statuses };
  }

  statuses(): ServerStatus[] {
    return [...this.#connections.values()].map((c) => c.status);
  }

  /** Tools of the servers that are up, filtered by each server's enabled/disabled lists. */
  tools(): ServerTool[] {
    const out: ServerTool[] = [];
    for (const connection of this.#connections.values()) {
      if (connection.status.state !== "ready" && connection.tools.length === 0) continue;
      for (const tool of connection.tools) out.push({ server: connection.name, tool });
    }
    return out;
  }

  tool(server: string, name: string): Tool | undefined {
    return this.#connections.get(server)?.tools.find((t) => t.name === name);
  }

  /** Calls a tool; unknown servers, timeouts and crashes are `{ok: false, error}`, never exceptions. */
  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, options: CallOptions = {}): Promise<CallOutcome> {
    const connection = this.#connections.get(server);
    if (!connection) return { ok: false, error: `unknown MCP server: ${server}` };
    return connection.callTool(tool, args, options);
  }

  #require(server: string): McpConnection {
    const connection = this.#connections.get(server);
    if (!connection) throw new Error(`unknown MCP server: ${server}`);
    return connection;
  }

  async listResources(server: string, cursor?: string): Promise<ListResourcesResult> {
    return this.#require(server).listResources(cursor);
  }

  async listResourceTemplates(server: string, cursor?: string): Promise<ListResourceTemplatesResult> {
    return this.#require(server).listResourceTemplates(cursor);
  }

  /** Every ready server's resources (first page each), by server name. */
  allResources(): Promise<Record<string, Resource[]>> {
    return this.#fromReadyServers(async (c) => (await c.listResources()).resources);
  }

  /** Every ready server's resource templates (first page each), by server name. */
  allResourceTemplates(): Promise<Record<string, ResourceTemplate[]>> {
    return this.#fromReadyServers(async (c) => (await c.listResourceTemplates()).resourceTemplates);
  }

  /** `list` of every ready server; a server whose listing fails counts as empty. */
  async #fromReadyServers<T>(list: (connection: McpConnection) => Promise<T[]>): Promise<Record<string, T[]>> {
    const out: Record<string, T[]> = {};
    for (const connection of this.#connections.values()) {
      if (connection.status.state !== "ready") continue;
      out[connection.name] = await list(connection).catch(() => []);
    }
    return out;
  }

  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    return this.#require(server).readResource(uri);
  }

  /** Closes every connection (stdio servers exit). */
  async close(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((c) => c.close()));
  }
}
