// What a session is made of: its options, and how a loaded Config becomes them.
import path from "node:path";
import { defaultRulesPath } from "@codex-ts/execpolicy";
import { HookEngine, type SessionStartSource, standardLayers } from "@codex-ts/hooks";
import type { LookupFn, NetworkPolicySpec } from "@codex-ts/network-proxy";
import type {
  AskForApproval,
  CollaborationMode,
  CoreSandboxPolicyInput,
  PermissionProfile,
  ResponseItem,
} from "@codex-ts/protocol";
import { SkillsCache } from "@codex-ts/skills-watcher";
import { type Env, type ModelProviderInfo, readStoredApiKey } from "../client/provider.js";
import { agentsConfigFromToml, multiAgentTools } from "../agents/index.js";
import { mergeConfigLayers } from "../config/layers.js";
import { pluginSkillRoots } from "../context/plugins.js";
import { type LoadedPlugin, loadInstalledPlugins, pluginsEnabled } from "../plugins/index.js";
import { loadRequirements } from "../requirements/index.js";
import { jsReplTools } from "../tools/js-repl/index.js";
import type { Config } from "../config/load.js";
import type { ShellEnvironmentPolicy } from "../config/schema.js";
import type {
  ApprovalRequest,
  CommandRunner,
  DynamicToolRequest,
  DynamicToolResponse,
  DynamicToolSpec,
  PermissionsGrant,
  PermissionsRequest,
  ReviewDecision,
  ToolContext,
  ToolRegistryOptions,
  UserInputRequest,
  UserInputResponse,
} from "../tools/index.js";
import type { SessionEvent } from "./events.js";
import type { SessionRecorder } from "./recorder.js";
import type { ChildSpawnInfo } from "./children.js";
import type { ToolProviderSource } from "./session.js";

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
  /** The active permission profile (kept whole; wins over `sandboxPolicy` for the sandbox). */
  permissionProfile?: PermissionProfile;
  baseInstructions?: string;
  developerInstructions?: string;
  /** Instructions of a model (appended as a developer message on a model switch). */
  modelInstructions?: (model: string) => string | undefined;
  reasoningEffort?: string;
  reasoningSummary?: "auto" | "concise" | "detailed" | "none";
  /** Config `service_tier` / thread/start `serviceTier` (`fast`, `priority`, `flex`, …). */
  serviceTier?: string;
  /** Config `personality` / thread/start `personality`: reported in the thread settings only (as in 0.169). */
  personality?: string;
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
  /**
   * Where login-shell snapshots are kept (CODEX_HOME/shell_snapshots; see ../shell-snapshot). Set,
   * unsandboxed `bash -lc` commands run from a snapshot instead of re-running the profile.
   */
  shellSnapshotDir?: string;
  threadId?: string;
  /** Shared by a root thread and its subagents; defaults to the thread id. */
  sessionId?: string;
  /** Resume: the conversation so far. */
  initialHistory?: ResponseItem[];
  tools?: Omit<ToolRegistryOptions, "planMode" | "dynamicTools">;
  dynamicTools?: DynamicToolSpec[];
  /**
   * Tool providers (the one seam other features plug tools into: MCP namespace tools, sub-agent,
   * goal tools…). Each turn asks every provider for its handlers; they join the built-in tools in
   * the turn's registry (after them, in provider order) and go through the same dispatch, hooks
   * included. See `ToolProvider`; a factory gets the session (to spawn children, start turns…).
   */
  toolProviders?: ToolProviderSource[];
  /**
   * Called for every child session (sub-agent) this session — or any of its descendants, the
   * option is inherited — spawns, before it is created: what it returns (typically `recorder` and
   * `transcriptPath` for the child's own rollout with `threadSpawnSource(info)` as its source, an
   * `onEvent` sink, client handlers) is merged into the child's options.
   */
  onChildSpawn?: (info: ChildSpawnInfo) => Partial<SessionOptions> | undefined;
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
  subagent?: { agentId: string; agentType: string; transcriptPath?: string | null; internal?: boolean };
  /**
   * Set by `session.children` for every child: the parent's running turn (if any), asked when a
   * child's turn starts; that turn's root becomes the child turn's `root_turn_id`.
   */
  parentTurn?: () => { turnId: string; rootTurnId: string } | undefined;
  /** The rollout path hooks get as `transcript_path`. */
  transcriptPath?: string | null;
  /**
   * Skills (@codex-ts/skills-watcher): the cache the session reads its cwd's skills from. Pass the
   * app-server's shared cache so its watcher's invalidations reach the session. Absent or null: no
   * skills. `sessionOptionsFromConfig` creates one from `codexHome` and the `[skills]` table.
   */
  skillsCache?: SkillsCache | null;
  /** Installed, enabled plugins (their skills join the skill list; mentions describe them). */
  plugins?: LoadedPlugin[];
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
  // Managed hooks from requirements.toml and the installed plugins' hooks, as Codex 0.169 loads them
  // (plugin hooks ride on `features.plugins`; a bad requirements file fails the session's exec policy).
  const required = opts.managed === undefined ? loadRequirements() : undefined;
  const managed = required?.ok && required.value?.hooks ? { sourcePath: required.value.sourcePath, hooks: required.value.hooks } : undefined;
  return new HookEngine({
    layers: standardLayers({ codexHome: config.codexHome, cwd }),
    features: { plugin_hooks: pluginsEnabled(config) || config.features.plugin_hooks === true },
    ...(opts.managed !== undefined ? { managed: opts.managed } : managed ? { managed } : {}),
    ...(required?.ok && required.value?.allowManagedHooksOnly ? { allowManagedHooksOnly: true } : {}),
    plugins: opts.plugins ?? loadInstalledPlugins(config).plugins,
    bypassHookTrust: opts.bypassHookTrust === true,
  });
}

