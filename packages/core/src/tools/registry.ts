import type { ResponseItem } from "@codex-ts/protocol";
import { applyPatchHandler } from "./apply-patch/handler.js";
import { dynamicToolHandler } from "./dynamic.js";
import { execCommandHandler, shellCommandHandler, writeStdinHandler } from "./exec/handlers.js";
import { withoutInlinePermissions } from "./command-spec.js";
import { updatePlanHandler } from "./plan.js";
import type {
  FunctionToolSpec,
  NamespaceToolSpec,
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolRegistry,
  ToolRegistryOptions,
  ToolResult,
  ToolSpec,
  WebSearchToolSpec,
} from "./types.js";
import { toolSpecName } from "./types.js";
import { requestPermissionsHandler } from "./permissions.js";
import { requestUserInputHandler } from "./user-input.js";
import { viewImageHandler } from "./view-image.js";

export function webSearchSpec(options: ToolRegistryOptions["webSearch"]): WebSearchToolSpec {
  const spec: WebSearchToolSpec = { type: "web_search" };
  if (typeof options === "object" && options.externalWebAccess !== undefined) {
    spec.external_web_access = options.externalWebAccess;
  }
  return spec;
}

/**
 * A source of tools other than the built-in ones (MCP servers, sub-agents, goals, …): the session
 * asks each provider for its handlers at the start of every model request, so a provider may
 * change its tools between requests (an MCP server that came up). A handler with `namespace` is
 * listed inside one `{type: "namespace", name, tools}` spec per namespace and called with
 * `namespace` + `name`.
 */
export interface ToolProvider {
  /** For errors and logs. */
  readonly name: string;
  handlers(turn: ToolProviderTurn): ToolHandler[];
  /**
   * Items the provider adds to the history just before each model request of a turn, after the
   * tools of the previous response ran (goals: a new objective, the budget wrap-up steering).
   */
  beforeRequest?(turn: ToolProviderTurn): readonly ResponseItem[];
  /**
   * Awaited at the start of every turn, before its first request (MCP: servers still starting).
   * A string fails the turn with that error message.
   */
  ready?(): Promise<string | null>;
  /** Warnings for the user, taken once each at the start of a turn (MCP: a server failed to start). */
  takeWarnings?(): string[];
}

/** What a provider knows when it is asked for the tools of a request. */
export interface ToolProviderTurn {
  threadId: string;
  planMode: boolean;
}

const registryKey = (name: string, namespace?: string) => (namespace ? `${namespace}\u0000${name}` : name);

/**
 * The handlers and `tools` array for one turn, chosen by the settings (Codex order: command
 * tools, update_plan, request_user_input, apply_patch, web_search, view_image, dynamic tools),
 * then the `provided` handlers (from `ToolProvider`s) in order. web_search is hosted by the model
 * provider, so it has a spec but no handler. The first handler of a name wins.
 */
export function buildToolRegistry(
  options: ToolRegistryOptions = {},
  provided: readonly ToolHandler[] = [],
): ToolRegistry {
  const handlers = new Map<string, ToolHandler>();
  const specs: ToolSpec[] = [];
  const namespaces = new Map<string, NamespaceToolSpec>();
  const add = (handler: ToolHandler) => {
    const name = toolSpecName(handler.spec);
    const key = registryKey(name, handler.namespace);
    if (handlers.has(key) || name === "web_search") return;
    if (handler.namespace !== undefined) {
      if (handler.spec.type !== "function") return;
      let group = namespaces.get(handler.namespace);
      if (!group) {
        group = { type: "namespace", name: handler.namespace, ...(handler.namespaceDescription ? { description: handler.namespaceDescription } : {}), tools: [] };
        namespaces.set(handler.namespace, group);
        specs.push(group);
      }
      group.tools.push(handler.spec as FunctionToolSpec);
    } else {
      specs.push(handler.spec);
    }
    handlers.set(key, handler);
  };

  const shell = options.shellTool ?? "unified_exec";
  // Without `exec_permission_approvals` the command tools do not offer inline permission requests.
  const command = (handler: ToolHandler): ToolHandler =>
    options.execPermissionApprovals || handler.spec.type !== "function"
      ? handler
      : { ...handler, spec: withoutInlinePermissions(handler.spec) };
  if (shell === "unified_exec") {
    add(command(execCommandHandler()));
    add(writeStdinHandler());
  } else if (shell === "shell_command") {
    add(command(shellCommandHandler()));
  }
  if (!options.planMode) add(updatePlanHandler());
  if (options.planMode) add(requestUserInputHandler());
  if (options.requestPermissions) add(requestPermissionsHandler());
  const applyPatch = options.applyPatchToolType ?? "freeform";
  if (applyPatch !== false) add(applyPatchHandler(applyPatch));
  if (options.webSearch) specs.push(webSearchSpec(options.webSearch));
  if (options.viewImage !== false) add(viewImageHandler());
  for (const tool of options.dynamicTools ?? []) add(dynamicToolHandler(tool));
  for (const handler of provided) add(handler);

  return { handlers, specs, get: (name, namespace) => handlers.get(registryKey(name, namespace)) };
}

/**
 * What runs around every handler (the session's Pre/PostToolUse hooks). Hook contexts and a
 * `continue: false` are the hooks object's own business; dispatch only applies what changes the call.
 */
export interface ToolCallHooks {
  /** Before the handler: `block` is what the model reads instead (the tool does not run); `call` replaces the call. */
  before(call: ToolCall): Promise<{ block?: string; call?: ToolCall }>;
  /** After the handler ran (not after an interrupt or an aborting approval): `output` replaces what the model reads. */
  after(call: ToolCall, result: ToolResult): Promise<{ output?: string }>;
}

/**
 * Run a call through the registry: look up, check function arguments are JSON, run the hooks
 * around the handler, run it. Unknown tools, invalid JSON and handler crashes become an error
 * result for the model; nothing is thrown.
 */
export async function dispatchToolCall(
  registry: ToolRegistry,
  call: ToolCall,
  ctx: ToolContext,
  hooks?: ToolCallHooks,
): Promise<ToolResult> {
  const handler = registry.get(call.name, call.namespace);
  if (!handler) {
    return { output: `unsupported call: ${call.name}`, success: false };
  }
  if (call.payload.type === "function") {
    try {
      JSON.parse(call.payload.arguments || "{}");
    } catch (error) {
      return {
        output: `failed to parse function arguments for ${call.name}: ${(error as Error).message}`,
        success: false,
      };
    }
    if (call.payload.arguments.trim() === "")
      call = { ...call, payload: { type: "function", arguments: "{}" } };
  }
  if (hooks) {
    const pre = await hooks.before(call);
    if (pre.block !== undefined) return { output: pre.block, success: false };
    if (pre.call) call = pre.call;
  }
  let result: ToolResult;
  try {
    result = await handler.handle(call, ctx);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    result = { output: `tool ${call.name} failed: ${message}`, success: false };
  }
  if (hooks && !ctx.signal.aborted && !result.abortTurn) {
    const post = await hooks.after(call, result);
    if (post.output !== undefined) result = { ...result, output: post.output };
  }
  return result;
}
