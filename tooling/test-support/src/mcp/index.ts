// Real MCP servers for tests (see ./test-server.mjs for the tools): a stdio command line to put in a
// config, and a streamable-HTTP server in a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ItemSpec, sse } from "../sse.js";
import { TEST_PNG_BASE64 } from "./test-image.mjs";

export { TEST_PNG_BASE64 };

/** The tools the test server offers, in registration order (the order tools/list returns). */
export const MCP_TEST_TOOLS = ["echo", "lookup", "picture", "fail", "slow", "write_note", "ask_name", "pid", "headers", "crash"] as const;

/** A model call of an MCP tool, as Codex's model sends it: `namespace: "mcp__<server>"` + `name`. */
export function mcpToolCall(server: string, tool: string, args: unknown, callId: string): ItemSpec {
  const spec = sse.functionCall(tool, args, { callId });
  spec.item.namespace = `mcp__${server}`;
  return spec;
}

/** The test-support package root (from src/ in tests, from dist/ in built consumers). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "@codex-ts/test-support") {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("test-support package root not found");
    dir = parent;
  }
}

/** Absolute path of the MCP test server script (run it with `node`). */
export function mcpTestServerScript(): string {
  return join(packageRoot(), "src", "mcp", "test-server.mjs");
}

export interface McpTestServerEnv {
  /** Server name reported in initialize (serverInfo.name). */
  name?: string;
  startupDelayMs?: number;
  exitAtStart?: boolean;
  /** HTTP only: reject requests without `Authorization: Bearer <token>`. */
  requireToken?: string;
}

function serverEnv(options: McpTestServerEnv): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.name) env.MCP_TEST_NAME = options.name;
  if (options.startupDelayMs) env.MCP_TEST_STARTUP_DELAY_MS = String(options.startupDelayMs);
  if (options.exitAtStart) env.MCP_TEST_EXIT_AT_START = "1";
  if (options.requireToken) env.MCP_TEST_REQUIRE_TOKEN = options.requireToken;
  return env;
}

/** A stdio server as `[mcp_servers.x]` wants it: `command`, `args`, `env`. */
export function mcpStdioTestServer(options: McpTestServerEnv = {}): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: [mcpTestServerScript()], env: serverEnv(options) };
}

/** TOML lines for `[mcp_servers.<name>]` running the stdio test server (plus `extra` lines). */
export function mcpStdioTestServerToml(name: string, options: McpTestServerEnv = {}, extra: string[] = []): string {
  const server = mcpStdioTestServer(options);
  const env = Object.entries(server.env).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return [
    `[mcp_servers.${name}]`,
    `command = ${JSON.stringify(server.command)}`,
    `args = ${JSON.stringify(server.args)}`,
    ...extra,
    ...(env.length > 0 ? [`[mcp_servers.${name}.env]`, ...env] : []),
    "",
  ].join("\n");
}

export interface McpHttpTestServer {
  /** The streamable-HTTP endpoint, e.g. http://127.0.0.1:PORT/mcp. */
  url: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Starts the test server over streamable HTTP in a child process. */
export async function startMcpHttpTestServer(options: McpTestServerEnv = {}): Promise<McpHttpTestServer> {
  const child = spawn(process.execPath, [mcpTestServerScript(), "--http"], {
    env: { ...process.env, ...serverEnv(options) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const match = /listening (\S+)/.exec(buffered);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`MCP HTTP test server exited (${code}) before listening`)));
    child.once("error", reject);
  });
  return {
    url,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
