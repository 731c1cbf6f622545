/**
 * Thread-spawned sub-agents as threads of their own (as Codex 0.169): a child a parent's session
 * spawns (`spawn_agent`) gets a thread-store entry and rollout whose `session_meta` carries the
 * parent's session id, `source: {subagent: {thread_spawn: …}}`, `thread_source: "subagent"` and its
 * nickname; it is a loaded thread (thread/read, turn/interrupt) whose turn, item and status
 * notifications go to the parent's subscribers, and its approvals are server requests carrying
 * the child's own thread id. Like Codex, no `thread/started` is sent for it. A tree shares one
 * set of subscribers: whoever hears the parent hears its sub-agents (and unsubscribing from one
 * unsubscribes from the tree).
 */
import {
  type ChildSpawnInfo,
  type Session,
  type SessionOptions,
  threadSpawnMeta,
} from "@codex-ts/core";
import type { RolloutItem, v2 } from "@codex-ts/protocol";
import { rolloutPath } from "@codex-ts/rollout";
import type { StoredThread, ThreadStore } from "@codex-ts/thread-store";
import { errorMessage } from "./errors.js";
import { ephemeralFork, unwrap } from "./store-select.js";
import { LiveThread } from "./thread.js";
import { CLI_VERSION, type ThreadManagerOptions } from "./thread-session.js";

/** What child threads need from the server's thread registry. */
export interface ChildThreadHost {
  options: ThreadManagerOptions;
  /** The loaded threads (a child joins them). */
  threads: Map<string, LiveThread>;
  /** The server's store; null when the tree is ephemeral (nothing written). */
  store: ThreadStore | null;
}

/** Every source kind `subAgent` stands for in a `thread/list` filter (Codex lists all sub-agents for it). */
const SUB_AGENT_KINDS: v2.ThreadSourceKind[] = ["subAgent", "subAgentReview", "subAgentCompact", "subAgentThreadSpawn", "subAgentOther"];

/** `thread/list`'s `sourceKinds` as the store filters them: `subAgent` includes every sub-agent kind. */
export function expandSourceKinds(kinds: readonly v2.ThreadSourceKind[]): v2.ThreadSourceKind[] {
  return [...new Set(kinds.flatMap((kind) => (kind === "subAgent" ? SUB_AGENT_KINDS : [kind])))];
}

/**
 * `thread/fork` with a `threadSource`: a new thread (recorded with that source, `forked_from_id`
 * set, as Codex 0.169 writes it) holding the source's history up to `upTo`. Returns its id.
 */
export async function forkWithThreadSource(
  store: ThreadStore,
  source: StoredThread,
  upTo: { upTo?: { throughTurnId: string } },
  threadSource: string,
): Promise<string> {
  const { stored, lines } = await ephemeralFork(store, source, upTo);
  const created = unwrap(
    await store.create({
      id: stored.id,
      cwd: source.cwd,
      modelProvider: source.modelProvider,
      model: source.model,
      reasoningEffort: source.reasoningEffort,
      cliVersion: CLI_VERSION,
      originator: source.originator,
      threadSource,
      forkedFromId: source.id,
    }),
    `cannot fork thread ${source.id}`,
  );
  // The copied lines were kept by the source's policy already: keep them all.
  const items = lines.map((line) => ({ type: line.type, payload: line.payload }) as RolloutItem);
  if (items.length > 0) unwrap(await store.append(created.id, items, { mode: "extended" }), `cannot fork thread ${source.id}`);
  return created.id;
}

