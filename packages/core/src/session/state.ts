// The state every room of a session shares: ids, settings, history, the running task, and the
// plumbing to emit events and record. The rooms (turn, sampling, approvals, hooks, services…)
// are functions and classes over this one object; `SessionImpl` (session.ts) is the public face.
import {
  type AskForApproval,
  type CollaborationMode,
  CoreSandboxPolicy,
  type EventMsg,
  type ModeKind,
  type PermissionProfile,
  type ResponseItem,
  permissionProfileToSandboxPolicy,
  sandboxPolicyToPermissionProfileForCwd,
  type ThreadSettings,
  type ThreadSettingsOverrides,
  type TokenUsage,
  type TurnContextItem,
  type TurnItem,
  type UserInput,
} from "@codex-ts/protocol";
import type { Skill } from "@codex-ts/skills-watcher";
import { v7 as uuidv7 } from "uuid";
import type { Env, ModelProviderInfo } from "../client/provider.js";
import { catalogContextWindow } from "../client/catalog.js";
import { effectiveServiceTier } from "../client/service-tier.js";
import { ContextHistory } from "../context/history.js";
import type { SandboxPolicy } from "../tools/index.js";
import type { ToolProvider } from "../tools/registry.js";
import { Approvals } from "./approvals.js";
import { DEFAULT_BASE_INSTRUCTIONS, workspaceRootsFor } from "./context.js";
import { EventHub, type SessionEventMsg } from "./events.js";
import { HookRuntime } from "./hook-runtime.js";
import type { SessionOptions } from "./options.js";
import type { SessionRecorder } from "./recorder.js";
import { SessionServices } from "./services.js";
import type { TurnDiffTracker } from "./turn-diff.js";

export interface Settings {
  model: string;
  providerId: string;
  provider: ModelProviderInfo;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  cwd: string;
  workspaceRoots: string[];
  /**
   * True when the workspace roots were given (options, `runtime_workspace_roots`), not derived
   * from cwd: only then do they widen the sandbox; derived, the sandbox's root is the cwd.
   */
  workspaceRootsExplicit?: boolean;
  /** The active permission profile when one was set (kept whole: deny globs, restricted reads). */
  permissionProfile?: PermissionProfile;
  collaborationMode?: CollaborationMode;
  reasoningEffort?: string;
  reasoningSummary?: "auto" | "concise" | "detailed" | "none";
  personality?: string;
  serviceTier?: string;
}

/** The task running now (a turn, a compaction or a review; see tasks/task.ts). */
export interface ActiveTask {
  kind: "turn" | "compact" | "review";
  /** `user`, or the feature that started the turn by itself (see `Session.startTurn`). */
  origin: string;
  turnId: string;
  /**
   * The first turn of the chain of work this one belongs to: its own id, or for a sub-agent's turn
   * the root turn of the parent's turn that was running when it started (as Codex 0.169 records).
   */
  rootTurnId: string;
  subId: string;
  controller: AbortController;
  /** Steered input (user_input while the turn runs), taken before the next model request. */
  pendingInput: UserInput[][];
  done: Promise<void>;
}

/** Thrown inside a task when it was interrupted; the task runner turns it into `turn_aborted`. */
export class Aborted extends Error {}

export const READ_ONLY: CoreSandboxPolicy = { type: "read-only", network_access: false };

export const ZERO_USAGE: TokenUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
};

export class SessionState {
  readonly threadId: string;
  readonly sessionId: string;
  readonly hub = new EventHub();
  readonly env: Env;
  readonly baseInstructions: string;
  settingsState: Settings;
  readonly history: ContextHistory;
  active: ActiveTask | undefined;
  shuttingDown = false;
  private subCounter = 0;
  sessionStartFired = false;
  /** The cwd's skills as loaded at the start of the current turn (from the skills cache). */
  skills: Skill[] = [];
  /** The aggregated diff of the running turn's patches (see tool-events.ts). */
  turnDiff: { turnId: string; tracker: TurnDiffTracker } | undefined;
  totalUsage: TokenUsage = { ...ZERO_USAGE };
  lastTotalTokens = 0;
  /** The tool providers of the session (see `SessionOptions.toolProviders`). */
  toolProviders: ToolProvider[] = [];
  /** Items other features want in the next request (see `Session.inject`). */
  private injected: ResponseItem[] = [];
  readonly approvals: Approvals;
  readonly hooks: HookRuntime;
  readonly services: SessionServices;

