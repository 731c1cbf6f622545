/**
 * The thread registry: creates, loads, forks, lists and archives threads through the thread
 * store and rollout packages, and owns every loaded thread's core session.
 */
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Config, type ConfigOverride, createSession, hookEngineFromConfig, loadSessionExecPolicy, sessionOptionsFromConfig } from "@codex-ts/core";
import {
  type PermissionProfile,
  type RolloutLine,
  sandboxPolicyToPermissionProfileForCwd,
  type TurnContextItem,
  type v2,
  v2SandboxPolicyToCore,
} from "@codex-ts/protocol";
import type { SkillsService } from "@codex-ts/skills-watcher";
import {
  forkRollout,
  newThreadId,
  parseRolloutFileName,
  readRollout,
  reconstructHistory,
  reconstructThread,
} from "@codex-ts/rollout";
import {
  type StoredThread,
  type StoreResult,
  type ThreadStore,
  toV2Thread,

} from "@codex-ts/thread-store";
import { loadEffectiveConfig, overridesFromJson, writeConfigEdits } from "./config.js";
import { ErrorCode, RpcError, errorMessage, invalidParams, invalidRequest, threadNotFound } from "./errors.js";
import { appendHookRuns, readHookRuns, withHookRuns } from "./hook-runs.js";
import type { Logger } from "./log.js";
import { profileToV2SandboxPolicy, toV2ApprovalPolicy } from "./mapping.js";
import { projectTrustTarget, sandboxTrustsProject } from "./project-trust.js";
import { type PermissionsSelection, permissionProfilesTable, sandboxPolicyForPermissions } from "./permission-profiles.js";
import { assertRolloutPathLookup, openConfiguredThreadStore, rolloutFileOf, storeEventNotification } from "./store-select.js";
import { LiveThread, type ThreadOutlet, withEnvironment } from "./thread.js";
import { restoreThreadGoal, threadGoalProvider } from "./methods/goals.js";
import { threadMcpProvider } from "./methods/mcp.js";
import type { DynamicToolSpec, ThreadForkParams, ThreadResumeParams, ThreadStartParams } from "./wire.js";

/** Reported as a thread's `cliVersion`: the Codex release this server implements (as SERVER_VERSION). */
export const CLI_VERSION = "0.169.0";

/** Codex lists only these source kinds unless `thread/list` asks for others. */
export const INTERACTIVE_SOURCE_KINDS = ["cli", "vscode"] as const;

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

