import type {
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolRegistry,
  ToolRegistryOptions,
  ToolResult,
  ToolSpec,
} from "./types.js";
import { toolSpecName } from "./types.js";
import { applyPatchHandler } from "./apply-patch/handler.js";
import { execCommandHandler, shellCommandHandler, writeStdinHandler } from "./exec/handlers.js";

/** The built-in handlers enabled by the options, in `tools` array order. */
function builtinHandlers(options: ToolRegistryOptions): ToolHandler[] {
  const out: ToolHandler[] = [];
  const shell = options.shellTool ?? "unified_exec";
  if (shell === "unified_exec") out.push(execCommandHandler(), writeStdinHandler());
  else if (shell === "shell_command") out.push(shellCommandHandler());
  const applyPatch = options.applyPatchToolType ?? "freeform";
  if (applyPatch !== false) out.push(applyPatchHandler(applyPatch));
  return out;
}

/** The handlers and `tools` array for one turn, chosen by the settings. */
export function buildToolRegistry(options: ToolRegistryOptions = {}): ToolRegistry {
  const handlers = new Map<string, ToolHandler>();
  const specs: ToolSpec[] = [];
  for (const handler of builtinHandlers(options)) {
    const name = toolSpecName(handler.spec);
    if (handlers.has(name)) continue;
    handlers.set(name, handler);
    specs.push(handler.spec);
  }
  return { handlers, specs, get: (name) => handlers.get(name) };
}

/** Run a call through the registry; unknown tools become an error result for the model. */
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
