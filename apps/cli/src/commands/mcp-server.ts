// `codex-ts mcp-server`: Codex as an MCP server over stdio (the SDK's McpServer), as earlier Codex
// shipped it. Tool `codex` starts a session with a prompt and answers with the final message and
// the thread id; `codex-reply` continues a session of this server by thread id. Command and patch
// approvals are asked of the client through MCP elicitation (declined when it cannot answer).
import { type ApprovalRequest, type Config, createSession, loadConfig, mcpFor, type ReviewDecision, rolloutRecorder, type Session, sessionOptionsFromConfig } from "@codex-ts/core";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type CallToolResult, CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { RolloutWriter, newThreadId } from "@codex-ts/rollout";
import type { GlobalOverrides } from "../cli.js";
import { configOverrides } from "../config.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { VERSION } from "../version.js";
import { parseLeaf } from "./common.js";
import { MCP_SERVER } from "./mcp-spec.js";

const str = { type: "string" } as const;

const TOOLS: Tool[] = [
  {
    name: "codex",
    title: "Codex",
    description:
      "Start a Codex session: runs the prompt to the end and answers with Codex's final message and the thread id (for codex-reply).",
    inputSchema: {
      type: "object",
      properties: {
        prompt: { ...str, description: "The user's first message: what Codex should do" },
        model: { ...str, description: "Model to use (default: config.toml's)" },
        profile: { ...str, description: "A [profiles.NAME] of config.toml" },
        cwd: { ...str, description: "Working directory of the session (default: the server's)" },
        "approval-policy": { type: "string", enum: ["untrusted", "on-failure", "on-request", "never"] },
        sandbox: { type: "string", enum: ["read-only", "workspace-write", "danger-full-access"] },
        config: { type: "object", description: "config.toml overrides, as dotted keys", additionalProperties: true },
        "base-instructions": str,
        "developer-instructions": str,
      },
      required: ["prompt"],
    },
  },
  {
    name: "codex-reply",
    title: "Codex reply",
    description: "Continue a Codex session started by the codex tool, with the next user message.",
    inputSchema: {
      type: "object",
      properties: {
        threadId: { ...str, description: "The thread id the codex tool answered with" },
        conversationId: { ...str, description: "Old name of threadId" },
        prompt: { ...str, description: "The next user message" },
      },
      required: ["prompt"],
    },
  },
];

type Args = Record<string, unknown>;

/** A string argument; `undefined` when absent, an error message when it has another type. */
function stringArg(args: Args, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`argument ${key} must be a string`);
  return value;
}

/** A JSON value as the TOML text a `-c key=value` override takes. */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${tomlValue(v)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}

interface Live {
  session: Session;
  writer: RolloutWriter | null;
  /** Turns of one session run one after another. */
  queue: Promise<unknown>;
}

function textResult(text: string, threadId: string | null, isError = false): CallToolResult {
  return {
    content: [{ type: "text", text }],
    ...(threadId ? { structuredContent: { threadId, content: text } } : {}),
    ...(isError ? { isError: true } : {}),
  };
}

/** Runs one turn to its end: the final agent message, or the error that ended it. */
async function runTurn(session: Session, prompt: string): Promise<{ ok: boolean; text: string }> {
  let lastError: string | null = null;
  const done = new Promise<{ ok: boolean; text: string }>((resolve) => {
    const unsubscribe = session.subscribe((event) => {
      const msg = event.msg;
      if (msg.type === "error") lastError = msg.message;
      if (msg.type === "task_complete" || msg.type === "turn_aborted") {
        unsubscribe();
        if (msg.type === "turn_aborted") resolve({ ok: false, text: `the turn was aborted (${msg.reason})` });
        else if (lastError !== null && msg.last_agent_message === null) resolve({ ok: false, text: lastError });
        else resolve({ ok: true, text: msg.last_agent_message ?? "" });
      }
    });
  });
  session.submit({ type: "user_input", items: [{ type: "text", text: prompt, text_elements: [] }] });
  return done;
}

function describeApproval(request: ApprovalRequest): string {
  if (request.kind === "exec") return `Allow Codex to run \`${request.command.join(" ")}\` in ${request.cwd}?${request.reason ? ` (${request.reason})` : ""}`;
  return `Allow Codex to change ${Object.keys(request.changes).join(", ")}?${request.reason ? ` (${request.reason})` : ""}`;
}

