/**
 * The thread registry: creates, loads, forks, lists and archives threads through the thread
 * store and rollout packages, and owns every loaded thread's core session.
 */
import type { RolloutLine, v2 } from "@codex-ts/protocol";
import { newThreadId, parseRolloutFileName, reconstructHistory, reconstructThread } from "@codex-ts/rollout";
import { type StoredThread, type ThreadStore, toV2Thread } from "@codex-ts/thread-store";
import { childThreads, expandSourceKinds, forkWithThreadSource } from "./agents.js";
import { ErrorCode, RpcError, errorMessage, invalidParams, invalidRequest, threadNotFound } from "./errors.js";
import { appendHookRuns, readHookRuns, withHookRuns } from "./hook-runs.js";
import { restoreThreadGoal } from "./methods/goals.js";
import { type PermissionsSelection, permissionProfilesTable, sandboxPolicyForPermissions } from "./permission-profiles.js";
import { recordProjectTrust, sandboxTrustsProject } from "./project-trust.js";
import { assertRolloutPathLookup, ephemeralFork, openConfiguredThreadStore, storeEventNotification, unwrap } from "./store-select.js";
import { withEnvironment } from "./mapping.js";
import { LiveThread } from "./thread.js";
import {
  CLI_VERSION,
  createThreadSession,
  ephemeralStoredThread,
  lastTurnContext,
  resolveCwd,
  resumedSettings,
  type SessionSettingsParams,
  sessionConfig,
  sessionResponse,
  type ThreadManagerOptions,
  type ThreadSessionResponse,
} from "./thread-session.js";
import type { ThreadForkParams, ThreadResumeParams, ThreadStartParams } from "./wire.js";

export { assertDirectory, CLI_VERSION, type ThreadManagerOptions, type ThreadSessionResponse } from "./thread-session.js";

/** Codex lists only these source kinds unless `thread/list` asks for others. */
export const INTERACTIVE_SOURCE_KINDS = ["cli", "vscode"] as const;

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

  #config(params: SessionSettingsParams, cwd: string) {
    return sessionConfig(this.#options, params, cwd);
  }

  async #createSession(
    thread: LiveThread,
    config: ReturnType<typeof sessionConfig>,
    cwd: string,
    params: SessionSettingsParams,
    initialHistory: ReturnType<typeof reconstructHistory> | undefined,
    baseInstructions: string | undefined,
  ): Promise<void> {
    const options = this.#options;
    // Sub-agents the session spawns become threads of their own (agents.ts).
    const children = childThreads({ options, threads: this.threads, store: thread.ephemeral ? null : await this.store() }, thread);
    await createThreadSession({ options, store: () => this.store(), thread, config, cwd, params, initialHistory, baseInstructions, onChildSpawn: children.onChildSpawn });
    children.watch(thread.session);
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
    const cwd = resolveCwd(params.cwd);
    let sandboxPolicy: v2.SandboxPolicy | undefined;
    if (params.permissions) {
      if (params.sandbox) throw invalidRequest("`permissions` cannot be combined with `sandbox`");
      sandboxPolicy = this.permissionsPolicy(params.permissions, params.config);
    }
    let config = this.#config(params, cwd);
    const requestedTrust = sandboxPolicy ? sandboxTrustsProject(sandboxPolicy) : !!params.sandbox && sandboxTrustsProject(params.sandbox);
    const effectiveTrust = sandboxTrustsProject(sandboxPolicy ?? config.sandboxMode);
    if (params.cwd && config.projectTrust === undefined && (requestedTrust || effectiveTrust) && recordProjectTrust(this.#options, cwd)) {
      config = this.#config(params, cwd);
    }
    const ephemeral = params.ephemeral ?? false;
    const id = newThreadId();
    let stored: StoredThread;
    let store: ThreadStore | null = null;
    const base = params.baseInstructions ?? config.baseInstructions;
    if (ephemeral) {
      stored = ephemeralStoredThread({ id, cwd, config, threadSource: params.threadSource ?? null, originator: this.#options.originator() });
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
    return { response: sessionResponse(thread, false), thread };
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
      return { response: sessionResponse(existing, !params.excludeTurns), thread: existing };
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
    const context = lastTurnContext(lines);
    const cwd = resolveCwd(params.cwd, context?.cwd ?? stored.cwd);
    const settings = resumedSettings(params, stored, context, sandboxPolicy);
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
    return { response: sessionResponse(thread, includeTurns), thread };
  }

  async fork(params: ThreadForkParams): Promise<{ response: ThreadSessionResponse; thread: LiveThread }> {
    const sourceId = params.path ? await this.#idFromPath(params.path) : params.threadId;
    const live = this.threads.get(sourceId);
    if (live) await live.flush();
    const store = await this.store();
    const source = unwrap(await store.read(sourceId), "cannot fork the thread");
    const upTo = params.lastTurnId ? { upTo: { throughTurnId: params.lastTurnId } } : {};
    if (params.ephemeral) {
      const { stored, lines } = await ephemeralFork(store, source, upTo);
      return this.#open(stored, lines, params, !params.excludeTurns, true);
    }
    const forked = params.threadSource
      ? { id: await forkWithThreadSource(store, source, upTo, params.threadSource) }
      : unwrap(await store.fork(sourceId, upTo), `cannot fork thread ${sourceId}`);
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
        sourceKinds: expandSourceKinds(params.sourceKinds?.length ? params.sourceKinds : INTERACTIVE_SOURCE_KINDS) as never,
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

