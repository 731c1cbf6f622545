import type { v2 } from "@codex-ts/protocol";
import type { StoredThread, ThreadPage } from "./types.js";

/** Extra facts only the caller (app-server) knows: whether the thread is loaded, and its turns. */
export interface V2ThreadOverrides {
  status?: v2.Thread["status"];
  turns?: v2.Thread["turns"];
  ephemeral?: boolean;
}

/**
 * A stored thread as a v2 `Thread` (times in seconds, core session source mapped to the v2 shape,
 * `status: notLoaded` and no turns unless given).
 */
export function toV2Thread(thread: StoredThread, overrides: V2ThreadOverrides = {}): v2.Thread {
  return {
    id: thread.id,
    // Codex 0.169 shows every thread's own id here (a sub-agent's rollout keeps its parent's session id).
    sessionId: thread.id,
    forkedFromId: thread.forkedFromId,
    parentThreadId: thread.parentThreadId,
    preview: thread.preview,
    ephemeral: overrides.ephemeral ?? false,
    modelProvider: thread.modelProvider,
    model: thread.model,
    reasoningEffort: thread.reasoningEffort,
    createdAt: Math.floor(thread.createdAtMs / 1000),
    updatedAt: Math.floor(thread.updatedAtMs / 1000),
    recencyAt: null,
    status: overrides.status ?? { type: "notLoaded" },
    path: thread.path,
    cwd: thread.cwd,
    cliVersion: thread.cliVersion,
    source: toV2SessionSource(thread.source),
    threadSource: thread.threadSource,
    originator: thread.originator,
    agentNickname: thread.agentNickname,
    agentRole: thread.agentRole,
    gitInfo: thread.gitInfo,
    name: thread.name,
    projectId: null,
    section: null,
    sectionEnteredAt: null,
    turns: overrides.turns ?? [],
  };
}

/** A store page as a v2 `ThreadListResponse`. */
export function toV2ThreadListResponse(page: ThreadPage): v2.ThreadListResponse {
  return { data: page.data.map((t) => toV2Thread(t)), nextCursor: page.nextCursor, backwardsCursor: page.backwardsCursor };
}

/** Core (rollout) session source → v2 `SessionSource`. Unknown shapes become `"unknown"`. */
export function toV2SessionSource(source: unknown): v2.SessionSource {
  if (typeof source === "string") {
    switch (source) {
      case "cli":
      case "vscode":
      case "exec":
      case "unknown":
      case "appServer":
        return source;
      case "mcp":
      case "app_server":
        return "appServer";
      default:
        return "unknown";
    }
  }
  if (source && typeof source === "object" && !Array.isArray(source)) {
    const record = source as Record<string, unknown>;
    if (typeof record.custom === "string") return { custom: record.custom };
    const sub = record.subagent ?? record.subAgent ?? record.sub_agent;
    if (sub === "review" || sub === "compact" || sub === "memory_consolidation") return { subAgent: sub };
    if (sub && typeof sub === "object") {
      const s = sub as Record<string, unknown>;
      const spawn = s.thread_spawn as Record<string, unknown> | undefined;
      if (spawn && typeof spawn.parent_thread_id === "string") {
        return {
          subAgent: {
            thread_spawn: {
              parent_thread_id: spawn.parent_thread_id,
              depth: typeof spawn.depth === "number" ? spawn.depth : 1,
              agent_nickname: typeof spawn.agent_nickname === "string" ? spawn.agent_nickname : null,
              agent_path: typeof spawn.agent_path === "string" ? spawn.agent_path : null,
              agent_role: typeof spawn.agent_role === "string" ? spawn.agent_role : null,
            },
          },
        };
      }
      if (typeof s.other === "string") return { subAgent: { other: s.other } };
    }
  }
  return "unknown";
}