  constructor(readonly options: SessionOptions) {
    this.threadId = options.threadId ?? uuidv7();
    this.sessionId = options.sessionId ?? this.threadId;
    this.env = options.env ?? process.env;
    this.baseInstructions = options.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS;
    this.history = new ContextHistory(options.initialHistory ?? [], options.recorder);
    // Resumed: the model already saw the context of the original settings.
    if (options.initialHistory?.length) this.history.told = { model: options.model };
    this.settingsState = {
      model: options.model,
      providerId: options.providerId ?? "openai",
      provider: options.provider,
      approvalPolicy: options.approvalPolicy ?? "on-request",
      sandboxPolicy: READ_ONLY,
      cwd: options.cwd,
      workspaceRoots: options.workspaceRoots ?? workspaceRootsFor(options.cwd),
      workspaceRootsExplicit: options.workspaceRoots !== undefined,
    };
    if (options.permissionProfile) this.settingsState.permissionProfile = options.permissionProfile;
    if (options.collaborationMode) this.settingsState.collaborationMode = options.collaborationMode;
    if (options.reasoningEffort) this.settingsState.reasoningEffort = options.reasoningEffort;
    if (options.reasoningSummary) this.settingsState.reasoningSummary = options.reasoningSummary;
    if (options.serviceTier) this.settingsState.serviceTier = options.serviceTier;
    if (options.personality) this.settingsState.personality = options.personality;
    this.approvals = new Approvals(this);
    this.hooks = new HookRuntime(this);
    this.services = new SessionServices(this);
  }

  /** Validate and apply the configured sandbox policy; the error, if any, is the caller's to emit. */
  applyInitialSandbox(): string | undefined {
    const sandbox = CoreSandboxPolicy.safeParse(this.options.sandboxPolicy ?? READ_ONLY);
    if (sandbox.success) {
      this.settingsState.sandboxPolicy = sandbox.data;
      return undefined;
    }
    return sandbox.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  }

  /** Queue items for the next model request (taken by the turn loop before each request). */
  inject(items: readonly ResponseItem[]): void {
    this.injected.push(...items);
  }

  hasInjected(): boolean {
    return this.injected.length > 0;
  }

  takeInjected(): ResponseItem[] {
    return this.injected.splice(0);
  }

  nextSubId(): string {
    return `sub-${++this.subCounter}`;
  }

  emit(subId: string, msg: SessionEventMsg): void {
    try {
      this.options.recorder?.recordEvent(msg);
    } catch {
      // recording failures must not break the turn
    }
    this.hub.emit({ id: subId, msg });
  }

  record(action: (recorder: SessionRecorder) => void): void {
    if (!this.options.recorder) return;
    try {
      action(this.options.recorder);
    } catch {
      // recording failures must not break the turn
    }
  }

  emitItem(
    subId: string,
    turnId: string,
    phase: "started" | "completed",
    item: TurnItem,
    startedAtMs: number,
  ): void {
    if (phase === "started") {
      this.emit(subId, {
        type: "item_started",
        thread_id: this.threadId,
        turn_id: turnId,
        item,
        started_at_ms: startedAtMs,
      });
    } else {
      this.emit(subId, {
        type: "item_completed",
        thread_id: this.threadId,
        turn_id: turnId,
        item,
        started_at_ms: startedAtMs,
        completed_at_ms: Date.now(),
      });
    }
  }

  settings(): ThreadSettings {
    const s = this.settingsState;
    const snapshot: ThreadSettings = {
      model: s.model,
      model_provider_id: s.providerId,
      approval_policy: s.approvalPolicy,
      approvals_reviewer: "user",
      permission_profile: s.permissionProfile ?? sandboxPolicyToPermissionProfileForCwd(s.sandboxPolicy, s.cwd),
      cwd: s.cwd,
      runtime_workspace_roots: s.workspaceRoots,
      disabled_plugin_ids: [],
    };
    if (s.collaborationMode) snapshot.collaboration_mode = s.collaborationMode;
    if (s.reasoningEffort) snapshot.reasoning_effort = s.reasoningEffort;
    if (s.reasoningSummary) snapshot.reasoning_summary = s.reasoningSummary;
    if (s.personality) snapshot.personality = s.personality;
    const tier = effectiveServiceTier(s.serviceTier, s.model);
    if (tier) snapshot.service_tier = tier;
    return snapshot;
  }

  /** The first event of every session. */
  configuredEvent(): EventMsg {
    const configured: EventMsg = {
      type: "session_configured",
      session_id: this.sessionId,
      thread_id: this.threadId,
      model: this.settingsState.model,
      model_provider_id: this.settingsState.providerId,
      approval_policy: this.settingsState.approvalPolicy,
      permission_profile: this.settings().permission_profile,
      cwd: this.settingsState.cwd,
    };
    if (this.settingsState.reasoningEffort) configured.reasoning_effort = this.settingsState.reasoningEffort;
    return configured;
  }

