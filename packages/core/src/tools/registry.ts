import { applyPatchHandler } from "./apply-patch/handler.js";
import { dynamicToolHandler } from "./dynamic.js";
import { execCommandHandler, shellCommandHandler, writeStdinHandler } from "./exec/handlers.js";
import { updatePlanHandler } from "./plan.js";
import type {
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
 * The handlers and `tools` array for one turn, chosen by the settings (Codex order: command
 * tools, update_plan, request_user_input, apply_patch, web_search, view_image, dynamic tools).
 * web_search is hosted by the model provider, so it has a spec but no handler.
 */
export function buildToolRegistry(options: ToolRegistryOptions = {}): ToolRegistry {
  const handlers = new Map<string, ToolHandler>();
  const specs: ToolSpec[] = [];
  const add = (handler: ToolHandler) => {
    const name = toolSpecName(handler.spec);
    if (handlers.has(name) || name === "web_search") return;
    handlers.set(name, handler);
    specs.push(handler.spec);
  };

  const shell = options.shellTool ?? "unified_exec";
  if (shell === "unified_exec") {
    add(execCommandHandler());
    add(writeStdinHandler());
  } else if (shell === "shell_command") {
    add(shellCommandHandler());
  }
  if (!options.planMode) add(updatePlanHandler());
  if (options.planMode) add(requestUserInputHandler());
  if (options.requestPermissions) add(requestPermissionsHandler());
  const applyPatch = options.applyPatchToolType ?? "freeform";
  if (applyPatch !== false) add(applyPatchHandler(applyPatch));
  if (options.webSearch) specs.push(webSearchSpec(options.webSearch));
  if (options.viewImage !== false) add(viewImageHandler());
  for (const tool of options.dynamicTools ?? []) add(dynamicToolHandler(tool));

  return { handlers, specs, get: (name) => handlers.get(name) };
}

/**
 * Run a call through the registry. Unknown tools and handler crashes become an error result for
 * the model; nothing is thrown.
 */
export async function dispatchToolCall(
  registry: ToolRegistry,
  call: ToolCall,
  ctx: ToolContext,
): Promise<ToolResult> {
  const handler = registry.get(call.name);
  if (!handler) {
    return { output: `unsupported call: ${call.name}`, success: false };
  }
  try {
    return await handler.handle(call, ctx);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { output: `tool ${call.name} failed: ${message}`, success: false };
  }
}
