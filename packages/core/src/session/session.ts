// The session: ops in, events out. Owns the history, the thread settings and the turn loop.
import path from "node:path";
import {
  AdditionalPermissionProfile,
  intersectAdditionalPermissions,
  mergeAdditionalPermissions,
  type AskForApproval,
  type CollaborationMode,
  CoreSandboxPolicy,
  type CoreSandboxPolicyInput,
  type EventMsg,
  type ModeKind,
  Op as OpSchema,
  type Op,
  permissionProfileToSandboxPolicy,
  type ResponseItem,
  type ReviewDecision as WireReviewDecision,
  type RolloutItem,
  type TurnContextItem,
  type CompactedItem,
  sandboxPolicyToPermissionProfileForCwd,
  type ThreadSettings,
  type ThreadSettingsOverrides,
  type TokenUsage,
  type TurnItem,
  type UserInput,
  userInputText,
} from "@codex-ts/protocol";
import {
  type HookContext,
  HookEngine,
  type HookEventOutcome,
  type HookRequest,
  hookContextMessage,
  type SessionStartSource,
  preToolUseBlockMessage,
  standardLayers,
} from "@codex-ts/hooks";
import type { v2 } from "@codex-ts/protocol";
import { defaultRulesPath } from "@codex-ts/execpolicy";
import {
  createNetworkApprovalBroker,
  type LookupFn,
  type NetworkAccessRequest,
  type NetworkApprovalBroker,
  type NetworkPolicySpec,
  type NetworkProxy,
  proposedNetworkPolicyAmendments,
  startNetworkProxy,
} from "@codex-ts/network-proxy";
import { type Skill, SkillsCache, skillInjectionsForTurn, skillsSectionMessage } from "@codex-ts/skills-watcher";
import { v7 as uuidv7 } from "uuid";
import { backoffMs, ModelClient, ModelError, type ModelEvent, type ResponsesRequest } from "../client/model-client.js";
import {
  type Env,
  type ModelProviderInfo,
  providerRequestRetries,
  providerStreamRetries,
  readStoredApiKey,
} from "../client/provider.js";
import type { RateLimitSnapshot } from "../client/rate-limits.js";
import type { Config } from "../config/load.js";
import type { ShellEnvironmentPolicy } from "../config/schema.js";
import { createLocalRunner } from "../tools/exec/runner.js";
import { ExecSessionStore } from "../tools/exec/sessions.js";
import {
  type ApprovalRequest,
  buildToolRegistry,
  type CommandRunner,
  type DynamicToolRequest,
  type DynamicToolResponse,
  type DynamicToolSpec,
  type ReviewDecision,
  type SandboxPolicy,
  type ToolCall,
  type ToolContext,
  type ToolEvent,
  type ToolItem,
  type ToolRegistry,
  type ToolRegistryOptions,
  type ToolResult,
  type UserInputRequest,
  type UserInputResponse,
  isEmptyPermissions,
  PERMISSIONS_DENIED_MESSAGE,
  type PermissionsGrant,
  type PermissionsOutcome,
  type PermissionsRequest,
} from "../tools/index.js";
import {
  currentEnvironment,
  DEFAULT_BASE_INSTRUCTIONS,
  DEFAULT_MODE_INSTRUCTIONS,
  developerMessage,
  environmentContextText,
  loadProjectDocs,
  modelSwitchMessage,
  PLAN_MODE_INSTRUCTIONS,
  permissionsMessage,
  projectDocsMessage,
  userInputMessage,
  userTextMessage,
  workspaceRootsFor,
} from "./context.js";
import { applyShellEnvironmentPolicy } from "./env.js";
import { hookPermissionMode, hookPromptMessage, hookToolView, payloadWithUpdatedInput } from "./hooks.js";
import { EventHub, type SessionEvent, type SessionEventMsg } from "./events.js";
import { TurnDiffTracker } from "./turn-diff.js";

export const SUMMARIZATION_PROMPT = `You are performing a CONTEXT CHECKPOINT COMPACTION. Write a handoff summary for another model that
will continue this task: the user's goals and constraints, what has been done (files touched, commands
run, results), decisions made, open problems, and the concrete next steps. Be concise and factual.`;

export const SUMMARY_PREFIX = `Another language model started to solve this problem and produced a summary of its thinking process. Use it to continue the task without repeating finished work:`;

/** Where the session records what it did (see `rolloutRecorder` for the rollout-line mapping). */
export interface SessionRecorder {
  /** History items, in order, as they enter the conversation. */
  recordItems(items: ResponseItem[]): void;
  /** Every event the session emits. */
  recordEvent(msg: SessionEventMsg): void;
  /** The settings a turn runs with (before its items). */
  recordTurnContext?(context: TurnContextItem): void;
  /** A compaction: the summary and the whole history that replaced the old one. */
  recordCompacted?(item: CompactedItem): void;
}

/**
 * A recorder that turns everything into rollout items (`response_item`, `event_msg`,
 * `turn_context`, `compacted`) for a sink such as @codex-ts/rollout's `RolloutWriter`.
 * Hook run events (`hook_started` / `hook_completed`) are transient, as in Codex, and not recorded.
 */
export function rolloutRecorder(sink: { record(items: RolloutItem | readonly RolloutItem[]): unknown }): SessionRecorder {
  return {
    recordItems: (items) => sink.record(items.map((payload) => ({ type: "response_item" as const, payload }))),
    recordEvent: (msg) => {
      if (msg.type !== "hook_started" && msg.type !== "hook_completed") sink.record({ type: "event_msg", payload: msg });
    },
    recordTurnContext: (payload) => sink.record({ type: "turn_context", payload }),
    recordCompacted: (payload) => sink.record({ type: "compacted", payload }),
  };
}

export interface SessionOptions {
  cwd: string;
  model: string;
  provider: ModelProviderInfo;
  providerId?: string;
  /** Other providers a ThreadSettings override may switch to. */
  providers?: Record<string, ModelProviderInfo>;
  approvalPolicy?: AskForApproval;
  /**
   * The protocol's `CoreSandboxPolicy` (`{ type: "workspace-write", writable_roots?, network_access?, … }`;
   * fields with defaults may be left out). Default `{ type: "read-only" }`. An invalid policy is an
   * `error` event and the session stays read-only.
   */
  sandboxPolicy?: CoreSandboxPolicyInput;
  baseInstructions?: string;
  developerInstructions?: string;
  /** Instructions of a model (appended as a developer message on a model switch). */
  modelInstructions?: (model: string) => string | undefined;
  reasoningEffort?: string;
  reasoningSummary?: "auto" | "concise" | "detailed" | "none";
  collaborationMode?: CollaborationMode;
  modelContextWindow?: number;
  /** Compact automatically once a response's total tokens reach this. Default 90% of the window. */
  autoCompactTokenLimit?: number;
  projectDocMaxBytes?: number;
  projectDocFallbackFilenames?: string[];
  workspaceRoots?: string[];
  /** Environment of the session (API keys, $SHELL, and the base of commands' environment). */
  env?: Env;
  /** Which variables commands get (config `shell_environment_policy`). */
  shellEnvironmentPolicy?: ShellEnvironmentPolicy;
  threadId?: string;
  /** Shared by a root thread and its subagents; defaults to the thread id. */
  sessionId?: string;
  /** Resume: the conversation so far. */
  initialHistory?: ResponseItem[];
  tools?: Omit<ToolRegistryOptions, "planMode" | "dynamicTools">;
  dynamicTools?: DynamicToolSpec[];
  /** Approval seam. Without it, approval requests are emitted as events and answered by ops. */
  approvalHandler?: (request: ApprovalRequest) => Promise<ReviewDecision>;
  dynamicToolHandler?: (request: DynamicToolRequest) => Promise<DynamicToolResponse>;
  userInputHandler?: (request: UserInputRequest) => Promise<UserInputResponse>;
  /**
   * Permissions seam (request_permissions and inline `with_additional_permissions`). Without it,
   * requests are `request_permissions` events answered by `request_permissions_response` ops.
   */
  permissionsHandler?: (request: PermissionsRequest) => Promise<PermissionsGrant>;
  /** Command rules (@codex-ts/execpolicy) consulted before running commands. */
  execPolicy?: ToolContext["execPolicy"];
  /** Called when the user accepts a proposed execpolicy prefix rule (persist it). */
  onExecpolicyAmendment?: (prefix: string[]) => void | Promise<void>;
  /** Command runner seam (sandboxing fills it). Default: local runner, danger-full-access only. */
  runner?: CommandRunner;
  onEvent?: (event: SessionEvent) => void;
  recorder?: SessionRecorder;
  /** Overrides of the provider's retry counts; `baseDelayMs` scales backoff (tests use small values). */
  retry?: { requestMaxRetries?: number; streamMaxRetries?: number; baseDelayMs?: number };
  /** Extra HTTP headers on model requests. */
  headers?: Record<string, string>;
  /** API key stored by a login (auth.json); environment keys win. */
  storedApiKey?: string;
  fetch?: typeof fetch;
  /** Lifecycle hooks (@codex-ts/hooks). Absent or null: no hooks run. */
  hooks?: HookEngine | null;
  /** SessionStart's `source` (default `resume` with `initialHistory`, else `startup`). */
  sessionStartSource?: SessionStartSource;
  /**
   * Set for a thread-spawned subagent: SubagentStart / SubagentStop run instead of SessionStart /
   * Stop.
   */
  subagent?: { agentId: string; agentType: string; transcriptPath?: string | null };
  /** The rollout path hooks get as `transcript_path`. */
  transcriptPath?: string | null;
  /**
   * Skills (@codex-ts/skills-watcher): the cache the session reads its cwd's skills from. Pass the
   * app-server's shared cache so its watcher's invalidations reach the session. Absent or null: no
   * skills. `sessionOptionsFromConfig` creates one from `codexHome` and the `[skills]` table.
   */
  skillsCache?: SkillsCache | null;
  /**
   * How many times blocking Stop (SubagentStop) hooks may send the model back to work within one
   * turn (default `DEFAULT_MAX_STOP_HOOK_CONTINUATIONS`); past it the turn ends with a warning.
   */
  maxStopHookContinuations?: number;
  /**
   * Proxied networking (@codex-ts/network-proxy): when the sandbox restricts the network, the
   * session starts one proxy (on the first turn that needs it; closed on shutdown) and sandboxed
   * commands reach the network only through it. A host the policy does not allow becomes an exec
   * approval on the running command (`network_approval_context`). Absent or null: no proxy, a
   * restricted network stays fully blocked. `sessionOptionsFromConfig` fills it from `[network]`
   * when `enabled = true`.
   */
  networkProxy?: SessionNetworkProxyOptions | null;
}

