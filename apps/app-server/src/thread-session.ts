/**
 * A loaded thread's core session: the effective config of a thread/start|resume|fork request, the
 * session built from it (exec policy, hooks, recorder, client callbacks, tool providers), and the
 * response fields those three methods share. `ThreadManager` (threads.ts) decides which thread and
 * which history; this file decides how its session is set up.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { type Config, type ConfigOverride, createSession, hookEngineFromConfig, loadSessionExecPolicy, type SessionOptions, sessionOptionsFromConfig } from "@codex-ts/core";
import { type PermissionProfile, type RolloutLine, sandboxPolicyToPermissionProfileForCwd, type TurnContextItem, type v2, v2SandboxPolicyToCore } from "@codex-ts/protocol";
import type { reconstructHistory } from "@codex-ts/rollout";
import type { SkillsService } from "@codex-ts/skills-watcher";
import type { StoredThread, ThreadStore } from "@codex-ts/thread-store";
import { loadEffectiveConfig, overridesFromJson } from "./config.js";
import { invalidRequest } from "./errors.js";
import type { Logger } from "./log.js";
import { profileToV2SandboxPolicy, toV2ApprovalPolicy } from "./mapping.js";
import { threadGoalProvider } from "./methods/goals.js";
import { threadMcpProvider } from "./methods/mcp.js";
import type { LiveThread, ThreadOutlet } from "./thread.js";
import type { DynamicToolSpec } from "./wire.js";

/** Reported as a thread's `cliVersion`: the Codex release this server implements (as SERVER_VERSION). */
export const CLI_VERSION = "0.169.0";

export interface ThreadManagerOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  log: Logger;
  outlet: () => ThreadOutlet;
  /** Reports config warnings to the client (`configWarning`). */
  configWarning: (summary: string) => void;
  /** Name recorded as `originator` in new rollouts. */
  originator: () => string;
  /** Whether the client opted into experimental fields (`Turn.hookRuns`). */
  experimentalApi: () => boolean;
  /** The server's skills service: its cache goes into every session, its watcher follows loaded threads. */
  skills: SkillsService;
  /** A notification for every client: changes other servers made to shared (remote-store) threads. */
  broadcast?: (method: string, params: unknown) => void;
}

export type SessionSettingsParams = {
  cwd?: string | null | undefined;
  model?: string | null | undefined;
  modelProvider?: string | null | undefined;
  approvalPolicy?: unknown;
  sandbox?: string | null | undefined;
  config?: Record<string, unknown> | null | undefined;
  baseInstructions?: string | null | undefined;
  developerInstructions?: string | null | undefined;
  serviceTier?: string | null | undefined;
  personality?: string | null | undefined;
  dynamicTools?: DynamicToolSpec[] | null | undefined;
  runtimeWorkspaceRoots?: string[] | null | undefined;
  /** Resolved from `permissions` (a profile id): replaces config's sandbox for the session. */
  sandboxPolicy?: v2.SandboxPolicy | undefined;
  /** A resumed thread's recorded permission profile (kept whole: deny globs, restricted reads). */
  permissionProfile?: PermissionProfile | undefined;
};

/** The v2 response fields shared by thread/start, thread/resume and thread/fork. */
export interface ThreadSessionResponse {
  thread: v2.Thread;
  model: string;
  modelProvider: string;
  serviceTier: string | null;
  cwd: string;
  instructionSources: string[];
  approvalPolicy: v2.AskForApproval;
  approvalsReviewer: "user";
  sandbox: v2.SandboxPolicy;
  reasoningEffort: string | null;
  disabledPluginIds: string[];
  /** The thread's runtime workspace roots (the writable workspace; the cwd unless configured). */
  runtimeWorkspaceRoots: string[];
}

/** Throws an invalid-request error unless `dir` is an existing directory. */
export function assertDirectory(dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw invalidRequest(`cwd is not an existing directory: ${dir}`);
}

/** The absolute cwd of a request (`fallback`, else the process's, when it names none); -32600 when missing. */
export function resolveCwd(cwd: string | null | undefined, fallback?: string): string {
  const resolved = path.resolve(cwd ?? fallback ?? process.cwd());
  if (cwd) assertDirectory(resolved);
  return resolved;
}

