// MCP on a session: the `toolProviders` entry that starts the configured servers when the session
// is created, offers their tools on every request, and closes them when the session shuts down.
import type { Session, ToolProviderSource } from "../session/session.js";
import type { ToolProvider } from "../tools/registry.js";
import { McpRuntime, type McpSessionOptions } from "./runtime.js";

const runtimes = new WeakMap<Session, McpRuntime>();

/** The MCP runtime of a session created with `mcpFor` (app-server methods reach servers through it). */
export function mcpRuntimeOf(session: Session): McpRuntime | undefined {
  return runtimes.get(session);
}

/**
 * The `toolProviders` entry for a session's MCP servers. The servers start as soon as the session
 * exists; every turn waits for the start-up to finish (each server within its own timeout) and a
 * `required` server that failed ends the turn with an error.
 */
export function mcpFor(options: McpSessionOptions): ToolProviderSource {
  return (session: Session): ToolProvider => {
    const runtime = new McpRuntime({ cwd: session.settings().cwd, ...options });
    runtimes.set(session, runtime);
    void runtime.startIfAny();
    const unsubscribe = session.subscribe((event) => {
      if (event.msg.type !== "shutdown_complete") return;
      unsubscribe();
      void runtime.close();
    });
    return {
      name: "mcp",
      handlers: (turn) => runtime.handlers(turn),
      ready: async () => {
        const result = await runtime.startIfAny();
        return result.ok ? null : result.error;
      },
      takeWarnings: () => runtime.takeWarnings(),
    };
  };
}