/** Session options from a loaded Config (the CLI / app-server path). */
export function sessionOptionsFromConfig(
  config: Config,
  cwd: string,
  extra: Partial<SessionOptions> = {},
): SessionOptions {
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
      ...(config.features.exec_permission_approvals === true ? { execPermissionApprovals: true } : {}),
      // As 0.169: `features.shell_tool = false` takes every command tool away (`unified_exec = false`
      // changes nothing there: exec_command stays).
      ...(config.features.shell_tool === false ? { shellTool: false as const } : {}),
    },
    shellEnvironmentPolicy: config.shellEnvironmentPolicy,
  };
  const storedApiKey = readStoredApiKey(config.codexHome);
  if (storedApiKey) options.storedApiKey = storedApiKey;
  if (config.baseInstructions !== undefined) options.baseInstructions = config.baseInstructions;
  if (config.developerInstructions !== undefined)
    options.developerInstructions = config.developerInstructions;
  if (config.modelReasoningEffort) options.reasoningEffort = config.modelReasoningEffort;
  if (config.modelReasoningSummary) options.reasoningSummary = config.modelReasoningSummary;
  if (config.toml.service_tier) options.serviceTier = config.toml.service_tier;
  if (config.toml.personality) options.personality = config.toml.personality;
  if (config.modelContextWindow) options.modelContextWindow = config.modelContextWindow;
  if (config.modelAutoCompactTokenLimit) options.autoCompactTokenLimit = config.modelAutoCompactTokenLimit;
  options.skillsCache = new SkillsCache({ codexHome: config.codexHome, config: config.skills });
  if (config.network?.enabled) {
    const { allowedDomains, deniedDomains, allowLocal } = config.network;
    options.networkProxy = {
      policy: { allowedDomains, deniedDomains, allowLocal },
      rulesPath: defaultRulesPath(config.codexHome),
    };
  }
  // Shell snapshots (../shell-snapshot), on by default; `features.shell_snapshot = false` or
  // CODEX_TS_SHELL_SNAPSHOT=0 turns them off.
  if (config.features.shell_snapshot !== false && process.env.CODEX_TS_SHELL_SNAPSHOT !== "0")
    options.shellSnapshotDir = path.join(config.codexHome, "shell_snapshots");
  // Sub-agents (`multi_agent_v1`), on by default as in Codex 0.169; `features.multi_agent = false` turns them off.
  if (config.features.multi_agent !== false) {
    options.toolProviders = [
      multiAgentTools(agentsConfigFromToml(mergeConfigLayers(config.layers).agents).config),
    ];
  }
  // js_repl (`features.js_repl`, off by default as in Codex): a persistent JavaScript REPL tool.
  if (config.features.js_repl === true) options.toolProviders = [...(options.toolProviders ?? []), jsReplTools()];
  // Installed plugins: their skills join the skill list (namespaced), mentions describe them.
  const plugins = extra.plugins ?? loadInstalledPlugins(config).plugins;
  if (plugins.length > 0) {
    options.plugins = plugins;
    const cache = extra.skillsCache === undefined ? options.skillsCache : extra.skillsCache;
    cache?.ensurePluginRoots(pluginSkillRoots(plugins));
  }
  // `extra.toolProviders` come after the config's own (sub-agents), not instead of them.
  const providers = [...(options.toolProviders ?? []), ...(extra.toolProviders ?? [])];
  return { ...options, ...extra, ...(providers.length ? { toolProviders: providers } : {}) };
}