/** A store whose appends for `threadId` wait until its entry exists (created while the child already runs). */
function afterCreate(store: ThreadStore, created: () => Promise<unknown>): ThreadStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === "append")
        return async (...args: Parameters<ThreadStore["append"]>) => {
          await created();
          return target.append(...args);
        };
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The stored form of a new child thread (what its `session_meta` says). */
function childStored(host: ChildThreadHost, info: ChildSpawnInfo, parent: LiveThread, createdAtMs: number): StoredThread {
  const settings = parent.session.settings();
  const local = host.store?.location === "local";
  const meta = threadSpawnMeta(info);
  return {
    id: info.threadId,
    sessionId: info.sessionId,
    forkedFromId: null,
    parentThreadId: info.parentThreadId,
    preview: "",
    modelProvider: settings.model_provider_id,
    model: settings.model,
    reasoningEffort: settings.reasoning_effort ?? null,
    createdAtMs,
    updatedAtMs: createdAtMs,
    path: local ? rolloutPath(host.options.codexHome, info.threadId, new Date(createdAtMs)) : null,
    cwd: settings.cwd,
    cliVersion: CLI_VERSION,
    source: meta.source,
    sourceKind: "subAgentThreadSpawn",
    threadSource: meta.thread_source,
    originator: parent.stored.originator,
    agentNickname: info.agentNickname,
    agentRole: info.agentRole === "default" ? null : info.agentRole,
    gitInfo: null,
    name: null,
    archived: false,
    archivedAtMs: null,
  } as StoredThread;
}

/** Creates the child's store entry (and claims it); the thread's `stored` follows the store's answer. */
async function createEntry(store: ThreadStore, thread: LiveThread, info: ChildSpawnInfo): Promise<void> {
  const s = thread.stored;
  const created = await store.create({
    id: s.id,
    sessionId: s.sessionId,
    cwd: s.cwd,
    modelProvider: s.modelProvider,
    model: s.model,
    reasoningEffort: s.reasoningEffort,
    cliVersion: s.cliVersion,
    originator: s.originator,
    source: s.source,
    threadSource: s.threadSource,
    parentThreadId: s.parentThreadId,
    agentNickname: s.agentNickname,
    agentRole: s.agentRole,
    createdAtMs: s.createdAtMs,
    extraMeta: { multi_agent_version: threadSpawnMeta(info).multi_agent_version },
  });
  if (!created.ok) throw new Error(created.error.message);
  thread.stored = created.value;
  const claimed = await store.claim(s.id);
  if (!claimed.ok) throw new Error(claimed.error.message);
}

/** The options a child's session takes from its thread: its recorder, transcript and client callbacks. */
function childOptions(thread: LiveThread): Partial<SessionOptions> {
  return {
    recorder: thread.recorder,
    transcriptPath: thread.stored.path ?? null,
    approvalHandler: thread.callbacks.approvalHandler,
    dynamicToolHandler: thread.callbacks.dynamicToolHandler,
    userInputHandler: thread.callbacks.userInputHandler,
    permissionsHandler: thread.callbacks.permissionsHandler,
  };
}

/**
 * Child threads of one root thread: `onChildSpawn` for its session's options (every descendant
 * inherits it), then `watch(session)` once the session exists.
 */
export function childThreads(host: ChildThreadHost, root: LiveThread) {
  const { log } = host.options;
  const attachOnSpawn = (session: Session) => {
    session.children.onSpawn((child) => {
      const thread = host.threads.get(child.threadId);
      if (!thread) return;
      thread.attach(child);
      attachOnSpawn(child);
      thread.emitStatus();
      // A child that shut down (close_agent, its parent's shutdown) has everything written.
      child.subscribe((event) => {
        if (event.msg.type === "shutdown_complete") void thread.flush();
      });
    });
  };

  const onChildSpawn = (info: ChildSpawnInfo): Partial<SessionOptions> => {
    // resume_agent: the same thread, a new session.
    const known = host.threads.get(info.threadId);
    if (known) return childOptions(known);
    const parent = host.threads.get(info.parentThreadId) ?? root;
    const stored = childStored(host, info, parent, Date.now());
    const store = parent.ephemeral ? null : host.store;
    const pending: { created: Promise<void> } = { created: Promise.resolve() };
    const thread = new LiveThread({
      id: info.threadId,
      stored,
      ephemeral: store === null,
      mode: parent.mode,
      store: store ? afterCreate(store, () => pending.created) : null,
      outlet: parent.subscribers,
      log,
      history: [],
      codexHome: host.options.codexHome,
      experimentalApi: host.options.experimentalApi,
    });
    if (store)
      pending.created = createEntry(store, thread, info).catch((error) => {
        log.error(`sub-agent thread ${info.threadId}: cannot create its rollout: ${errorMessage(error)}`);
      });
    thread.release();
    host.threads.set(thread.id, thread);
    return childOptions(thread);
  };

  return { onChildSpawn, watch: attachOnSpawn };
}