export interface SessionNetworkProxyOptions {
  /** The config part of the proxy policy (`[network]` domain lists); execpolicy network rules are added. */
  policy: NetworkPolicySpec;
  /**
   * Where "always" answers (`network_policy_amendment`) are persisted as execpolicy `network_rule`s
   * (`defaultRulesPath(codexHome)`); without it they hold for the session only.
   */
  rulesPath?: string;
  /** Name resolution used by the proxy (default DNS; tests map names to 127.0.0.1). */
  lookup?: LookupFn;
}

/** Default cap on Stop-hook continuations per turn (a hook that keeps blocking cannot loop forever). */
export const DEFAULT_MAX_STOP_HOOK_CONTINUATIONS = 3;

/** Request fields of one hook event (the session fills the common context). */
type HookEventFields = HookRequest extends infer R ? (R extends HookContext ? Omit<R, keyof HookContext> : never) : never;

/**
 * A HookEngine for a session from a loaded Config: user layer (CODEX_HOME) plus the project
 * `.codex/` folders from the git root down to `cwd`, the `plugin_hooks` feature, and the
 * `--dangerously-bypass-hook-trust` switch.
 */
export function hookEngineFromConfig(
  config: Config,
  cwd: string,
  opts: {
    bypassHookTrust?: boolean;
    managed?: ConstructorParameters<typeof HookEngine>[0]["managed"];
    plugins?: ConstructorParameters<typeof HookEngine>[0]["plugins"];
  } = {},
): HookEngine {
  return new HookEngine({
    layers: standardLayers({ codexHome: config.codexHome, cwd }),
    features: { plugin_hooks: config.features.plugin_hooks === true },
    ...(opts.managed !== undefined ? { managed: opts.managed } : {}),
    ...(opts.plugins !== undefined ? { plugins: opts.plugins } : {}),
    bypassHookTrust: opts.bypassHookTrust === true,
  });
}

/** Session options from a loaded Config (the CLI / app-server path). */
export function sessionOptionsFromConfig(config: Config, cwd: string, extra: Partial<SessionOptions> = {}): SessionOptions {
  const ww = config.sandboxWorkspaceWrite;
  const sandboxPolicy: CoreSandboxPolicyInput =
    config.sandboxMode === "workspace-write"
      ? {
          type: "workspace-write",
          writable_roots: ww.writable_roots ?? [],
          network_access: ww.network_access ?? false,
          exclude_tmpdir_env_var: ww.exclude_tmpdir_env_var ?? false,
          exclude_slash_tmp: ww.exclude_slash_tmp ?? false,
        }
      : { type: config.sandboxMode };
  const options: SessionOptions = {
    cwd,
    model: config.model,
    provider: config.modelProvider,
    providerId: config.modelProviderId,
    providers: config.modelProviders,
    approvalPolicy: config.approvalPolicy,
    sandboxPolicy,
    projectDocMaxBytes: config.projectDocMaxBytes,
    projectDocFallbackFilenames: config.projectDocFallbackFilenames,
    tools: {
      webSearch: config.webSearch !== "disabled",
      ...(config.features.request_permissions_tool === true ? { requestPermissions: true } : {}),
    },
    shellEnvironmentPolicy: config.shellEnvironmentPolicy,
  };
  const storedApiKey = readStoredApiKey(config.codexHome);
  if (storedApiKey) options.storedApiKey = storedApiKey;
  if (config.baseInstructions !== undefined) options.baseInstructions = config.baseInstructions;
  if (config.developerInstructions !== undefined) options.developerInstructions = config.developerInstructions;
  if (config.modelReasoningEffort) options.reasoningEffort = config.modelReasoningEffort;
  if (config.modelReasoningSummary) options.reasoningSummary = config.modelReasoningSummary;
  if (config.modelContextWindow) options.modelContextWindow = config.modelContextWindow;
  if (config.modelAutoCompactTokenLimit) options.autoCompactTokenLimit = config.modelAutoCompactTokenLimit;
  options.skillsCache = new SkillsCache({ codexHome: config.codexHome, config: config.skills });
  if (config.network?.enabled) {
    const { allowedDomains, deniedDomains, allowLocal } = config.network;
    options.networkProxy = { policy: { allowedDomains, deniedDomains, allowLocal }, rulesPath: defaultRulesPath(config.codexHome) };
  }
  return { ...options, ...extra };
}

export interface Session {
  readonly threadId: string;
  readonly sessionId: string;
  /** Queue an op; returns the submission id its events carry. Invalid ops become error events. */
  submit(op: Op | unknown): string;
  /** All events in order (a single shared queue; ends after shutdown). */
  events(): AsyncIterableIterator<SessionEvent>;
  /** Listen to every event; returns an unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
  /** The effective thread settings. */
  settings(): ThreadSettings;
  /** The conversation history (copy). */
  history(): ResponseItem[];
  /** Rate-limit snapshots seen so far, keyed by limit id. */
  rateLimits(): Record<string, RateLimitSnapshot>;
  /** Cumulative token usage. */
  tokenUsage(): TokenUsage;
  /** Whether a turn or compaction is running. */
  isBusy(): boolean;
  /** Completed hook runs of a turn, in completion order (for `Turn.hookRuns`). */
  hookRuns(turnId: string): v2.HookRunSummary[];
  /** Interrupt anything running, kill processes, emit shutdown_complete, end the event stream. */
  shutdown(): Promise<void>;
}

interface Settings {
  model: string;
  providerId: string;
  provider: ModelProviderInfo;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  cwd: string;
  workspaceRoots: string[];
  collaborationMode?: CollaborationMode;
  reasoningEffort?: string;
  reasoningSummary?: "auto" | "concise" | "detailed" | "none";
  personality?: string;
  serviceTier?: string;
}

interface ActiveTask {
  kind: "turn" | "compact";
  turnId: string;
  subId: string;
  controller: AbortController;
  pendingInput: UserInput[][];
  done: Promise<void>;
}

interface PendingApproval {
  resolve: (decision: ReviewDecision) => void;
  turnId: string;
  /** Pass the client's decision on unchanged (network approvals need their amendments). */
  raw: boolean;
}

/** The session's proxy and the broker that turns its blocked hosts into approvals. */
interface NetworkProxyState {
  proxy: NetworkProxy;
  broker: NetworkApprovalBroker;
}

/** Whether the sandbox keeps commands off the network (so a proxy is their only way out). */
function networkRestricted(policy: SandboxPolicy): boolean {
  return (policy.type === "read-only" || policy.type === "workspace-write") && !policy.network_access;
}

/** The proxy's protocol names in core's snake_case spelling. */
function coreNetworkProtocol(protocol: NetworkAccessRequest["protocol"]): "http" | "https" | "socks5_tcp" {
  return protocol === "socks5Tcp" ? "socks5_tcp" : protocol;
}

class Aborted extends Error {}

const READ_ONLY: CoreSandboxPolicy = { type: "read-only", network_access: false };

const ZERO_USAGE: TokenUsage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };

