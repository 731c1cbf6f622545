// Sub-agents: the `multi_agent_v1` tools as a ToolProvider, and the pieces surfaces need.
import type { Session } from "../session/session.js";
import type { ToolProvider } from "../tools/registry.js";
import type { AgentsConfig } from "./config.js";
import { agentsConfigFromToml } from "./config.js";
import { AgentControl } from "./control.js";
import { multiAgentHandlers, notifyParentOnFinish } from "./tools.js";

export {
  type AgentSandboxMode,
  type AgentsConfig,
  type AgentType,
  agentsConfigFromToml,
  DEFAULT_AGENT_MAX_DEPTH,
  DEFAULT_AGENT_MAX_THREADS,
  DEFAULT_AGENT_TYPE,
} from "./config.js";
export { AgentControl, type AgentRecord } from "./control.js";
export { type CollabTurnItem, collabItemToExec, isCollabTurnItem } from "./items.js";
export { type AgentStatus, isFinal, statusMessage, statusName, subagentNotification } from "./status.js";
export {
  DEFAULT_WAIT_TIMEOUT_MS,
  MAX_WAIT_TIMEOUT_MS,
  MIN_WAIT_TIMEOUT_MS,
  MULTI_AGENT_NAMESPACE,
} from "./tools.js";

/**
 * The sub-agent tools for a session (`SessionOptions.toolProviders`). Each root session gets its
 * own AgentControl; the children it spawns inherit this provider and join their root's control,
 * so limits count the whole tree. A session at `max_depth` gets no multi-agent tools (as Codex).
 */
export function multiAgentTools(
  config: AgentsConfig = agentsConfigFromToml(undefined).config,
): (session: Session) => ToolProvider {
  /** The control of each child this provider spawned (set just before the child is created). */
  const controls = new Map<string, AgentControl>();
  return (session) => {
    const control = controls.get(session.threadId) ?? new AgentControl(config, session.threadId);
    controls.set(session.threadId, control);
    const handlers = multiAgentHandlers(session, control, (childId) => controls.set(childId, control));
    notifyParentOnFinish(session, control);
    const allowed = () => control.depthOf(session.threadId) < config.maxDepth;
    return { name: "multi_agent", handlers: () => (allowed() ? handlers : []) };
  };
}