type SessionSettingsParams = {
  cwd?: string | null | undefined;
  model?: string | null | undefined;
  modelProvider?: string | null | undefined;
  approvalPolicy?: unknown;
  sandbox?: string | null | undefined;
  config?: Record<string, unknown> | null | undefined;
  baseInstructions?: string | null | undefined;
  developerInstructions?: string | null | undefined;
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

/** The profile a turn_context recorded, unless it is only the projection of its legacy policy. */
function recordedProfile(context: TurnContextItem | undefined): PermissionProfile | undefined {
  const profile = context?.permission_profile;
  if (!profile || !context) return undefined;
  const projection = context.sandbox_policy ? sandboxPolicyToPermissionProfileForCwd(context.sandbox_policy, context.cwd) : undefined;
  return JSON.stringify(projection) === JSON.stringify(profile) ? undefined : profile;
}

function unwrap<T>(result: StoreResult<T>, what: string): T {
  if (result.ok) return result.value;
  switch (result.error.code) {
    case "not_found":
      throw invalidRequest(result.error.message);
    case "invalid_argument":
    case "already_exists":
    case "conflict":
    case "unsupported":
      throw invalidRequest(`${what}: ${result.error.message}`);
    default:
      throw new RpcError(ErrorCode.InternalError, `${what}: ${result.error.message}`);
  }
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

export class ThreadManager {
  readonly #options: ThreadManagerOptions;
  readonly threads = new Map<string, LiveThread>();
  #store: Promise<ThreadStore> | undefined;

  constructor(options: ThreadManagerOptions) {
    this.#options = options;
  }

  store(): Promise<ThreadStore> {
    if (!this.#store) {
      this.#store = openConfiguredThreadStore(this.#options).then((result) => {
        if (!result.ok) {
          this.#store = undefined;
          throw new RpcError(ErrorCode.InternalError, result.error.message);
        }
        result.value.subscribe((event) => {
          const { method, params } = storeEventNotification(event);
          if (event.type === "name_updated") {
            const live = this.threads.get(event.threadId);
            if (live) live.stored = { ...live.stored, name: event.name };
          }
          this.#options.broadcast?.(method, params);
        });
        return result.value;
      });
    }
    return this.#store;
  }

  loaded(threadId: string): LiveThread {
    const thread = this.threads.get(threadId);
    if (!thread) throw threadNotFound(threadId);
    return thread;
  }

  /* ------------------------------------------------------------------ sessions */

  #resolveCwd(cwd: string | null | undefined, fallback?: string): string {
    const resolved = path.resolve(cwd ?? fallback ?? process.cwd());
    if (cwd) assertDirectory(resolved);
    return resolved;
  }

  #config(params: SessionSettingsParams, cwd: string): Config {
    const overrides: ConfigOverride[] = overridesFromJson(params.config ?? null);
    const add = (key: string, value: unknown) => {
      if (value !== undefined && value !== null) overrides.push({ key, value: JSON.stringify(value) });
    };
    add("model", params.model);
    add("model_provider", params.modelProvider);
    if (typeof params.approvalPolicy === "string") add("approval_policy", params.approvalPolicy);
    add("sandbox_mode", params.sandbox);
    const { config, warnings } = loadEffectiveConfig({ codexHome: this.#options.codexHome, env: this.#options.env, cwd, overrides });
    for (const warning of warnings) this.#options.configWarning(warning);
    return config;
  }

  async #createSession(
    thread: LiveThread,
    config: Config,
    cwd: string,
    params: SessionSettingsParams,
    initialHistory: ReturnType<typeof reconstructHistory> | undefined,
    baseInstructions: string | undefined,
  ): Promise<void> {
    // `.rules` enforcement: the user's rules, plus the project's own only for a trusted project.
    const rules = await loadSessionExecPolicy({
      codexHome: config.codexHome,
      cwd,
      includeProjectRules: config.projectTrust === "trusted",
      onWarning: (warning: string) => this.#options.configWarning(warning),
    } as Parameters<typeof loadSessionExecPolicy>[0]);
    if (!rules.ok) throw invalidRequest(`cannot load exec policy rules: ${rules.error}`);
    for (const warning of rules.warnings) this.#options.configWarning(warning);
    const hooks = hookEngineFromConfig(config, cwd);
    thread.hookEngine = hooks;
    const extra: Parameters<typeof sessionOptionsFromConfig>[2] = {
      threadId: thread.id,
      hooks,
      transcriptPath: thread.stored.path ?? null,
      skillsCache: this.#options.skills.cache,
      env: this.#options.env,
      recorder: thread.recorder,
      approvalHandler: thread.approvalHandler,
      dynamicToolHandler: thread.dynamicToolHandler,
      userInputHandler: thread.userInputHandler,
      permissionsHandler: thread.permissionsHandler,
      execPolicy: rules.execPolicy,
      onExecpolicyAmendment: rules.onExecpolicyAmendment,
    };
    if (typeof params.approvalPolicy === "object" && params.approvalPolicy !== null) {
      extra.approvalPolicy = params.approvalPolicy as never;
    }
    const base = params.baseInstructions ?? baseInstructions;
    if (base) extra.baseInstructions = base;
    if (params.developerInstructions) extra.developerInstructions = params.developerInstructions;
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
    extra.toolProviders = [threadGoalProvider(thread, () => this.store(), this.#options.log), threadMcpProvider(thread, config, this.#options.env)];
    thread.attach(createSession(sessionOptionsFromConfig(config, cwd, extra)));
  }

  #sessionResponse(thread: LiveThread, includeTurns: boolean): ThreadSessionResponse {
    const settings = thread.session.settings();
    const sandbox = settings.permission_profile;
    const sandboxPolicy = profileToV2SandboxPolicy(sandbox, settings.cwd);
    return {
      thread: thread.toV2(includeTurns),
      model: settings.model,
      modelProvider: settings.model_provider_id,
      serviceTier: settings.service_tier ?? null,
      cwd: settings.cwd,
      instructionSources: [],
      approvalPolicy: toV2ApprovalPolicy(settings.approval_policy),
      approvalsReviewer: "user",
      sandbox: sandboxPolicy,
      reasoningEffort: settings.reasoning_effort ?? null,
      disabledPluginIds: [],
      runtimeWorkspaceRoots: settings.runtime_workspace_roots ?? [settings.cwd],
    };
  }

  async #register(thread: LiveThread): Promise<void> {
    this.threads.set(thread.id, thread);
    await this.watchSkills(thread.id, thread.session.settings().cwd);
  }

  /** Watches the skill roots of a thread's cwd (skills/changed); failures are logged, never thrown. */
  async watchSkills(threadId: string, cwd: string): Promise<void> {
    try {
      await this.#options.skills.attachThread(threadId, cwd);
    } catch (error) {
      this.#options.log.warn(`thread ${threadId}: cannot watch skills: ${errorMessage(error)}`);
    }
  }

  /** Stops watching a thread's skill roots. */
  async unwatchSkills(threadId: string): Promise<void> {
    try {
      await this.#options.skills.detachThread(threadId);
    } catch (error) {
      this.#options.log.warn(`thread ${threadId}: cannot stop watching skills: ${errorMessage(error)}`);
    }
  }

  /* ------------------------------------------------------------------ thread/start */

  async start(params: ThreadStartParams): Promise<{ response: ThreadSessionResponse; thread: LiveThread }> {
    const cwd = this.#resolveCwd(params.cwd);
    let sandboxPolicy: v2.SandboxPolicy | undefined;
    if (params.permissions) {
      if (params.sandbox) throw invalidRequest("`permissions` cannot be combined with `sandbox`");
      sandboxPolicy = this.permissionsPolicy(params.permissions, params.config);
    }
    let config = this.#config(params, cwd);
    const requestedTrust = sandboxPolicy ? sandboxTrustsProject(sandboxPolicy) : !!params.sandbox && sandboxTrustsProject(params.sandbox);
    const effectiveTrust = sandboxTrustsProject(sandboxPolicy ?? config.sandboxMode);
    if (params.cwd && config.projectTrust === undefined && (requestedTrust || effectiveTrust) && this.#trustProject(cwd)) {
      config = this.#config(params, cwd);
    }
    const ephemeral = params.ephemeral ?? false;
    const id = newThreadId();
    let stored: StoredThread;
    let store: ThreadStore | null = null;
    const base = params.baseInstructions ?? config.baseInstructions;
    if (ephemeral) {
      const now = Date.now();
      stored = {
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
        threadSource: params.threadSource ?? null,
        originator: this.#options.originator(),
        agentNickname: null,
        agentRole: null,
        gitInfo: null,
        name: null,
        archived: false,
        archivedAtMs: null,
      };
    } else {
      store = await this.store();
      stored = unwrap(
        await store.create({
          id,
          cwd,
          modelProvider: config.modelProviderId,
          model: config.model,
          reasoningEffort: config.modelReasoningEffort ?? null,
          cliVersion: CLI_VERSION,
          originator: this.#options.originator(),
          source: "vscode",
          threadSource: params.threadSource ?? null,
          baseInstructions: base ?? null,
        }),
        "cannot create the thread",
      );
      unwrap(await store.claim(id), "cannot create the thread");
    }
    const thread = new LiveThread({
      id,
      stored,
      ephemeral,
      mode: params.persistExtendedHistory ? "extended" : "limited",
      store,
      outlet: this.#options.outlet(),
      log: this.#options.log,
      history: [],
      codexHome: this.#options.codexHome,
      experimentalApi: this.#options.experimentalApi,
    });
    await this.#createSession(thread, config, cwd, { ...params, sandboxPolicy }, undefined, base);
    await this.#register(thread);
    return { response: this.#sessionResponse(thread, false), thread };
  }

  /** Records the project of `cwd` as trusted in the user's config.toml (comments kept); false when that fails. */
  #trustProject(cwd: string): boolean {
    const target = projectTrustTarget(cwd);
    if (target.includes('"')) {
      this.#options.log.warn(`cannot record trust for ${target}: the path contains a double quote`);
      return false;
    }
    try {
      writeConfigEdits({
        codexHome: this.#options.codexHome,
        env: this.#options.env,
        edits: [{ keyPath: `projects."${target}".trust_level`, value: "trusted", mergeStrategy: "replace" }],
      });
      this.#options.log.info(`marked ${target} as a trusted project`);
      return true;
    } catch (error) {
      this.#options.log.warn(`cannot record trust for ${target}: ${errorMessage(error)}`);
      return false;
    }
  }

  /** The sandbox policy of a permission profile id (built-in or `[permissions.<name>]`); -32602 when unknown. */
  permissionsPolicy(selection: PermissionsSelection, configOverrides?: Record<string, unknown> | null): v2.SandboxPolicy {
    return sandboxPolicyForPermissions(selection, permissionProfilesTable(this.#options.codexHome, configOverrides)).policy;
  }

  /* ------------------------------------------------------------------ thread/resume, thread/fork */

  async #loadLines(threadId: string): Promise<{ stored: StoredThread; lines: RolloutLine[] }> {
    const store = await this.store();
    const loaded = unwrap(await store.load(threadId), "cannot load the thread");
    return { stored: loaded.thread, lines: [...loaded.lines] };
  }

  async #idFromPath(file: string): Promise<string> {
    assertRolloutPathLookup(await this.store(), file);
    const parsed = parseRolloutFileName(file);
    if (!parsed) throw invalidParams(`path: not a rollout file name: ${file}`);
    return parsed.threadId;
  }

  async resume(params: ThreadResumeParams): Promise<{ response: ThreadSessionResponse; thread: LiveThread }> {
    const threadId = params.path ? await this.#idFromPath(params.path) : params.threadId;
    const existing = this.threads.get(threadId);
    if (existing) {
      // The requesting connection subscribes once the response is ready (methods/threads.ts).
      if (!existing.subscribed) await this.watchSkills(existing.id, existing.session.settings().cwd);
      return { response: this.#sessionResponse(existing, !params.excludeTurns), thread: existing };
    }
    // One live writer per thread across servers sharing a store: claimed before the history is read,
    // given up again when the thread does not get loaded.
    const store = await this.store();
    unwrap(await store.claim(threadId), "cannot resume the thread");
    try {
      const { stored, lines } = await this.#loadLines(threadId);
      if (stored.archived) throw invalidRequest(`thread ${threadId} is archived; unarchive it first`);
      return await this.#open(stored, lines, params, !params.excludeTurns);
    } catch (error) {
      await store.release(threadId);
      throw error;
    }
  }

  async #open(
    stored: StoredThread,
    lines: RolloutLine[],
    params: SessionSettingsParams & {
      persistExtendedHistory?: boolean | null | undefined;
      permissions?: PermissionsSelection | null | undefined;
    },
    includeTurns: boolean,
    ephemeral = false,
  ): Promise<{ response: ThreadSessionResponse; thread: LiveThread }> {
    let sandboxPolicy: v2.SandboxPolicy | undefined;
    if (params.permissions) {
      if (params.sandbox) throw invalidRequest("`permissions` cannot be combined with `sandbox`");
      sandboxPolicy = this.permissionsPolicy(params.permissions, params.config);
    }
    // The last turn's settings (per-turn overrides persist onto the thread), unless the caller overrides them.
    const lastContext = [...lines].reverse().find((line) => line.type === "turn_context");
    const context = lastContext?.type === "turn_context" ? lastContext.payload : undefined;
    const cwd = this.#resolveCwd(params.cwd, context?.cwd ?? stored.cwd);
    const sandboxMode = context?.sandbox_policy?.type;
    const settings: SessionSettingsParams = {
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
    const config = this.#config(settings, cwd);
    const meta = lines.find((line) => line.type === "session_meta");
    const recordedBase =
      meta && meta.type === "session_meta"
        ? ((meta.payload as { base_instructions?: { text?: string } | null }).base_instructions?.text ?? undefined)
        : undefined;
    const extendedOnDisk = lines.some(
      (line) => line.type === "event_msg" && (line.payload.type === "item_completed" || line.payload.type === "exec_command_end"),
    );
    const store = ephemeral ? null : await this.store();
    const thread = new LiveThread({
      id: stored.id,
      stored,
      ephemeral,
      mode: (params.persistExtendedHistory ?? extendedOnDisk) ? "extended" : "limited",
      store,
      outlet: this.#options.outlet(),
      log: this.#options.log,
      history: lines,
      codexHome: this.#options.codexHome,
      experimentalApi: this.#options.experimentalApi,
      hookRuns: readHookRuns(this.#options.codexHome, stored.id),
    });
    await this.#createSession(thread, config, cwd, settings, reconstructHistory(lines), recordedBase ?? config.baseInstructions);
    await restoreThreadGoal(thread, store, lines);
    await this.#register(thread);
    return { response: this.#sessionResponse(thread, includeTurns), thread };
  }

  async fork(params: ThreadForkParams): Promise<{ response: ThreadSessionResponse; thread: LiveThread }> {
    const sourceId = params.path ? await this.#idFromPath(params.path) : params.threadId;
    const live = this.threads.get(sourceId);
    if (live) await live.flush();
    const store = await this.store();
    const source = unwrap(await store.read(sourceId), "cannot fork the thread");
    const upTo = params.lastTurnId ? { upTo: { throughTurnId: params.lastTurnId } } : {};
    if (params.ephemeral) {
      // Same cut as a persisted fork, written to a scratch home and read back into memory only.
      const scratch = await mkdtemp(path.join(os.tmpdir(), "codex-ts-fork-"));
      try {
        const forked = await forkRollout({ sourcePath: await rolloutFileOf(store, source, scratch), codexHome: scratch, ...upTo });
        if (!forked.ok) throw invalidRequest(`cannot fork thread ${sourceId}: ${forked.error.message}`);
        const contents = await readRollout(forked.value.path);
        if (!contents.ok) throw invalidRequest(`cannot fork thread ${sourceId}: ${contents.error.message}`);
        const now = Date.now();
        const stored: StoredThread = {
          ...source,
          id: forked.value.threadId,
          sessionId: forked.value.threadId,
          forkedFromId: sourceId,
          name: null,
          path: null,
          archived: false,
          archivedAtMs: null,
          createdAtMs: now,
          updatedAtMs: now,
        };
        const lines = contents.value.lines.filter((line) => line.type !== "session_meta");
        return await this.#open(stored, lines, params, !params.excludeTurns, true);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
    const forked = unwrap(await store.fork(sourceId, upTo), `cannot fork thread ${sourceId}`);
    unwrap(await store.claim(forked.id), "cannot fork the thread");
    const { stored, lines } = await this.#loadLines(forked.id);
    this.#copyHookRuns(sourceId, stored.id, lines);
    return this.#open(stored, lines, params, !params.excludeTurns);
  }

  /** A fork keeps the hook runs of the turns it copied. */
  #copyHookRuns(sourceId: string, targetId: string, lines: RolloutLine[]): void {
    const source = this.threads.get(sourceId)?.hookRuns ?? readHookRuns(this.#options.codexHome, sourceId);
    const turnIds = new Set(
      lines.flatMap((line) => (line.type === "event_msg" && line.payload.type === "task_started" ? [line.payload.turn_id] : [])),
    );
    const entries = [...source].filter(([turnId]) => turnIds.has(turnId)).flatMap(([turnId, runs]) => runs.map((run) => ({ turnId, run })));
    const problem = appendHookRuns(this.#options.codexHome, targetId, entries);
    if (problem) this.#options.log.warn(problem);
  }

  /* ------------------------------------------------------------------ read, list, metadata */

  async read(threadId: string, includeTurns: boolean): Promise<v2.Thread> {
    const live = this.threads.get(threadId);
    if (live) return live.toV2(includeTurns);
    const store = await this.store();
    const experimental = this.#options.experimentalApi();
    if (!includeTurns && !experimental) return toV2Thread(unwrap(await store.read(threadId), "cannot read the thread"));
    const { stored, lines } = await this.#loadLines(threadId);
    const turns = includeTurns ? reconstructThread(lines).turns : [];
    const thread = toV2Thread(stored, {
      turns: experimental ? (withHookRuns(turns, readHookRuns(this.#options.codexHome, threadId)) as v2.Turn[]) : turns,
    });
    if (!experimental) return thread;
    // The roots the thread last ran with: the newest turn_context that records them.
    let roots: string[] | undefined;
    for (const line of lines) {
      if (line.type === "turn_context" && Array.isArray(line.payload.runtime_workspace_roots))
        roots = line.payload.runtime_workspace_roots as string[];
    }
    return withEnvironment(thread, thread.cwd, roots?.length ? roots : [thread.cwd]);
  }

  /** Waits until every loaded thread's recorded lines are in the store (list/read see them). */
  async #flushAll(): Promise<void> {
    await Promise.allSettled([...this.threads.values()].map((thread) => thread.flush()));
  }

  async list(params: v2.ThreadListParams): Promise<v2.ThreadListResponse> {
    await this.#flushAll();
    const store = await this.store();
    const sortKey = params.sortKey === "updated_at" ? "updated_at" : "created_at";
    const page = unwrap(
      await store.list({
        cursor: params.cursor ?? null,
        limit: params.limit ?? null,
        sortKey,
        sortDirection: params.sortDirection ?? null,
        archived: params.archived ?? null,
        cwd: (params.cwd as string | string[] | null | undefined) ?? null,
        searchTerm: params.searchTerm ?? null,
        modelProviders: params.modelProviders ?? null,
        // As Codex: omitted or empty means the interactive sources only.
        sourceKinds: (params.sourceKinds?.length ? params.sourceKinds : INTERACTIVE_SOURCE_KINDS) as never,
        excludedThreadIds: params.excludedThreadIds ?? null,
      }),
      "cannot list threads",
    );
    return {
      data: page.data.map((stored) => {
        const live = this.threads.get(stored.id);
        return live ? { ...live.toV2(false), name: stored.name } : toV2Thread(stored);
      }),
      nextCursor: page.nextCursor,
      backwardsCursor: page.backwardsCursor,
    } as v2.ThreadListResponse;
  }

  async setName(threadId: string, name: string): Promise<void> {
    const trimmed = name.trim();
    const live = this.threads.get(threadId);
    if (live?.ephemeral) {
      live.stored = { ...live.stored, name: trimmed === "" ? null : trimmed };
      live.notifyNameUpdated();
      return;
    }
    const store = await this.store();
    const stored = unwrap(await store.setName(threadId, trimmed === "" ? null : trimmed), "cannot rename the thread");
    if (live) {
      live.stored = stored;
      live.notifyNameUpdated();
    }
    return;
  }

  async archive(threadId: string): Promise<void> {
    const live = this.threads.get(threadId);
    if (live) {
      if (live.activeTurnId) throw invalidRequest(`thread ${threadId} has a turn in progress; interrupt it before archiving`);
      if (live.ephemeral) throw invalidRequest(`thread ${threadId} is ephemeral and cannot be archived`);
      await live.close();
      this.threads.delete(threadId);
      await this.unwatchSkills(threadId);
    }
    const store = await this.store();
    unwrap(await store.archive(threadId), "cannot archive the thread");
    await store.release(threadId);
  }

  async unarchive(threadId: string): Promise<v2.Thread> {
    const store = await this.store();
    return toV2Thread(unwrap(await store.unarchive(threadId), "cannot unarchive the thread"));
  }

  /** Stops every session and flushes every rollout. */
  async shutdown(): Promise<void> {
    const threads = [...this.threads.values()];
    this.threads.clear();
    await Promise.allSettled(threads.map((thread) => thread.close()));
    await Promise.allSettled(threads.map((thread) => this.unwatchSkills(thread.id)));
    if (this.#store) {
      try {
        const store = await this.#store;
        await store.close();
      } catch (error) {
        this.#options.log.warn(`closing the thread store failed: ${errorMessage(error)}`);
      }
    }
  }
}