/** The effective config of a session: config.toml layers plus the request's overrides. */
export function sessionConfig(options: ThreadManagerOptions, params: SessionSettingsParams, cwd: string): Config {
  const overrides: ConfigOverride[] = overridesFromJson(params.config ?? null);
  const add = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) overrides.push({ key, value: JSON.stringify(value) });
  };
  add("model", params.model);
  add("model_provider", params.modelProvider);
  if (typeof params.approvalPolicy === "string") add("approval_policy", params.approvalPolicy);
  add("sandbox_mode", params.sandbox);
  const { config, warnings } = loadEffectiveConfig({ codexHome: options.codexHome, env: options.env, cwd, overrides });
  for (const warning of warnings) options.configWarning(warning);
  return config;
}

/** The profile a turn_context recorded, unless it is only the projection of its legacy policy. */
function recordedProfile(context: TurnContextItem | undefined): PermissionProfile | undefined {
  const profile = context?.permission_profile;
  if (!profile || !context) return undefined;
  const projection = context.sandbox_policy ? sandboxPolicyToPermissionProfileForCwd(context.sandbox_policy, context.cwd) : undefined;
  return JSON.stringify(projection) === JSON.stringify(profile) ? undefined : profile;
}

/** The last turn_context of a history (per-turn overrides persist onto the thread). */
export function lastTurnContext(lines: readonly RolloutLine[]): TurnContextItem | undefined {
  const line = [...lines].reverse().find((candidate) => candidate.type === "turn_context");
  return line?.type === "turn_context" ? line.payload : undefined;
}

/** A loaded thread's settings: the last turn's, unless the resume/fork request overrides them. */
export function resumedSettings(
  params: SessionSettingsParams & { permissions?: unknown },
  stored: StoredThread,
  context: TurnContextItem | undefined,
  sandboxPolicy: v2.SandboxPolicy | undefined,
): SessionSettingsParams {
  const sandboxMode = context?.sandbox_policy?.type;
  return {
    ...params,
    model: params.model ?? context?.model ?? stored.model,
    modelProvider: params.modelProvider ?? stored.modelProvider,
    approvalPolicy: params.approvalPolicy ?? context?.approval_policy,
    sandbox:
      params.sandbox ??
      (sandboxMode === "danger-full-access" || sandboxMode === "read-only" || sandboxMode === "workspace-write" ? sandboxMode : undefined),
    config: context?.effort && !params.config?.model_reasoning_effort ? { ...params.config, model_reasoning_effort: context.effort } : params.config,
    sandboxPolicy,
    // Configured roots and a real profile (not the legacy policy's projection) survive the resume.
    runtimeWorkspaceRoots: params.runtimeWorkspaceRoots ?? (context?.runtime_workspace_roots as string[] | undefined),
    permissionProfile: params.sandbox || params.permissions ? undefined : recordedProfile(context),
  };
}

export interface CreateSessionArgs {
  options: ThreadManagerOptions;
  /** The server's thread store (goal persistence reaches it through this). */
  store: () => Promise<ThreadStore>;
  thread: LiveThread;
  config: Config;
  cwd: string;
  params: SessionSettingsParams;
  initialHistory: ReturnType<typeof reconstructHistory> | undefined;
  baseInstructions: string | undefined;
  /** Makes each sub-agent the session spawns a thread of its own (agents.ts). */
  onChildSpawn?: SessionOptions["onChildSpawn"];
}