  turnContext(turnId: string, rootTurnId: string = turnId): TurnContextItem {
    const s = this.settingsState;
    const sandbox = s.sandboxPolicy;
    const context: TurnContextItem = {
      turn_id: turnId,
      root_turn_id: rootTurnId,
      cwd: s.cwd,
      approval_policy: s.approvalPolicy,
      sandbox_policy: sandbox,
      permission_profile: s.permissionProfile ?? sandboxPolicyToPermissionProfileForCwd(sandbox, s.cwd),
      // Only configured roots are recorded (omitted means the cwd, as on the wire), so a resume
      // never turns derived roots into writable ones.
      ...(s.workspaceRootsExplicit ? { runtime_workspace_roots: s.workspaceRoots } : {}),
      model: s.model,
    };
    if (s.reasoningEffort) context.effort = s.reasoningEffort;
    if (s.collaborationMode) context.collaboration_mode = s.collaborationMode;
    // As Codex 0.169 writes it: no developer instructions or personality (nothing reads them back);
    // `summary` is a fixed compatibility value older readers need, not the live setting.
    context.summary = "none";
    return context;
  }

  modeKind(): ModeKind {
    return this.settingsState.collaborationMode?.mode ?? "default";
  }

  /** The running task's turn and root turn, if a task runs (what a child's turns descend from). */
  currentTurn(): { turnId: string; rootTurnId: string } | undefined {
    const active = this.active;
    return active ? { turnId: active.turnId, rootTurnId: active.rootTurnId } : undefined;
  }

  /** The configured context window, else the known window of the current model. */
  contextWindow(): number | undefined {
    return this.options.modelContextWindow ?? knownContextWindow(this.settingsState.model);
  }

  autoCompactLimit(): number | undefined {
    if (this.options.autoCompactTokenLimit) return this.options.autoCompactTokenLimit;
    const window = this.contextWindow();
    return window ? Math.floor(window * 0.9) : undefined;
  }

  /** Apply ThreadSettings overrides (all or nothing); emits `thread_settings_applied` or an error. */
  applySettings(subId: string, overrides: ThreadSettingsOverrides): boolean {
    const next: Settings = { ...this.settingsState };
    if (overrides.model !== undefined) next.model = overrides.model;
    if (overrides.model_provider_id !== undefined) {
      const provider = this.options.providers?.[overrides.model_provider_id];
      if (!provider) {
        this.emit(subId, {
          type: "error",
          message: `unknown model provider \`${overrides.model_provider_id}\``,
        });
        return false;
      }
      next.providerId = overrides.model_provider_id;
      next.provider = provider;
    }
    if (overrides.approval_policy !== undefined) next.approvalPolicy = overrides.approval_policy;
    if (overrides.cwd !== undefined) {
      next.cwd = overrides.cwd;
      if (overrides.runtime_workspace_roots === undefined && !next.workspaceRootsExplicit)
        next.workspaceRoots = workspaceRootsFor(overrides.cwd);
    }
    if (overrides.runtime_workspace_roots !== undefined) {
      next.workspaceRoots = overrides.runtime_workspace_roots;
      next.workspaceRootsExplicit = true;
    }
    if (overrides.permission_profile !== undefined) {
      // Kept whole (deny globs, restricted reads): the sandbox is built from the profile itself.
      // The legacy policy is only its projection for what still reads it (network proxy, hooks).
      next.permissionProfile = overrides.permission_profile;
      const converted = permissionProfileToSandboxPolicy(overrides.permission_profile, next.cwd);
      next.sandboxPolicy = converted.ok ? converted.policy : { type: "read-only", network_access: false };
    }
    if (overrides.collaboration_mode !== undefined) next.collaborationMode = overrides.collaboration_mode;
    if (overrides.reasoning_effort !== undefined) next.reasoningEffort = overrides.reasoning_effort;
    if (overrides.reasoning_summary !== undefined) next.reasoningSummary = overrides.reasoning_summary;
    if (overrides.personality !== undefined) next.personality = overrides.personality;
    if (overrides.service_tier !== undefined) next.serviceTier = overrides.service_tier;
    if (overrides.approval_policy === "on-failure") {
      this.emit(subId, {
        type: "warning",
        message: "approval policy `on-failure` is deprecated; use `on-request` or `never`",
      });
    }
    this.settingsState = next;
    this.emit(subId, {
      type: "thread_settings_applied",
      thread_id: this.threadId,
      thread_settings: this.settings(),
    });
    return true;
  }
}

/** Context window (tokens): the bundled catalog's, else a guess by model family; undefined when unknown. */
export function knownContextWindow(model: string): number | undefined {
  const listed = catalogContextWindow(model);
  if (listed !== undefined) return listed;
  const m = model.toLowerCase();
  if (m.startsWith("gpt-5")) return 272_000;
  if (m.startsWith("gpt-4.1")) return 1_047_576;
  if (m.startsWith("o3") || m.startsWith("o4-mini")) return 200_000;
  if (m.startsWith("gpt-4o")) return 128_000;
  return undefined;
}
