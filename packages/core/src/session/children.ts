// Child sessions (the sub-agent seam): a session starts children that share its session id,
// inherit its settings and services, and are interrupted and shut down with it.
import { v7 as uuidv7 } from "uuid";
import { narrowProfile } from "../permissions/effective.js";
import type { SessionOptions } from "./options.js";
import type { Session } from "./session.js";
import type { SessionState } from "./state.js";

/** The header that tells the model server which thread spawned this one. */
export const PARENT_THREAD_HEADER = "x-codex-parent-thread-id";
/** The header Codex sends on a thread-spawned sub-agent's requests (`collab_spawn`). */
export const SUBAGENT_HEADER = "x-openai-subagent";

const SANDBOX_RANK: Record<string, number> = {
  "read-only": 0,
  "workspace-write": 1,
  "external-sandbox": 2,
  "danger-full-access": 3,
};

/** What the caller sets for one child; everything else is inherited (see `ChildSessions.spawn`). */
export type ChildSessionOptions = Partial<SessionOptions> & {
  /** The sub-agent identity: SubagentStart / SubagentStop hooks instead of SessionStart / Stop. */
  subagent: NonNullable<SessionOptions["subagent"]>;
  /** Set for a thread-spawned child (a thread of its own, `onChildSpawn`): where it sits in its tree. */
  spawn?: { depth: number; nickname: string | null };
};

/** A thread-spawned child, as the embedder's `SessionOptions.onChildSpawn` sees it. */
export interface ChildSpawnInfo {
  threadId: string;
  parentThreadId: string;
  sessionId: string;
  depth: number;
  agentNickname: string | null;
  /** The agent type. */
  agentRole: string;
}

/** The rollout `session_meta.source` of a thread-spawned sub-agent, as Codex 0.169 writes it. */
export function threadSpawnSource(info: ChildSpawnInfo): Record<string, unknown> {
  return {
    subagent: {
      thread_spawn: {
        parent_thread_id: info.parentThreadId,
        depth: info.depth,
        agent_path: null,
        agent_nickname: info.agentNickname,
        agent_role: info.agentRole === "default" ? null : info.agentRole,
      },
    },
  };
}

/** The `thread_source` Codex 0.169 records for a thread-spawned sub-agent. */
export const SUBAGENT_THREAD_SOURCE = "subagent";

/**
 * The `session_meta` fields that make a rollout a thread-spawned sub-agent's, as Codex 0.169
 * writes them (app-server and `exec` alike): the tree's session id, the parent, the
 * `thread_spawn` source, `thread_source: "subagent"`, the nickname, the role when not the
 * default, and `multi_agent_version: "v1"`. The embedder adds the rest (cwd, provider, originator…).
 */
export function threadSpawnMeta(info: ChildSpawnInfo) {
  return {
    session_id: info.sessionId,
    parent_thread_id: info.parentThreadId,
    source: threadSpawnSource(info),
    thread_source: SUBAGENT_THREAD_SOURCE,
    ...(info.agentNickname !== null ? { agent_nickname: info.agentNickname } : {}),
    ...(info.agentRole !== "default" ? { agent_role: info.agentRole } : {}),
    multi_agent_version: "v1",
  };
}

/**
 * `session.children`: start a child session and keep track of it. Used by the sub-agent tools;
 * the app-server never needs to know how a child was made.
 */
export interface SessionSpawner {
  /** Start a child now. It runs until it is shut down (by the caller, or with its parent). */
  spawn(options: ChildSessionOptions): Session;
  /** Open children, in spawn order. */
  list(): Session[];
  get(threadId: string): Session | undefined;
  /** Listen to every child spawned from now on. Returns an unsubscribe function. */
  onSpawn(listener: (child: Session, options: ChildSessionOptions) => void): () => void;
}

export class ChildSessions implements SessionSpawner {
  private readonly open = new Map<string, Session>();
  private readonly listeners = new Set<(child: Session, options: ChildSessionOptions) => void>();

  constructor(
    private readonly parent: SessionState,
    private readonly create: (options: SessionOptions) => Session,
  ) {}