function toWireDecision(decision: WireReviewDecision): ReviewDecision {
  if (typeof decision === "string") return decision === "timed_out" ? "denied" : decision;
  if ("approved_execpolicy_amendment" in decision) return decision;
  return decision.network_policy_amendment.network_policy_amendment.action === "allow" ? "approved" : "denied";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const isContextMessage = (item: ResponseItem): boolean => {
  if (item.type !== "message") return true;
  if (item.role !== "user") return true;
  const first = item.content[0];
  const text = first && (first.type === "input_text" || first.type === "output_text") ? first.text : "";
  return text.startsWith("<environment_context>") || text.startsWith("# AGENTS.md instructions") || text.startsWith(SUMMARY_PREFIX);
};

/** Create a session. Never throws for bad input: problems surface as `error` events. */
export function createSession(options: SessionOptions): Session {
  return new SessionImpl(options);
}

class SessionImpl implements Session {
  readonly threadId: string;
  readonly sessionId: string;
  private readonly hub = new EventHub();
  private readonly env: Env;
  private readonly baseInstructions: string;
  private settingsState: Settings;
  private historyItems: ResponseItem[];
  private active: ActiveTask | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly pendingApprovals = new Map<string, PendingApproval>();
  private readonly approvedForSession = new Set<string>();
  private turnDiffState: { turnId: string; tracker: TurnDiffTracker } | undefined;
  /** Granted additional permissions: for every later turn, and for the current turn only. */
  private sessionGrants: AdditionalPermissionProfile | null = null;
  private turnGrants: { turnId: string; grants: AdditionalPermissionProfile } | undefined;
  /** Permissions requests waiting for a `request_permissions_response` op, by call id. */
  private readonly pendingPermissions = new Map<string, (grant: PermissionsGrant) => void>();
  private readonly execSessions = new ExecSessionStore();
  private readonly runner: CommandRunner;
  private readonly snapshots: Record<string, RateLimitSnapshot> = {};
  private totalUsage: TokenUsage = { ...ZERO_USAGE };
  private lastTotalTokens = 0;
  private shuttingDown = false;
  private subCounter = 0;
  private sessionStartFired = false;
  private readonly hookRunsByTurn = new Map<string, v2.HookRunSummary[]>();
  /** What the model has been told, to send only changes. */
  private told: { permissions?: string; environment?: string; model?: string; mode?: ModeKind; skills?: string } = {};
  /** The cwd's skills as loaded at the start of the current turn (from the skills cache). */
  private skills: Skill[] = [];
  /** The session's network proxy, once started (see `SessionOptions.networkProxy`). */
  private networkProxy: Promise<NetworkProxyState | undefined> | undefined;
  private networkProxyState: NetworkProxyState | undefined;
  /** Command items running now (id → who asked), for network approvals. */
  private readonly runningCommands = new Map<string, { subId: string; turnId: string; command: string[]; cwd: string }>();

  constructor(private readonly options: SessionOptions) {
    this.threadId = options.threadId ?? uuidv7();
    this.sessionId = options.sessionId ?? this.threadId;
    this.env = options.env ?? process.env;
    this.baseInstructions = options.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS;
    this.runner = options.runner ?? createLocalRunner();
    this.historyItems = [...(options.initialHistory ?? [])];
    this.settingsState = {
      model: options.model,
      providerId: options.providerId ?? "openai",
      provider: options.provider,
      approvalPolicy: options.approvalPolicy ?? "on-request",
      sandboxPolicy: READ_ONLY,
      cwd: options.cwd,
      workspaceRoots: options.workspaceRoots ?? workspaceRootsFor(options.cwd),
    };
    if (options.collaborationMode) this.settingsState.collaborationMode = options.collaborationMode;
    if (options.reasoningEffort) this.settingsState.reasoningEffort = options.reasoningEffort;
    if (options.reasoningSummary) this.settingsState.reasoningSummary = options.reasoningSummary;
    if (options.initialHistory?.length) {
      // Resumed: the model already saw the context of the original settings.
      this.told = { model: options.model };
    }
    if (options.onEvent) this.hub.subscribe(options.onEvent);
    const sandbox = CoreSandboxPolicy.safeParse(options.sandboxPolicy ?? READ_ONLY);
    if (sandbox.success) this.settingsState.sandboxPolicy = sandbox.data;
    const configured: EventMsg = {
      type: "session_configured",
      session_id: this.sessionId,
      thread_id: this.threadId,
      model: this.settingsState.model,
      model_provider_id: this.settingsState.providerId,
      approval_policy: this.settingsState.approvalPolicy,
      permission_profile: this.settings().permission_profile,
      cwd: this.settingsState.cwd,
      history_log_id: 0,
      history_entry_count: 0,
    };
    if (this.settingsState.reasoningEffort) configured.reasoning_effort = this.settingsState.reasoningEffort;
    this.emit("session", configured);
    if (!sandbox.success) {
      const issues = sandbox.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      this.emit("session", { type: "error", message: `invalid sandboxPolicy (the session stays read-only): ${issues}` });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // public API

  submit(raw: Op | unknown): string {
    const subId = `sub-${++this.subCounter}`;
    const parsed = OpSchema.safeParse(raw);
    if (!parsed.success) {
      this.emit(subId, { type: "error", message: `invalid op: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` });
      return subId;
    }
    if (this.shuttingDown) {
      this.emit(subId, { type: "error", message: "session is shut down" });
      return subId;
    }
    const op = parsed.data;
    switch (op.type) {
      case "user_input": {
        if (op.thread_settings && !this.applySettings(subId, op.thread_settings)) return subId;
        if (this.active?.kind === "turn" && !this.active.controller.signal.aborted) {
          // Steer: the running turn picks this input up before its next model request.
          this.active.pendingInput.push(op.items);
          return subId;
        }
        this.enqueue(subId, "turn", (turnId) => this.runTurn(subId, turnId, op.items, op.client_id, op.final_output_json_schema));
        return subId;
      }
      case "thread_settings":
        this.applySettings(subId, op.settings);
        return subId;
      case "interrupt":
        this.interrupt();
        return subId;
      case "exec_approval":
      case "patch_approval": {
        const pending = this.pendingApprovals.get(op.id);
        if (!pending) {
          this.emit(subId, { type: "warning", message: `no pending approval with id ${op.id}` });
          return subId;
        }
        this.pendingApprovals.delete(op.id);
        pending.resolve(pending.raw ? op.decision : toWireDecision(op.decision));
        return subId;
      }
      case "request_permissions_response": {
        const resolve = this.pendingPermissions.get(op.id);
        if (!resolve) {
          this.emit(subId, { type: "warning", message: `no pending permissions request with id ${op.id}` });
          return subId;
        }
        this.pendingPermissions.delete(op.id);
        resolve({ permissions: op.response.permissions, scope: op.response.scope });
        return subId;
      }
      case "compact":
        this.enqueue(subId, "compact", (turnId) => this.runCompactTask(subId, turnId));
        return subId;
      case "shutdown":
        void this.shutdown(subId);
        return subId;
      case "thread_rollback":
      case "set_thread_name":
      case "add_to_history":
        this.emit(subId, { type: "warning", message: `op ${op.type} is not supported by this session` });
        return subId;
    }
  }

  events(): AsyncIterableIterator<SessionEvent> {
    return this.hub.iterator();
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  settings(): ThreadSettings {
    const s = this.settingsState;
    const snapshot: ThreadSettings = {
      model: s.model,
      model_provider_id: s.providerId,
      approval_policy: s.approvalPolicy,
      approvals_reviewer: "user",
      permission_profile: sandboxPolicyToPermissionProfileForCwd(s.sandboxPolicy, s.cwd),
      cwd: s.cwd,
      runtime_workspace_roots: s.workspaceRoots,
      disabled_plugin_ids: [],
    };
    if (s.collaborationMode) snapshot.collaboration_mode = s.collaborationMode;
    if (s.reasoningEffort) snapshot.reasoning_effort = s.reasoningEffort;
    if (s.reasoningSummary) snapshot.reasoning_summary = s.reasoningSummary;
    if (s.personality) snapshot.personality = s.personality;
    if (s.serviceTier) snapshot.service_tier = s.serviceTier;
    return snapshot;
  }

  history(): ResponseItem[] {
    return [...this.historyItems];
  }

  rateLimits(): Record<string, RateLimitSnapshot> {
    return { ...this.snapshots };
  }

  tokenUsage(): TokenUsage {
    return { ...this.totalUsage };
  }

  isBusy(): boolean {
    return this.active !== undefined;
  }

  hookRuns(turnId: string): v2.HookRunSummary[] {
    return [...(this.hookRunsByTurn.get(turnId) ?? [])];
  }

  async shutdown(subId = `sub-${++this.subCounter}`): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.interrupt();
    await this.queue.catch(() => {});
    this.execSessions.killAll();
    const network = await this.networkProxy;
    if (network) {
      network.broker.detach();
      await network.proxy.close();
    }
    this.emit(subId, { type: "shutdown_complete" });
    this.hub.close();
  }

  // ---------------------------------------------------------------------------------------------
  // plumbing

  private emit(subId: string, msg: SessionEventMsg): void {
    try {
      this.options.recorder?.recordEvent(msg);
    } catch {
      // recording failures must not break the turn
    }
    this.hub.emit({ id: subId, msg });
  }

  private record(action: (recorder: SessionRecorder) => void): void {
    if (!this.options.recorder) return;
    try {
      action(this.options.recorder);
    } catch {
      // recording failures must not break the turn
    }
  }

  private turnContext(turnId: string): TurnContextItem {
    const s = this.settingsState;
    const sandbox = s.sandboxPolicy;
    const context: TurnContextItem = {
      turn_id: turnId,
      cwd: s.cwd,
      approval_policy: s.approvalPolicy,
      sandbox_policy: sandbox,
      permission_profile: sandboxPolicyToPermissionProfileForCwd(sandbox, s.cwd),
      model: s.model,
    };
    if (s.reasoningEffort) context.effort = s.reasoningEffort;
    if (s.reasoningSummary) context.summary = s.reasoningSummary;
    if (s.collaborationMode) context.collaboration_mode = s.collaborationMode;
    if (s.personality) context.personality = s.personality;
    if (this.options.developerInstructions) context.developer_instructions = this.options.developerInstructions;
    return context;
  }

  private pushHistory(...items: ResponseItem[]): void {
    this.historyItems.push(...items);
    try {
      this.options.recorder?.recordItems(items);
    } catch {
      // ignore
    }
  }

  private enqueue(subId: string, kind: ActiveTask["kind"], task: (turnId: string) => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.shuttingDown) return;
      const turnId = uuidv7();
      const controller = new AbortController();
      let finish!: () => void;
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      this.active = { kind, turnId, subId, controller, pendingInput: [], done };
      try {
        await task(turnId);
      } catch (error) {
        // Defensive: a bug must surface as an event, never as an unhandled rejection.
        this.emit(subId, { type: "error", message: `internal error: ${error instanceof Error ? error.message : String(error)}` });
      } finally {
        this.active = undefined;
        finish();
      }
    });
  }

  private interrupt(): void {
    const active = this.active;
    if (!active) return;
    // Resolve pending approvals first so tools waiting on them unwind.
    for (const pending of [...this.pendingApprovals.values()]) pending.resolve("abort");
    this.pendingApprovals.clear();
    for (const resolve of [...this.pendingPermissions.values()]) resolve({ permissions: null });
    this.pendingPermissions.clear();
    active.controller.abort();
    // The running command dies through the abort signal; background exec_command sessions too.
    this.execSessions.killAll();
  }

  private applySettings(subId: string, overrides: ThreadSettingsOverrides): boolean {
    const next: Settings = { ...this.settingsState };
    if (overrides.model !== undefined) next.model = overrides.model;
    if (overrides.model_provider_id !== undefined) {
      const provider = this.options.providers?.[overrides.model_provider_id];
      if (!provider) {
        this.emit(subId, { type: "error", message: `unknown model provider \`${overrides.model_provider_id}\`` });
        return false;
      }
      next.providerId = overrides.model_provider_id;
      next.provider = provider;
    }
    if (overrides.approval_policy !== undefined) next.approvalPolicy = overrides.approval_policy;
    if (overrides.cwd !== undefined) {
      next.cwd = overrides.cwd;
      if (overrides.runtime_workspace_roots === undefined) next.workspaceRoots = workspaceRootsFor(overrides.cwd);
    }
    if (overrides.runtime_workspace_roots !== undefined) next.workspaceRoots = overrides.runtime_workspace_roots;
    if (overrides.permission_profile !== undefined) {
      const converted = permissionProfileToSandboxPolicy(overrides.permission_profile, next.cwd);
      if (!converted.ok) {
        this.emit(subId, { type: "error", message: `unsupported permission profile: ${converted.error}` });
        return false;
      }
      next.sandboxPolicy = converted.policy;
    }
    if (overrides.collaboration_mode !== undefined) next.collaborationMode = overrides.collaboration_mode;
    if (overrides.reasoning_effort !== undefined) next.reasoningEffort = overrides.reasoning_effort;
    if (overrides.reasoning_summary !== undefined) next.reasoningSummary = overrides.reasoning_summary;
    if (overrides.personality !== undefined) next.personality = overrides.personality;
    if (overrides.service_tier !== undefined) next.serviceTier = overrides.service_tier;
    if (overrides.approval_policy === "on-failure") {
      this.emit(subId, { type: "warning", message: "approval policy `on-failure` is deprecated; use `on-request` or `never`" });
    }
    this.settingsState = next;
    this.emit(subId, { type: "thread_settings_applied", thread_id: this.threadId, thread_settings: this.settings() });
    return true;
  }

  private modeKind(): ModeKind {
    return this.settingsState.collaborationMode?.mode ?? "default";
  }

  private emitItem(subId: string, turnId: string, phase: "started" | "completed", item: TurnItem, startedAtMs: number): void {
    if (phase === "started") {
      this.emit(subId, { type: "item_started", thread_id: this.threadId, turn_id: turnId, item, started_at_ms: startedAtMs });
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

  // ---------------------------------------------------------------------------------------------
  // hooks

  /**
   * Fire one hook event with the session's context. Emits `hook_started` / `hook_completed` per
   * handler and keeps completed runs per turn. Undefined when no hook engine is configured.
   */
  private async fireHook(subId: string, turnId: string, fields: HookEventFields, signal?: AbortSignal): Promise<HookEventOutcome | undefined> {
    const engine = this.options.hooks;
    if (!engine) return undefined;
    const s = this.settingsState;
    const request = {
      sessionId: this.sessionId,
      turnId,
      cwd: s.cwd,
      transcriptPath: this.options.transcriptPath ?? null,
      model: s.model,
      permissionMode: hookPermissionMode(s.approvalPolicy, s.sandboxPolicy, this.modeKind() === "plan"),
      ...fields,
    } as HookRequest;
    try {
      return await engine.run(request, {
        ...(signal ? { signal } : {}),
        onStarted: (run) => this.emit(subId, { type: "hook_started", turn_id: turnId, run }),
        onCompleted: (run) => {
          const runs = this.hookRunsByTurn.get(turnId) ?? [];
          runs.push(run);
          this.hookRunsByTurn.set(turnId, runs);
          this.emit(subId, { type: "hook_completed", turn_id: turnId, run });
        },
      });
    } catch (error) {
      this.emit(subId, { type: "warning", message: `${fields.event} hooks failed: ${error instanceof Error ? error.message : String(error)}` });
      return undefined;
    }
  }

  /** Add hook contexts to the conversation (developer messages, in order). */
  private pushHookContexts(outcome: HookEventOutcome | undefined): void {
    if (outcome?.additionalContexts.length) this.pushHistory(...outcome.additionalContexts.map((text) => hookContextMessage(text)));
  }

  /** Tell the user what hooks said to them (`systemMessage`). */
  private emitHookSystemMessages(subId: string, outcome: HookEventOutcome | undefined): void {
    for (const message of outcome?.systemMessages ?? []) this.emit(subId, { type: "warning", message });
  }

  // ---------------------------------------------------------------------------------------------
  // context

  /** Context items the model has not seen yet for the current settings. */
  private contextUpdates(): ResponseItem[] {
    const s = this.settingsState;
    const items: ResponseItem[] = [];
    const fresh = this.told.permissions === undefined && this.told.environment === undefined;
    const permissions = permissionsMessage(s.sandboxPolicy, s.approvalPolicy);
    const permissionsKey = JSON.stringify(permissions);
    if (permissionsKey !== this.told.permissions) {
      items.push(permissions);
      this.told.permissions = permissionsKey;
    }
    if (fresh && this.options.developerInstructions) items.push(developerMessage(this.options.developerInstructions));
    const skillsSection = skillsSectionMessage(this.skills);
    const skillsKey = skillsSection ? JSON.stringify(skillsSection) : "";
    if (skillsSection && skillsKey !== this.told.skills) items.push(skillsSection);
    this.told.skills = skillsKey;
    const mode = this.modeKind();
    if (mode !== (this.told.mode ?? "default") || (fresh && mode === "plan")) {
      const custom = s.collaborationMode?.settings.developer_instructions;
      items.push(developerMessage(custom ?? (mode === "plan" ? PLAN_MODE_INSTRUCTIONS : DEFAULT_MODE_INSTRUCTIONS)));
    }
    this.told.mode = mode;
    if (this.told.model !== undefined && this.told.model !== s.model) {
      items.push(modelSwitchMessage(this.options.modelInstructions?.(s.model) ?? this.baseInstructions));
    }
    this.told.model = s.model;
    const environmentKey = JSON.stringify([s.cwd, s.workspaceRoots]);
    if (environmentKey !== this.told.environment) {
      if (fresh || this.told.environment === undefined || JSON.parse(this.told.environment)[0] !== s.cwd) {
        const docs = loadProjectDocs(s.cwd, this.options.projectDocMaxBytes ?? 32 * 1024, this.options.projectDocFallbackFilenames);
        if (docs) items.push(projectDocsMessage(s.cwd, docs));
      }
      items.push(userTextMessage(environmentContextText(currentEnvironment(s.cwd, s.workspaceRoots, this.env))));
      this.told.environment = environmentKey;
    }
    return items;
  }

  private recordUserInput(subId: string, turnId: string, input: UserInput[], clientId?: string, addToHistory = true): void {
    const started = Date.now();
    const item: TurnItem = { type: "UserMessage", id: uuidv7(), content: input };
    if (clientId) (item as { client_id?: string }).client_id = clientId;
    this.emitItem(subId, turnId, "started", item, started);
    if (addToHistory) this.pushHistory(userInputMessage(input, this.settingsState.cwd));
    const images = input.flatMap((i) => (i.type === "image" ? [i.image_url] : []));
    const localImages = input.flatMap((i) => (i.type === "local_image" ? [i.path] : []));
    const event: EventMsg = { type: "user_message", message: userInputText(input), local_images: localImages, text_elements: [] };
    if (images.length) event.images = images;
    if (clientId) event.client_id = clientId;
    this.emit(subId, event);
    this.emitItem(subId, turnId, "completed", item, started);
  }

  private buildRequest(input: ResponseItem[], tools: unknown[], outputSchema?: unknown): ResponsesRequest {
    const s = this.settingsState;
    const reasoning = s.reasoningEffort || s.reasoningSummary ? { ...(s.reasoningEffort ? { effort: s.reasoningEffort } : {}), ...(s.reasoningSummary && s.reasoningSummary !== "none" ? { summary: s.reasoningSummary } : {}) } : null;
    const request: ResponsesRequest = {
      model: s.model,
      instructions: this.baseInstructions,
      // Item ids are not sent back (with store: false the server does not know them).
      input: input.map(withoutId),
      tools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning,
      store: false,
      stream: true,
      include: reasoning ? ["reasoning.encrypted_content"] : [],
      prompt_cache_key: this.threadId,
    };
    if (outputSchema !== undefined) {
      request.text = { format: { type: "json_schema", name: "codex_output_schema", schema: outputSchema, strict: true } };
    }
    return request;
  }

  private client(): ModelClient {
    return new ModelClient({
      provider: this.settingsState.provider,
      env: this.env,
      headers: { session_id: this.sessionId, "thread_id": this.threadId, originator: "codex_ts", ...(this.options.headers ?? {}) },
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.storedApiKey ? { storedApiKey: this.options.storedApiKey } : {}),
    });
  }

  private registry(): ToolRegistry {
    const options: ToolRegistryOptions = { ...(this.options.tools ?? {}), planMode: this.modeKind() === "plan" };
    if (this.options.dynamicTools) options.dynamicTools = this.options.dynamicTools;
    return buildToolRegistry(options);
  }

  /** The configured context window, else the known window of the current model. */
  private contextWindow(): number | undefined {
    return this.options.modelContextWindow ?? knownContextWindow(this.settingsState.model);
  }

  private autoCompactLimit(): number | undefined {
    if (this.options.autoCompactTokenLimit) return this.options.autoCompactTokenLimit;
    const window = this.contextWindow();
    return window ? Math.floor(window * 0.9) : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // sampling

  /**
   * One model request with retries. Returns the completed output items, or a ModelError after
   * the retries are spent. Throws Aborted on interrupt.
   */
  private async sample(
    subId: string,
    turnId: string,
    request: ResponsesRequest,
    signal: AbortSignal,
    emitItems: boolean,
  ): Promise<{ ok: true; items: ResponseItem[] } | { ok: false; error: ModelError; retriesSpent: boolean }> {
    const provider = this.settingsState.provider;
    const requestRetries = this.options.retry?.requestMaxRetries ?? providerRequestRetries(provider);
    const streamRetries = this.options.retry?.streamMaxRetries ?? providerStreamRetries(provider);
    let attempt = 0;
    for (;;) {
      const result = await this.sampleOnce(subId, turnId, request, signal, emitItems);
      if (result.ok) return result;
      const error = result.error;
      if (signal.aborted || error.kind === "aborted") throw new Aborted();
      const max = error.kind === "http" ? requestRetries : streamRetries;
      if (!error.retryable || attempt >= max) return { ok: false, error, retriesSpent: error.retryable };
      attempt++;
      const delay = backoffMs(attempt, error.retryAfterMs, this.options.retry?.baseDelayMs ?? 200);
      this.emit(subId, {
        type: "stream_error",
        message: `Reconnecting... ${attempt}/${max}`,
        additional_details: error.message,
        codex_error_info: { response_stream_disconnected: { http_status_code: error.status ?? null } },
      });
      await sleep(delay, signal);
    }
  }

  private async sampleOnce(
    subId: string,
    turnId: string,
    request: ResponsesRequest,
    signal: AbortSignal,
    emitItems: boolean,
  ): Promise<{ ok: true; items: ResponseItem[] } | { ok: false; error: ModelError }> {
    const items: ResponseItem[] = [];
    // Items started but not completed yet, by server item id.
    const open = new Map<string, { item: TurnItem; started: number; text: string[] }>();
    const keyOf = (item: ResponseItem, fallback: string) => ("id" in item && typeof item.id === "string" ? item.id : fallback);
    let lastKey: string | undefined;
    let rerouted = false;

    const startItem = (key: string, item: TurnItem) => {
      const entry = { item, started: Date.now(), text: [] as string[] };
      open.set(key, entry);
      if (emitItems) this.emitItem(subId, turnId, "started", item, entry.started);
      return entry;
    };
    const closeOpen = () => {
      for (const [key, entry] of open) {
        open.delete(key);
        if (entry.item.type === "AgentMessage") entry.item.content = [{ type: "Text", text: entry.text.join("") }];
        if (emitItems) this.emitItem(subId, turnId, "completed", entry.item, entry.started);
      }
    };

    const handle = (event: ModelEvent) => {
      switch (event.type) {
        case "rate_limits":
          Object.assign(this.snapshots, event.snapshots);
          return;
        case "server_model":
          if (!rerouted && event.model !== request.model) {
            rerouted = true;
            this.emit(subId, { type: "model_reroute", from_model: request.model, to_model: event.model, reason: "high_risk_cyber_activity" });
          }
          return;
        case "output_item_added": {
          const key = keyOf(event.item, uuidv7());
          lastKey = key;
          if (event.item.type === "message" && event.item.role === "assistant") {
            const item: TurnItem = { type: "AgentMessage", id: key, content: [] };
            if (event.item.phase) item.phase = event.item.phase;
            startItem(key, item);
          } else if (event.item.type === "reasoning") {
            startItem(key, { type: "Reasoning", id: key, summary_text: [], raw_content: [] });
          } else if (event.item.type === "web_search_call") {
            const query = event.item.action?.type === "search" ? (event.item.action.query ?? "") : "";
            startItem(key, { type: "WebSearch", id: key, query, action: event.item.action ?? { type: "other" } });
            if (emitItems) this.emit(subId, { type: "web_search_begin", call_id: key });
          }
          return;
        }
        case "output_text_delta": {
          const entry = open.get(event.itemId ?? lastKey ?? "");
          entry?.text.push(event.delta);
          if (emitItems) this.emit(subId, { type: "agent_message_delta", delta: event.delta });
          return;
        }
        case "reasoning_summary_delta":
          if (emitItems) this.emit(subId, { type: "agent_reasoning_delta", delta: event.delta });
          return;
        case "reasoning_summary_part_added":
          if (emitItems && event.summaryIndex > 0) {
            const msg: EventMsg = { type: "agent_reasoning_section_break", summary_index: event.summaryIndex };
            if (event.itemId) msg.item_id = event.itemId;
            this.emit(subId, msg);
          }
          return;
        case "reasoning_content_delta":
          if (emitItems) this.emit(subId, { type: "agent_reasoning_raw_content_delta", delta: event.delta });
          return;
        case "output_item_done": {
          const item = event.item;
          items.push(item);
          const key = keyOf(item, lastKey ?? uuidv7());
          const entry = open.get(key);
          open.delete(key);
          if (!emitItems) return;
          if (item.type === "message" && item.role === "assistant") {
            const text = item.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("");
            const turnItem: TurnItem = { type: "AgentMessage", id: key, content: [{ type: "Text", text }] };
            if (item.phase) turnItem.phase = item.phase;
            const started = entry?.started ?? Date.now();
            if (!entry) this.emitItem(subId, turnId, "started", turnItem, started);
            const msg: EventMsg = { type: "agent_message", message: text };
            if (item.phase) msg.phase = item.phase;
            this.emit(subId, msg);
            this.emitItem(subId, turnId, "completed", turnItem, started);
          } else if (item.type === "reasoning") {
            const turnItem: TurnItem = {
              type: "Reasoning",
              id: key,
              summary_text: item.summary.map((s) => s.text),
              raw_content: (item.content ?? []).map((c) => c.text),
            };
            const started = entry?.started ?? Date.now();
            if (!entry) this.emitItem(subId, turnId, "started", turnItem, started);
            for (const s of item.summary) this.emit(subId, { type: "agent_reasoning", text: s.text });
            this.emitItem(subId, turnId, "completed", turnItem, started);
          } else if (item.type === "web_search_call") {
            const action = item.action ?? { type: "other" as const };
            const query = action.type === "search" ? (action.query ?? "") : "";
            const turnItem: TurnItem = { type: "WebSearch", id: key, query, action };
            const started = entry?.started ?? Date.now();
            if (!entry) this.emitItem(subId, turnId, "started", turnItem, started);
            this.emit(subId, { type: "web_search_end", call_id: key, query, action });
            this.emitItem(subId, turnId, "completed", turnItem, started);
          }
          return;
        }
        case "completed":
          if (event.usage) this.recordUsage(subId, event.usage);
          return;
        default:
          return;
      }
    };

    try {
      for await (const event of this.client().stream(request, signal)) handle(event);
      return { ok: true, items };
    } catch (error) {
      closeOpen();
      if (error instanceof ModelError) return { ok: false, error };
      return { ok: false, error: new ModelError("stream", error instanceof Error ? error.message : String(error), false) };
    }
  }

  private recordUsage(subId: string, usage: NonNullable<Extract<ModelEvent, { type: "completed" }>["usage"]>): void {
    const last: TokenUsage = {
      input_tokens: usage.input_tokens,
      cached_input_tokens: usage.input_tokens_details?.cached_tokens ?? 0,
      output_tokens: usage.output_tokens,
      reasoning_output_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
      total_tokens: usage.total_tokens,
    };
    const t = this.totalUsage;
    this.totalUsage = {
      input_tokens: t.input_tokens + last.input_tokens,
      cached_input_tokens: t.cached_input_tokens + last.cached_input_tokens,
      output_tokens: t.output_tokens + last.output_tokens,
      reasoning_output_tokens: t.reasoning_output_tokens + last.reasoning_output_tokens,
      total_tokens: t.total_tokens + last.total_tokens,
    };
    this.lastTotalTokens = last.total_tokens;
    const codex = this.snapshots.codex ?? Object.values(this.snapshots)[0];
    this.emit(subId, {
      type: "token_count",
      info: {
        total_token_usage: { ...this.totalUsage },
        last_token_usage: last,
        model_context_window: this.contextWindow() ?? null,
      },
      rate_limits: codex ? { ...codex } : null,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // turns

  private async runTurn(subId: string, turnId: string, input: UserInput[], clientId?: string, outputSchema?: unknown): Promise<void> {
    const active = this.active!;
    const signal = active.controller.signal;
    const startedAt = Date.now();
    this.emit(subId, {
      type: "task_started",
      turn_id: turnId,
      model_context_window: this.contextWindow() ?? null,
      collaboration_mode_kind: this.modeKind(),
    });
    let lastAgentMessage: string | null = null;
    let compactedForOverflow = false;
    let stopHookActive = false;
    let stopContinuations = 0;
    const complete = () => {
      this.active = undefined;
      this.emit(subId, {
        type: "task_complete",
        turn_id: turnId,
        last_agent_message: lastAgentMessage,
        duration_ms: Date.now() - startedAt,
      });
    };
    this.record((r) => r.recordTurnContext?.(this.turnContext(turnId)));
    try {
      await this.loadSkills(subId);
      if (networkRestricted(this.settingsState.sandboxPolicy)) await this.startNetworkProxy(subId);
      this.pushHistory(...this.contextUpdates());
      if (!this.sessionStartFired) {
        // First turn: SessionStart (SubagentStart for thread-spawned subagents) before the first request.
        this.sessionStartFired = true;
        const sub = this.options.subagent;
        const outcome = sub
          ? await this.fireHook(subId, turnId, { event: "SubagentStart", agentId: sub.agentId, agentType: sub.agentType }, signal)
          : await this.fireHook(
              subId,
              turnId,
              { event: "SessionStart", source: this.options.sessionStartSource ?? (this.options.initialHistory?.length ? "resume" : "startup") },
              signal,
            );
        if (signal.aborted) throw new Aborted();
        this.pushHookContexts(outcome);
        this.emitHookSystemMessages(subId, outcome);
        if (outcome?.stop) {
          this.recordUserInput(subId, turnId, input, clientId, false);
          this.emit(subId, { type: "warning", message: `${sub ? "SubagentStart" : "SessionStart"} hook stopped the session: ${outcome.stopReason ?? "no reason given"}` });
          complete();
          return;
        }
      }
      if (!(await this.submitPrompt(subId, turnId, input, signal, clientId))) {
        // The model never sees a blocked prompt; the turn ends without a request.
        complete();
        return;
      }
      for (;;) {
        if (signal.aborted) throw new Aborted();
        const limit = this.autoCompactLimit();
        if (limit !== undefined && this.lastTotalTokens >= limit) {
          const compacted = await this.compact(subId, turnId, signal, "auto");
          if (compacted === "failed") break;
          if (compacted === "done") this.pushHistory(...this.contextUpdates());
          else this.lastTotalTokens = 0; // cancelled by a PreCompact hook: go on without compacting
        }
        const registry = this.registry();
        const request = this.buildRequest(this.historyItems, registry.specs, outputSchema);
        const result = await this.sample(subId, turnId, request, signal, true);
        if (!result.ok) {
          // Over the context window: compact once and try again before giving up.
          if (result.error.kind === "context_window_exceeded" && !compactedForOverflow) {
            compactedForOverflow = true;
            const compacted = await this.compact(subId, turnId, signal, "auto");
            if (compacted === "done") {
              this.pushHistory(...this.contextUpdates());
              continue;
            }
            if (compacted === "failed") break;
          }
          this.emitTurnError(subId, result.error, result.retriesSpent);
          break;
        }
        this.pushHistory(...result.items);
        for (const item of result.items) {
          if (item.type === "message" && item.role === "assistant") {
            lastAgentMessage = item.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("");
          }
        }
        const calls = result.items.filter((i) => i.type === "function_call" || i.type === "custom_tool_call");
        let stopAfterTools = false;
        for (const call of calls) {
          if (call.type !== "function_call" && call.type !== "custom_tool_call") continue;
          if (signal.aborted || stopAfterTools) {
            this.pushHistory(this.toolOutput(call, { output: "aborted by user", success: false }));
            continue;
          }
          const ran = await this.runTool(subId, turnId, call, registry, signal);
          this.pushHistory(ran.output, ...ran.after);
          // The user answered an approval with `abort`: end the turn as interrupted.
          if (ran.abortTurn) active.controller.abort();
          if (ran.stop) stopAfterTools = true;
        }
        if (signal.aborted) throw new Aborted();
        if (stopAfterTools) break;
        const steer = active.pendingInput.splice(0);
        let steered = 0;
        for (const extra of steer) if (await this.submitPrompt(subId, turnId, extra, signal)) steered++;
        if (calls.length === 0 && steered === 0) {
          // The model is done: Stop (SubagentStop) hooks may send it back to work.
          const sub = this.options.subagent;
          const stop = sub
            ? await this.fireHook(
                subId,
                turnId,
                {
                  event: "SubagentStop",
                  agentId: sub.agentId,
                  agentType: sub.agentType,
                  agentTranscriptPath: sub.transcriptPath ?? this.options.transcriptPath ?? null,
                  stopHookActive,
                  lastAssistantMessage: lastAgentMessage,
                },
                signal,
              )
            : await this.fireHook(subId, turnId, { event: "Stop", stopHookActive, lastAssistantMessage: lastAgentMessage }, signal);
          if (signal.aborted) throw new Aborted();
          this.emitHookSystemMessages(subId, stop);
          if (!stop?.blocked || stop.stop) break;
          const maxContinuations = this.options.maxStopHookContinuations ?? DEFAULT_MAX_STOP_HOOK_CONTINUATIONS;
          if (stopContinuations >= maxContinuations) {
            const hook = sub ? "SubagentStop" : "Stop";
            this.emit(subId, {
              type: "warning",
              message: `${hook} hook blocked the turn again after ${maxContinuations} continuation${maxContinuations === 1 ? "" : "s"}; ending the turn${stop.blockReason ? ` (last reason: ${stop.blockReason})` : ""}`,
            });
            break;
          }
          stopContinuations++;
          stopHookActive = true;
          this.recordHookPrompt(subId, turnId, stop);
        }
      }
      complete();
    } catch (error) {
      if (!(error instanceof Aborted)) throw error;
      this.active = undefined;
      this.emit(subId, {
        type: "turn_aborted",
        turn_id: turnId,
        reason: "interrupted",
        duration_ms: Date.now() - startedAt,
      });
    }
  }

  /**
   * Run UserPromptSubmit for one input, then record it. A blocked (or `continue:false`) prompt is
   * shown as a UserMessage item but stays out of the history; returns false then.
   */
  private async submitPrompt(subId: string, turnId: string, input: UserInput[], signal: AbortSignal, clientId?: string): Promise<boolean> {
    const prompt = await this.fireHook(subId, turnId, { event: "UserPromptSubmit", prompt: userInputText(input) }, signal);
    if (signal.aborted) throw new Aborted();
    this.emitHookSystemMessages(subId, prompt);
    if (prompt?.blocked || prompt?.stop) {
      this.recordUserInput(subId, turnId, input, clientId, false);
      const reason = prompt.blocked ? (prompt.blockReason ?? "") : (prompt.stopReason ?? "");
      this.emit(subId, {
        type: "warning",
        message: `UserPromptSubmit hook ${prompt.blocked ? "blocked the prompt" : "stopped the turn"}${reason ? `: ${reason}` : ""}`,
      });
      return false;
    }
    this.recordUserInput(subId, turnId, input, clientId);
    // Explicitly selected skills (`skill` items, `$name` mentions): their SKILL.md follows the message.
    if (this.skills.length > 0) {
      const injected = await skillInjectionsForTurn(input, this.skills);
      if (injected.items.length > 0) this.pushHistory(...injected.items);
      for (const message of injected.warnings) this.emit(subId, { type: "warning", message });
    }
    this.pushHookContexts(prompt);
    return true;
  }

  /** Start the session's network proxy once (when configured); failures are a warning, not a crash. */
  private startNetworkProxy(subId: string): Promise<NetworkProxyState | undefined> {
    const config = this.options.networkProxy;
    if (!config) return Promise.resolve(undefined);
    this.networkProxy ??= (async () => {
      const started = await startNetworkProxy({ policy: config.policy, ...(config.lookup ? { lookup: config.lookup } : {}) });
      if (!started.ok) {
        this.emit(subId, { type: "warning", message: `network proxy not started (the network stays blocked): ${started.error.message}` });
        return undefined;
      }
      const broker = createNetworkApprovalBroker({
        proxy: started.proxy,
        base: config.policy,
        ...(this.options.execPolicy ? { execPolicy: this.options.execPolicy } : {}),
        ...(config.rulesPath ? { rulesPath: config.rulesPath } : {}),
        requestApproval: (request) => this.requestNetworkApproval(request),
        onError: (message) => this.emit(this.active?.subId ?? subId, { type: "warning", message: `network policy: ${message}` }),
      });
      this.networkProxyState = { proxy: started.proxy, broker };
      return this.networkProxyState;
    })();
    return this.networkProxy;
  }

  /**
   * A host the proxy's policy does not allow: ask about it as an exec approval on the command that
   * is running (a distinct approval id per host). No running command, approval policy `never`, or
   * no active turn: refused.
   */
  private async requestNetworkApproval(request: NetworkAccessRequest): Promise<ReviewDecision> {
    const active = this.active;
    const running = [...this.runningCommands.entries()].reverse().find(([, c]) => c.turnId === active?.turnId);
    if (!active || !running || this.settingsState.approvalPolicy === "never") return "denied";
    const [callId, command] = running;
    const allow: ReviewDecision = { network_policy_amendment: { network_policy_amendment: { host: request.host, action: "allow" } } };
    const decision = await this.requestApproval(
      command.subId,
      command.turnId,
      {
        kind: "exec",
        approvalId: uuidv7(),
        callId,
        turnId: command.turnId,
        command: command.command,
        cwd: command.cwd,
        reason: `network access to ${request.host}`,
        networkApprovalContext: { host: request.host, protocol: coreNetworkProtocol(request.protocol) },
        proposedNetworkPolicyAmendments: proposedNetworkPolicyAmendments(request),
        availableDecisions: ["approved", "approved_for_session", allow, "denied", "abort"],
      },
      active.controller.signal,
      true,
    );
    // "abort" refuses and ends the turn as interrupted, as for any approval.
    if (decision === "abort") active.controller.abort();
    return decision;
  }

  /** The cwd's skills from the skills cache (loaded once, until the cache is invalidated). */
  private async loadSkills(subId: string): Promise<void> {
    const cache = this.options.skillsCache;
    if (!cache) return;
    try {
      this.skills = (await cache.get(this.settingsState.cwd)).skills;
    } catch (error) {
      this.skills = [];
      this.emit(subId, { type: "warning", message: `failed to load skills: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** A blocking Stop hook's reason goes back to the model as a hook prompt (a user message). */
  private recordHookPrompt(subId: string, turnId: string, outcome: HookEventOutcome): void {
    const fragments = outcome.handlers
      .filter((h) => h.run.status === "blocked")
      .map((h) => ({
        hookRunId: h.run.id,
        text: h.run.entries.filter((e) => e.kind === "feedback").map((e) => e.text).join("\n") || (outcome.blockReason ?? ""),
      }));
    if (fragments.length === 0) fragments.push({ hookRunId: outcome.runs[0]?.id ?? "hook", text: outcome.blockReason ?? "" });
    const started = Date.now();
    const item: TurnItem = { type: "HookPrompt", id: uuidv7(), fragments };
    this.emitItem(subId, turnId, "started", item, started);
    this.pushHistory(hookPromptMessage(fragments));
    this.emitItem(subId, turnId, "completed", item, started);
  }

  private emitTurnError(subId: string, error: ModelError, retriesSpent: boolean): void {
    const status = error.status ?? null;
    let info: import("@codex-ts/protocol").CodexErrorInfo;
    let message = error.message;
    if (error.kind === "context_window_exceeded") info = "context_window_exceeded";
    else if (error.kind === "quota_exceeded") info = "usage_limit_exceeded";
    else if (error.kind === "auth") info = "unauthorized";
    else if (error.kind === "http" && retriesSpent) {
      info = { response_too_many_failed_attempts: { http_status_code: status } };
      message = `exceeded retry limit, last error: ${error.message}`;
    } else if (error.kind === "http") info = status === 400 ? "bad_request" : { http_connection_failed: { http_status_code: status } };
    else if (error.kind === "stream" || error.kind === "protocol") info = { response_stream_disconnected: { http_status_code: status } };
    else info = "other";
    this.emit(subId, { type: "error", message, codex_error_info: info });
  }

  private toolOutput(
    call: Extract<ResponseItem, { type: "function_call" | "custom_tool_call" }>,
    result: ToolResult,
  ): ResponseItem {
    const output = typeof result.output === "string" ? result.output : result.output.map((c) => ({ ...c }));
    return call.type === "function_call"
      ? { type: "function_call_output", call_id: call.call_id, output }
      : { type: "custom_tool_call_output", call_id: call.call_id, output };
  }

  /**
   * The tool router: look up, validate, run hooks around the call, run; every failure becomes
   * output for the model. `after` holds hook context messages that follow the output.
   */
  private async runTool(
    subId: string,
    turnId: string,
    item: Extract<ResponseItem, { type: "function_call" | "custom_tool_call" }>,
    registry: ToolRegistry,
    signal: AbortSignal,
  ): Promise<{ output: ResponseItem; after: ResponseItem[]; abortTurn: boolean; stop: boolean }> {
    const done = (result: ToolResult, after: ResponseItem[] = [], stop = false) => ({
      output: this.toolOutput(item, result),
      after,
      abortTurn: result.abortTurn === true,
      stop,
    });
    const call: ToolCall =
      item.type === "function_call"
        ? { callId: item.call_id, name: item.name, payload: { type: "function", arguments: item.arguments } }
        : { callId: item.call_id, name: item.name, payload: { type: "custom", input: item.input } };
    const handler = registry.get(item.name);
    if (!handler) return done({ output: `unsupported call: ${item.name}`, success: false });
    if (item.type === "function_call") {
      try {
        JSON.parse(item.arguments || "{}");
      } catch (error) {
        return done({ output: `failed to parse function arguments for ${item.name}: ${(error as Error).message}`, success: false });
      }
      if (item.arguments.trim() === "") call.payload = { type: "function", arguments: "{}" };
    }
    const after: ResponseItem[] = [];
    const contexts = (outcome: HookEventOutcome | undefined) => {
      for (const text of outcome?.additionalContexts ?? []) after.push(hookContextMessage(text));
      this.emitHookSystemMessages(subId, outcome);
    };
    let view = this.options.hooks ? hookToolView(item.name, call.payload) : undefined;
    if (view) {
      const pre = await this.fireHook(
        subId,
        turnId,
        { event: "PreToolUse", toolName: view.toolName, matcherAliases: view.matcherAliases, toolInput: view.toolInput, toolUseId: item.call_id },
        signal,
      );
      contexts(pre);
      if (pre?.blocked) {
        // The tool does not run; the model is told why.
        return done({ output: preToolUseBlockMessage(view.toolName, view.toolInput, pre.blockReason ?? ""), success: false }, after);
      }
      if (pre?.updatedInput !== undefined) {
        call.payload = payloadWithUpdatedInput(item.name, call.payload, pre.updatedInput);
        view = hookToolView(item.name, call.payload);
      }
    }
    const ctx = this.toolContext(subId, turnId, signal);
    let result: ToolResult;
    try {
      result = await handler.handle(call, ctx);
    } catch (error) {
      result = { output: `tool ${item.name} failed: ${error instanceof Error ? error.message : String(error)}`, success: false };
    }
    if (view && !signal.aborted && !result.abortTurn) {
      const toolResponse = typeof result.output === "string" ? result.output : result.output.flatMap((c) => (c.type === "input_text" ? [c.text] : [])).join("\n");
      const post = await this.fireHook(
        subId,
        turnId,
        { event: "PostToolUse", toolName: view.toolName, matcherAliases: view.matcherAliases, toolInput: view.toolInput, toolUseId: item.call_id, toolResponse },
        signal,
      );
      contexts(post);
      // A blocking PostToolUse hook replaces what the model reads with its reason (the tool already ran).
      if (post?.blocked) result = { ...result, output: post.blockReason ?? "" };
      if (post?.stop) {
        this.emit(subId, { type: "warning", message: `PostToolUse hook stopped the turn${post.stopReason ? `: ${post.stopReason}` : ""}` });
        return done(result, after, true);
      }
    }
    return done(result, after);
  }

  private toolContext(subId: string, turnId: string, signal: AbortSignal): ToolContext {
    const s = this.settingsState;
    const ctx: ToolContext = {
      threadId: this.threadId,
      turnId,
      cwd: s.cwd,
      sandboxPolicy: s.sandboxPolicy,
      approvalPolicy: s.approvalPolicy,
      signal,
      emit: (event) => this.forwardToolEvent(subId, turnId, event),
      requestApproval: async (request) => {
        const decision = await this.requestApproval(subId, turnId, request, signal);
        // "abort" denies and ends the turn as interrupted (Codex semantics).
        if (decision === "abort") this.active?.controller.abort();
        return decision;
      },
      runner: this.runner,
      planMode: this.modeKind() === "plan",
      approvedForSession: this.approvedForSession,
      execSessions: this.execSessions,
    };
    ctx.env = applyShellEnvironmentPolicy(this.options.shellEnvironmentPolicy ?? {}, this.env);
    if (this.env.SHELL) ctx.shell = this.env.SHELL;
    if (this.options.execPolicy) ctx.execPolicy = this.options.execPolicy;
    if (this.networkProxyState && networkRestricted(s.sandboxPolicy)) ctx.networkProxy = { ...this.networkProxyState.proxy.httpAddress };
    if (this.options.onExecpolicyAmendment) ctx.onExecpolicyAmendment = this.options.onExecpolicyAmendment;
    if (this.options.dynamicToolHandler) ctx.runDynamicTool = this.options.dynamicToolHandler;
    if (this.options.userInputHandler) ctx.requestUserInput = this.options.userInputHandler;
    ctx.requestPermissions = (request) => this.requestPermissions(subId, turnId, request, signal);
    ctx.grantedPermissions = () => this.grantedPermissions(turnId);
    return ctx;
  }

  /** Session grants plus this turn's grants, or null when nothing was granted. */
  private grantedPermissions(turnId: string): AdditionalPermissionProfile | null {
    const turn = this.turnGrants?.turnId === turnId ? this.turnGrants.grants : null;
    if (!this.sessionGrants && !turn) return null;
    return mergeAdditionalPermissions(this.sessionGrants, turn);
  }

  /**
   * Ask the client (handler, else event + op) for additional permissions; keep only what was
   * requested, remember it for its scope, and tell the tool what was granted.
   */
  private async requestPermissions(
    subId: string,
    turnId: string,
    request: PermissionsRequest,
    signal: AbortSignal,
  ): Promise<PermissionsOutcome> {
    if (this.settingsState.approvalPolicy === "never") {
      return { ok: false, message: "permissions request denied: the approval policy is never, so nothing can be granted" };
    }
    if (signal.aborted) return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    const grant = await new Promise<PermissionsGrant>((resolve) => {
      let settled = false;
      const settle = (g: PermissionsGrant) => {
        if (settled) return;
        settled = true;
        this.pendingPermissions.delete(request.callId);
        resolve(g);
      };
      this.pendingPermissions.set(request.callId, settle);
      if (this.options.permissionsHandler) {
        this.options.permissionsHandler(request).then(settle, () => settle({ permissions: null }));
        return;
      }
      const msg: EventMsg = {
        type: "request_permissions",
        call_id: request.callId,
        turn_id: turnId,
        permissions: request.permissions,
        cwd: request.cwd,
      };
      if (request.reason) msg.reason = request.reason;
      this.emit(subId, msg);
    });
    // The handler is client code: validate what it returned.
    const parsed = grant.permissions ? AdditionalPermissionProfile.safeParse(grant.permissions) : undefined;
    if (parsed && !parsed.success) {
      this.emit(subId, { type: "warning", message: "the permissions grant was invalid and was treated as denied" });
      return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    }
    const granted = parsed ? intersectAdditionalPermissions(request.permissions, parsed.data, request.cwd) : null;
    if (!granted || isEmptyPermissions(granted)) return { ok: false, message: PERMISSIONS_DENIED_MESSAGE };
    const scope = grant.scope === "session" ? "session" : "turn";
    if (scope === "session") this.sessionGrants = mergeAdditionalPermissions(this.sessionGrants, granted);
    else {
      const current = this.turnGrants?.turnId === turnId ? this.turnGrants.grants : null;
      this.turnGrants = { turnId, grants: mergeAdditionalPermissions(current, granted) };
    }
    return { ok: true, granted, scope };
  }

  private requestApproval(subId: string, turnId: string, request: ApprovalRequest, signal: AbortSignal, raw = false): Promise<ReviewDecision> {
    if (signal.aborted) return Promise.resolve("abort");
    const id = request.kind === "exec" ? request.approvalId : request.callId;
    return new Promise<ReviewDecision>((resolve) => {
      let settled = false;
      const settle = (decision: ReviewDecision) => {
        if (settled) return;
        settled = true;
        this.pendingApprovals.delete(id);
        this.pendingApprovals.delete(request.callId);
        resolve(decision);
      };
      this.pendingApprovals.set(id, { resolve: settle, turnId, raw });
      // An exec approval may be answered by its approval id or its call id.
      if (request.kind === "exec" && request.callId !== id) this.pendingApprovals.set(request.callId, { resolve: settle, turnId, raw });
      if (this.options.approvalHandler) {
        this.options.approvalHandler(request).then(settle, () => settle("denied"));
        return;
      }
      if (request.kind === "exec") {
        const msg: EventMsg = {
          type: "exec_approval_request",
          call_id: request.callId,
          approval_id: request.approvalId,
          turn_id: turnId,
          command: request.command,
          cwd: request.cwd,
          available_decisions: request.availableDecisions,
          parsed_cmd: [],
        };
        if (request.reason) msg.reason = request.reason;
        if (request.networkApprovalContext) msg.network_approval_context = request.networkApprovalContext;
        if (request.proposedExecpolicyAmendment) msg.proposed_execpolicy_amendment = request.proposedExecpolicyAmendment;
        if (request.proposedNetworkPolicyAmendments) msg.proposed_network_policy_amendments = request.proposedNetworkPolicyAmendments;
        this.emit(subId, msg);
      } else {
        const changes: Record<string, import("@codex-ts/protocol").FileChange> = {};
        for (const [file, change] of Object.entries(request.changes)) {
          changes[file] = change.type === "update" ? { type: "update", unified_diff: change.unified_diff, move_path: change.move_path ?? null } : change;
        }
        const msg: EventMsg = { type: "apply_patch_approval_request", call_id: request.callId, turn_id: turnId, changes };
        if (request.reason) msg.reason = request.reason;
        if (request.grantRoot) msg.grant_root = request.grantRoot;
        this.emit(subId, msg);
      }
    });
  }

  /** The turn's diff tracker (a new turn starts a new one). */
  private turnDiff(turnId: string): TurnDiffTracker {
    if (this.turnDiffState?.turnId !== turnId) this.turnDiffState = { turnId, tracker: new TurnDiffTracker() };
    return this.turnDiffState.tracker;
  }

  private forwardToolEvent(subId: string, turnId: string, event: ToolEvent): void {
    switch (event.type) {
      case "item_started": {
        if (event.item.type === "command_execution") {
          this.runningCommands.set(event.item.id, { subId, turnId, command: event.item.argv ?? [event.item.command], cwd: event.item.cwd });
        }
        if (event.item.type === "file_change") {
          // Baseline for the turn diff: the files as they are before this patch writes them.
          const paths = Object.entries(event.item.changes).flatMap(([file, c]) =>
            c.type === "update" && c.move_path ? [file, c.move_path] : [file],
          );
          this.turnDiff(turnId).snapshot(paths.map((p) => path.resolve(this.settingsState.cwd, p)));
        }
        const item = toTurnItem(event.item);
        this.emit(subId, { type: "item_started", thread_id: this.threadId, turn_id: turnId, item, started_at_ms: event.started_at_ms });
        if (item.type === "FileChange") {
          // Legacy twin, as Codex emits it alongside the item events.
          this.emit(subId, { type: "patch_apply_begin", call_id: item.id, turn_id: turnId, auto_approved: this.settingsState.approvalPolicy === "never", changes: item.changes });
        }
        return;
      }
      case "item_completed": {
        if (event.item.type === "command_execution") this.runningCommands.delete(event.item.id);
        const item = toTurnItem(event.item);
        if (item.type === "FileChange" && item.status !== "in_progress") {
          // Legacy twin: what real Codex shows when it reads our (legacy-mode) rollouts.
          const success = item.status === "completed";
          const letter = (c: import("@codex-ts/protocol").FileChange) => (c.type === "add" ? "A" : c.type === "delete" ? "D" : "M");
          const stdout = success ? `Success. Updated the following files:\n${Object.entries(item.changes).map(([file, c]) => `${letter(c)} ${file}\n`).join("")}` : "";
          this.emit(subId, { type: "patch_apply_end", call_id: item.id, turn_id: turnId, stdout, stderr: "", success, changes: item.changes, status: item.status });
        }
        this.emit(subId, {
          type: "item_completed",
          thread_id: this.threadId,
          turn_id: turnId,
          item,
          completed_at_ms: event.completed_at_ms,
        });
        if (item.type === "FileChange" && item.status === "completed") {
          const unified = this.turnDiff(turnId).unifiedDiff(this.settingsState.cwd);
          if (unified !== "") this.emit(subId, { type: "turn_diff", unified_diff: unified });
        }
        return;
      }
      case "exec_command_output_delta":
        this.emit(subId, {
          type: "exec_command_output_delta",
          call_id: event.call_id,
          stream: event.stream,
          chunk: Buffer.from(event.chunk, "utf8").toString("base64"),
        });
        return;
      case "plan_update": {
        const msg: EventMsg = { type: "plan_update", plan: event.plan };
        if (event.explanation) msg.explanation = event.explanation;
        this.emit(subId, msg);
        return;
      }
      case "warning":
        this.emit(subId, { type: "warning", message: event.message });
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // compaction

  private async runCompactTask(subId: string, turnId: string): Promise<void> {
    const signal = this.active!.controller.signal;
    const startedAt = Date.now();
    this.emit(subId, { type: "task_started", turn_id: turnId, model_context_window: this.contextWindow() ?? null, collaboration_mode_kind: this.modeKind() });
    try {
      await this.compact(subId, turnId, signal, "manual");
      this.active = undefined;
      this.emit(subId, { type: "task_complete", turn_id: turnId, last_agent_message: null, duration_ms: Date.now() - startedAt });
    } catch (error) {
      if (!(error instanceof Aborted)) throw error;
      this.active = undefined;
      this.emit(subId, { type: "turn_aborted", turn_id: turnId, reason: "interrupted", duration_ms: Date.now() - startedAt });
    }
  }

  /**
   * Replace the history by a summary (base instructions stay in `instructions`). PreCompact hooks
   * run first (`continue:false` cancels), PostCompact hooks after a successful compaction.
   */
  private async compact(subId: string, turnId: string, signal: AbortSignal, trigger: "manual" | "auto"): Promise<"done" | "failed" | "cancelled"> {
    const pre = await this.fireHook(subId, turnId, { event: "PreCompact", trigger }, signal);
    if (signal.aborted) throw new Aborted();
    this.emitHookSystemMessages(subId, pre);
    if (pre?.stop) {
      this.emit(subId, { type: "warning", message: `compaction cancelled by a PreCompact hook${pre.stopReason ? `: ${pre.stopReason}` : ""}` });
      return "cancelled";
    }
    const item: TurnItem = { type: "ContextCompaction", id: uuidv7() };
    const started = Date.now();
    this.emitItem(subId, turnId, "started", item, started);
    // When even the summarization request is too long, drop the oldest items until it fits.
    let source = [...this.historyItems];
    let result: Awaited<ReturnType<SessionImpl["sample"]>>;
    for (;;) {
      const request = this.buildRequest([...source, userTextMessage(SUMMARIZATION_PROMPT)], []);
      result = await this.sample(subId, turnId, request, signal, false);
      if (result.ok || result.error.kind !== "context_window_exceeded" || source.length <= 1) break;
      source = source.slice(1);
    }
    if (!result.ok) {
      this.emitTurnError(subId, result.error, result.retriesSpent);
      this.emitItem(subId, turnId, "completed", item, started);
      return "failed";
    }
    const summary = result.items
      .flatMap((i) => (i.type === "message" && i.role === "assistant" ? [i.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("")] : []))
      .join("\n");
    // Keep the user's own messages (most recent first, up to a budget), then the summary.
    const userMessages = this.historyItems.filter((i) => i.type === "message" && i.role === "user" && !isContextMessage(i));
    const kept: ResponseItem[] = [];
    let budget = 80_000;
    for (let i = userMessages.length - 1; i >= 0 && budget > 0; i--) {
      const message = userMessages[i]!;
      budget -= JSON.stringify(message).length;
      if (budget >= 0) kept.unshift(message);
    }
    this.historyItems = [];
    this.told = {};
    this.lastTotalTokens = 0;
    this.pushHistory(...kept, userTextMessage(`${SUMMARY_PREFIX}\n${summary}`));
    this.record((r) => r.recordCompacted?.({ message: summary, replacement_history: [...this.historyItems] }));
    this.emitItem(subId, turnId, "completed", item, started);
    this.emit(subId, { type: "context_compacted" });
    const post = await this.fireHook(subId, turnId, { event: "PostCompact", trigger }, signal);
    this.emitHookSystemMessages(subId, post);
    return "done";
  }
}

/** Context windows (tokens) of well-known OpenAI model families; undefined when unknown. */
export function knownContextWindow(model: string): number | undefined {
  const m = model.toLowerCase();
  if (m.startsWith("gpt-5")) return 272_000;
  if (m.startsWith("gpt-4.1")) return 1_047_576;
  if (m.startsWith("o3") || m.startsWith("o4-mini")) return 200_000;
  if (m.startsWith("gpt-4o")) return 128_000;
  return undefined;
}

function withoutId(item: ResponseItem): unknown {
  if (!("id" in item) || item.id === undefined) return item;
  const { id: _id, ...rest } = item;
  return rest;
}

function toTurnItem(item: ToolItem): TurnItem {
  switch (item.type) {
    case "command_execution": {
      const out: TurnItem = {
        type: "CommandExecution",
        id: item.id,
        // Codex's `command` is the argv actually run (e.g. ["/bin/bash", "-lc", "…"]).
        command: item.argv ?? [item.command],
        cwd: item.cwd,
        parsed_cmd: [],
        source: "agent",
        status: item.status,
      };
      if (item.processId) out.process_id = item.processId;
      if (item.aggregatedOutput !== undefined) out.aggregated_output = item.aggregatedOutput;
      if (item.exitCode !== undefined) out.exit_code = item.exitCode;
      if (item.durationMs !== undefined) out.duration = { secs: Math.floor(item.durationMs / 1000), nanos: (item.durationMs % 1000) * 1_000_000 };
      return out;
    }
    case "file_change": {
      const changes: Record<string, import("@codex-ts/protocol").FileChange> = {};
      for (const [file, change] of Object.entries(item.changes)) {
        changes[file] = change.type === "update" ? { type: "update", unified_diff: change.unified_diff, move_path: change.move_path ?? null } : change;
      }
      return { type: "FileChange", id: item.id, changes, status: item.status };
    }
    case "plan":
      return {
        type: "Plan",
        id: item.id,
        text: [item.explanation, ...item.plan.map((p) => `- [${p.status}] ${p.step}`)].filter(Boolean).join("\n"),
      };
    case "image_view":
      return { type: "ImageView", id: item.id, path: item.path };
    case "web_search":
      return { type: "WebSearch", id: item.id, query: item.query, action: { type: "search", query: item.query } };
    case "dynamic_tool_call": {
      const out: TurnItem = {
        type: "DynamicToolCall",
        id: item.id,
        tool: item.tool,
        arguments: item.arguments,
        status: item.status === "declined" ? "failed" : item.status,
      };
      if (item.success !== undefined) out.success = item.success;
      if (item.contentItems) {
        out.content_items = item.contentItems.map((c) => (c.type === "input_text" ? { type: "input_text", text: c.text } : { type: "input_image", image_url: c.image_url }));
      }
      if (item.durationMs !== undefined) out.duration = { secs: Math.floor(item.durationMs / 1000), nanos: (item.durationMs % 1000) * 1_000_000 };
      return out;
    }
  }
}
