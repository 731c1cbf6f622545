// The JSON a hook command reads on stdin: snake_case, in the key order Codex 0.169 writes it, with
// a thread-spawned subagent's identity where Codex adds it.
import type { HookCommandInput } from "@codex-ts/protocol";
import type { HookRequest } from "./engine.js";

/** Who a subagent's hooks run for (see `HookEngine.forSubagent`). */
export interface SubagentIdentity {
  /** The subagent's thread id (`agent_id`). */
  agentId: string;
  /** Its resolved agent type (`agent_type`), `default` when none was asked for. */
  agentType: string;
  /** The parent's rollout: SubagentStop's `transcript_path` (the child's is `agent_transcript_path`). */
  parentTranscriptPath?: string | null;
}

/** A hook's input; inside a subagent the ordinary events also carry `agent_id` / `agent_type`. */
export type HookInput = HookCommandInput & { agent_id?: string; agent_type?: string };

/**
 * The input of `request`. Inside a subagent (`subagent` set), UserPromptSubmit, PreToolUse,
 * PostToolUse, Stop and the compaction events carry `agent_id` and `agent_type` right after
 * `turn_id`, and SubagentStop's `transcript_path` is the parent's — as Codex 0.169 writes them.
 */
export function hookInput(request: HookRequest, subagent: SubagentIdentity | null = null): HookInput {
  const own = request.event !== "SubagentStart" && request.event !== "SubagentStop" && request.event !== "SessionStart";
  const head = {
    session_id: request.sessionId,
    turn_id: request.turnId,
    ...(subagent && own ? { agent_id: subagent.agentId, agent_type: subagent.agentType } : {}),
  };
  const common = <M extends object>(transcriptPath: string | null, more: M) => ({
    ...head,
    transcript_path: transcriptPath,
    ...more,
    cwd: request.cwd,
    hook_event_name: request.event,
    model: request.model,
  });
  const withMode = { ...common(request.transcriptPath, {}), permission_mode: request.permissionMode };
  switch (request.event) {
    case "SessionStart":
      return { ...withMode, hook_event_name: request.event, source: request.source };
    case "UserPromptSubmit":
      return { ...withMode, hook_event_name: request.event, prompt: request.prompt };
    case "PreToolUse":
      return {
        ...withMode,
        hook_event_name: request.event,
        tool_name: request.toolName,
        tool_input: request.toolInput,
        tool_use_id: request.toolUseId,
      };
    case "PostToolUse":
      return {
        ...withMode,
        hook_event_name: request.event,
        tool_name: request.toolName,
        tool_input: request.toolInput,
        tool_response: request.toolResponse,
        tool_use_id: request.toolUseId,
      };
    case "Stop":
      return {
        ...withMode,
        hook_event_name: request.event,
        stop_hook_active: request.stopHookActive,
        last_assistant_message: request.lastAssistantMessage,
      };
    case "SubagentStart":
      return { ...withMode, hook_event_name: request.event, agent_id: request.agentId, agent_type: request.agentType };
    case "SubagentStop": {
      const parentPath = subagent?.parentTranscriptPath;
      return {
        ...common(parentPath !== undefined ? parentPath : request.transcriptPath, {
          agent_transcript_path: request.agentTranscriptPath,
        }),
        permission_mode: request.permissionMode,
        hook_event_name: request.event,
        stop_hook_active: request.stopHookActive,
        agent_id: request.agentId,
        agent_type: request.agentType,
        last_assistant_message: request.lastAssistantMessage,
      };
    }
    case "PreCompact":
    case "PostCompact":
      return { ...common(request.transcriptPath, {}), hook_event_name: request.event, trigger: request.trigger };
  }
}