  /**
   * The child gets the parent's options (provider, env, runner, hooks, handlers, tool providers…)
   * with the parent's *current* model, cwd, approval and sandbox policy, the parent's session id,
   * and the parent-thread header; never its thread id, history, recorder, event sink or
   * SessionStart source. `options` override the rest — but a sandbox wider than the parent's is
   * replaced by the parent's (a child is never given more than its parent).
   */
  spawn(options: ChildSessionOptions): Session {
    const p = this.parent.options;
    const settings = this.parent.settingsState;
    const {
      threadId: _threadId,
      initialHistory: _history,
      recorder: _recorder,
      onEvent: _onEvent,
      sessionStartSource: _source,
      transcriptPath: _transcript,
      ...inherited
    } = p;
    const childOptions: SessionOptions = {
      ...inherited,
      model: settings.model,
      provider: settings.provider,
      providerId: settings.providerId,
      cwd: settings.cwd,
      // The parent's permissions, never wider: derived roots stay derived, the profile stays whole.
      ...(settings.workspaceRootsExplicit ? { workspaceRoots: settings.workspaceRoots } : {}),
      ...(settings.permissionProfile ? { permissionProfile: settings.permissionProfile } : {}),
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: settings.sandboxPolicy,
      sessionId: this.parent.sessionId,
      parentTurn: () => this.parent.currentTurn(),
      headers: {
        ...(p.headers ?? {}),
        [PARENT_THREAD_HEADER]: this.parent.threadId,
        [SUBAGENT_HEADER]: "collab_spawn",
      },
      ...options,
    };
    // Never wider than the parent: a wider requested sandbox is replaced by the parent's.
    const requested = options.sandboxPolicy?.type;
    if (requested && (SANDBOX_RANK[requested] ?? 99) > (SANDBOX_RANK[settings.sandboxPolicy.type] ?? 0))
      childOptions.sandboxPolicy = settings.sandboxPolicy;
    else if (requested && options.permissionProfile === undefined) {
      // The narrower sandbox applies, but never by dropping the parent's profile (its deny rules).
      if (settings.permissionProfile) childOptions.permissionProfile = narrowProfile(settings.permissionProfile, requested);
      else delete childOptions.permissionProfile;
    }
    // The embedder's part (a recorder for the child's own rollout, its transcript path, an event sink…).
    const threadId = childOptions.threadId ?? uuidv7();
    childOptions.threadId = threadId;
    // Only thread-spawned children (`spawn` set) are threads of their own; internal ones (review) are not.
    const embedded = options.spawn
      ? p.onChildSpawn?.({
          threadId,
          parentThreadId: this.parent.threadId,
          sessionId: this.parent.sessionId,
          depth: options.spawn.depth,
          agentNickname: options.spawn.nickname,
          agentRole: options.subagent.agentType,
        })
      : undefined;
    if (embedded) Object.assign(childOptions, embedded, { threadId });
    // A thread-spawned child's hooks: the parent's engine, with the subagent's identity in every input.
    if (options.spawn && childOptions.hooks && childOptions.hooks === p.hooks)
      childOptions.hooks = p.hooks.forSubagent({
        agentId: options.subagent.agentId,
        agentType: options.subagent.agentType,
        parentTranscriptPath: p.transcriptPath ?? null,
      });
    // An internal child (review, the approval guardian) runs no lifecycle hooks of its own: no
    // SessionStart / SubagentStart, no Stop / SubagentStop (Codex 0.169 keeps those for thread-spawned ones).
    if (!options.spawn) childOptions.subagent = { ...options.subagent, internal: true };
    delete (childOptions as Partial<ChildSessionOptions>).spawn;
    const child = this.create(childOptions);
    this.open.set(child.threadId, child);
    // A child that shut down (by itself or by its owner) is no longer open.
    child.subscribe((event) => {
      if (event.msg.type === "shutdown_complete") this.open.delete(child.threadId);
    });
    for (const listener of [...this.listeners]) listener(child, options);
    return child;
  }

  list(): Session[] {
    return [...this.open.values()];
  }

  get(threadId: string): Session | undefined {
    return this.open.get(threadId);
  }

  onSpawn(listener: (child: Session, options: ChildSessionOptions) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The parent was interrupted: so is every running child. */
  interruptAll(): void {
    for (const child of this.open.values()) if (child.isBusy()) child.submit({ type: "interrupt" });
  }

  /** The parent shuts down: so does every child (no orphan processes). */
  async shutdownAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((child) => child.shutdown()));
    this.open.clear();
  }
}