/** Builds the thread's core session and attaches it to the thread. */
export async function createThreadSession(args: CreateSessionArgs): Promise<void> {
  const { options, thread, config, cwd, params, initialHistory } = args;
  // `.rules` enforcement: the user's rules, plus the project's own only for a trusted project.
  const rules = await loadSessionExecPolicy({
    codexHome: config.codexHome,
    cwd,
    includeProjectRules: config.projectTrust === "trusted",
    onWarning: (warning: string) => options.configWarning(warning),
  } as Parameters<typeof loadSessionExecPolicy>[0]);
  if (!rules.ok) throw invalidRequest(`cannot load exec policy rules: ${rules.error}`);
  for (const warning of rules.warnings) options.configWarning(warning);
  const hooks = hookEngineFromConfig(config, cwd);
  thread.hookEngine = hooks;
  const extra: Parameters<typeof sessionOptionsFromConfig>[2] = {
    threadId: thread.id,
    hooks,
    transcriptPath: thread.stored.path ?? null,
    skillsCache: options.skills.cache,
    env: options.env,
    recorder: thread.recorder,
    approvalHandler: thread.callbacks.approvalHandler,
    dynamicToolHandler: thread.callbacks.dynamicToolHandler,
    userInputHandler: thread.callbacks.userInputHandler,
    permissionsHandler: thread.callbacks.permissionsHandler,
    ...(args.onChildSpawn ? { onChildSpawn: args.onChildSpawn } : {}),
    execPolicy: rules.execPolicy,
    onExecpolicyAmendment: rules.onExecpolicyAmendment,
  };
  if (typeof params.approvalPolicy === "object" && params.approvalPolicy !== null) {
    extra.approvalPolicy = params.approvalPolicy as never;
  }
  const base = params.baseInstructions ?? args.baseInstructions;
  if (base) extra.baseInstructions = base;
  if (params.developerInstructions) extra.developerInstructions = params.developerInstructions;
  if (params.serviceTier) extra.serviceTier = params.serviceTier;
  if (params.personality) extra.personality = params.personality;
  if (params.dynamicTools?.length) {
    extra.dynamicTools = params.dynamicTools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema as never,
    }));
  }
  if (params.sandboxPolicy) extra.sandboxPolicy = v2SandboxPolicyToCore(params.sandboxPolicy);
  if (params.runtimeWorkspaceRoots?.length) extra.workspaceRoots = params.runtimeWorkspaceRoots.map((root) => path.resolve(cwd, root));
  if (params.permissionProfile) extra.permissionProfile = params.permissionProfile;
  if (initialHistory?.length) extra.initialHistory = initialHistory;
  // Wiring point: the app-server's own tools for this thread's session (goals, MCP, …).
  extra.toolProviders = [threadGoalProvider(thread, args.store, options.log), threadMcpProvider(thread, config, options.env)];
  thread.attach(createSession(sessionOptionsFromConfig(config, cwd, extra)));
}

/** The fields thread/start, thread/resume and thread/fork answer with. */
export function sessionResponse(thread: LiveThread, includeTurns: boolean): ThreadSessionResponse {
  const settings = thread.session.settings();
  return {
    thread: thread.toV2(includeTurns),
    model: settings.model,
    modelProvider: settings.model_provider_id,
    serviceTier: settings.service_tier ?? null,
    cwd: settings.cwd,
    instructionSources: [],
    approvalPolicy: toV2ApprovalPolicy(settings.approval_policy),
    approvalsReviewer: "user",
    sandbox: profileToV2SandboxPolicy(settings.permission_profile, settings.cwd),
    reasoningEffort: settings.reasoning_effort ?? null,
    disabledPluginIds: [],
    runtimeWorkspaceRoots: settings.runtime_workspace_roots ?? [settings.cwd],
  };
}

/** The stored form of a new ephemeral thread (never written anywhere). */
export function ephemeralStoredThread(fields: {
  id: string;
  cwd: string;
  config: Config;
  threadSource: StoredThread["threadSource"];
  originator: string;
}): StoredThread {
  const now = Date.now();
  const { id, cwd, config } = fields;
  return {
    id,
    sessionId: id,
    forkedFromId: null,
    parentThreadId: null,
    preview: "",
    modelProvider: config.modelProviderId,
    model: config.model,
    reasoningEffort: config.modelReasoningEffort ?? null,
    createdAtMs: now,
    updatedAtMs: now,
    path: null,
    cwd,
    cliVersion: CLI_VERSION,
    source: "vscode",
    sourceKind: "vscode",
    threadSource: fields.threadSource,
    originator: fields.originator,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: null,
    archived: false,
    archivedAtMs: null,
  };
}