export async function runMcpServerCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const parsed = parseLeaf(MCP_SERVER, argv, io, "codex-ts mcp-server");
  if ("exit" in parsed) return parsed.exit;
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const base = configOverrides(parsed.values, globals);
  if (!base.ok) return usageError(io, base.error, "codex-ts mcp-server");
  const check = loadConfig({ codexHome: home.path, overrides: base.overrides, cwd: io.cwd, env: io.env });
  if (!check.ok) return failure(io, check.error);

  const server = new Server({ name: "codex-ts-mcp-server", version: VERSION }, { capabilities: { tools: {} } });
  const live = new Map<string, Live>();

  const approve = async (request: ApprovalRequest): Promise<ReviewDecision> => {
    if (!server.getClientCapabilities()?.elicitation) return "denied";
    try {
      const answer = await server.elicitInput({ mode: "form", message: describeApproval(request), requestedSchema: { type: "object", properties: {} } });
      return answer.action === "accept" ? "approved" : answer.action === "cancel" ? "abort" : "denied";
    } catch {
      return "denied";
    }
  };

  const startSession = async (args: Args): Promise<{ ok: true; threadId: string; live: Live } | { ok: false; error: string }> => {
    const overrides = [...base.overrides];
    const config = args.config;
    if (config !== undefined && (typeof config !== "object" || config === null || Array.isArray(config))) return { ok: false, error: "argument config must be an object" };
    for (const [key, value] of Object.entries(config ?? {})) overrides.push(`${key}=${tomlValue(value)}`);
    const settings: Record<string, string> = { model: "model", "approval-policy": "approval_policy", sandbox: "sandbox_mode" };
    for (const [arg, key] of Object.entries(settings)) {
      const value = stringArg(args, arg);
      if (value !== undefined) overrides.push(`${key}=${tomlValue(value)}`);
    }
    const cwd = stringArg(args, "cwd") ?? io.cwd;
    const profile = stringArg(args, "profile");
    const loaded = loadConfig({ codexHome: home.path, overrides, cwd, env: io.env, ...(profile ? { profile } : {}) });
    if (!loaded.ok) return { ok: false, error: loaded.error };
    const effective: Config = loaded.config;
    const threadId = newThreadId();
    const options = sessionOptionsFromConfig(effective, cwd, { threadId, env: io.env, approvalHandler: approve });
    const baseInstructions = stringArg(args, "base-instructions");
    if (baseInstructions) options.baseInstructions = baseInstructions;
    const developerInstructions = stringArg(args, "developer-instructions");
    if (developerInstructions) options.developerInstructions = developerInstructions;
    if (effective.mcpServerConfigs.length > 0) {
      options.toolProviders = [...(options.toolProviders ?? []), mcpFor({ servers: effective.mcpServerConfigs, env: io.env })];
    }
    const created = await RolloutWriter.create({
      codexHome: home.path,
      threadId,
      meta: { cwd, originator: "codex_mcp_server", cli_version: VERSION, source: "mcp", model_provider: effective.modelProviderId },
    });
    const writer = created.ok ? created.value : null;
    if (writer) {
      options.recorder = rolloutRecorder(writer);
      options.transcriptPath = writer.path;
    }
    const entry: Live = { session: createSession(options), writer, queue: Promise.resolve() };
    live.set(threadId, entry);
    return { ok: true, threadId, live: entry };
  };

  const turnOn = (threadId: string, entry: Live, prompt: string): Promise<CallToolResult> => {
    const run = entry.queue.then(() => runTurn(entry.session, prompt));
    entry.queue = run.catch(() => {});
    return run.then((r) => textResult(r.text, threadId, !r.ok));
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const args: Args = request.params.arguments ?? {};
    try {
      const prompt = stringArg(args, "prompt");
      if (prompt === undefined) return textResult("argument prompt is required", null, true);
      if (request.params.name === "codex") {
        const started = await startSession(args);
        if (!started.ok) return textResult(started.error, null, true);
        return await turnOn(started.threadId, started.live, prompt);
      }
      if (request.params.name === "codex-reply") {
        const threadId = stringArg(args, "threadId") ?? stringArg(args, "conversationId");
        if (!threadId) return textResult("argument threadId is required", null, true);
        const entry = live.get(threadId);
        if (!entry) return textResult(`unknown thread: ${threadId} (only sessions started by this server can be continued)`, null, true);
        return await turnOn(threadId, entry, prompt);
      }
      return textResult(`unknown tool: ${request.params.name}`, null, true);
    } catch (error) {
      return textResult((error as Error).message, null, true);
    }
  });

  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    io.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  await closed;
  for (const entry of live.values()) {
    await entry.session.shutdown().catch(() => {});
    await entry.writer?.close();
  }
  await server.close().catch(() => {});
  return EXIT_OK;
}
