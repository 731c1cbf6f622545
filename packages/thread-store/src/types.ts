import { type RolloutItem, type RolloutLine, v2 } from "@codex-ts/protocol";
import * as z from "zod";

/**
 * Storage-neutral types of the thread store. Nothing here knows about files or sqlite, so a
 * server-backed implementation (Postgres for app-server fleets) can implement {@link ThreadStore}.
 */

/** Git facts recorded at thread creation (v2 `GitInfo` shape). */
export interface StoredGitInfo {
  sha: string | null;
  branch: string | null;
  originUrl: string | null;
}

/**
 * One thread's metadata as the store knows it. Field names follow the v2 `Thread` (camelCase);
 * times are unix milliseconds here (v2 wants seconds: see `toV2Thread`).
 */
export interface StoredThread {
  id: string;
  /** `session_id` from session_meta (equals `id` for root threads). */
  sessionId: string;
  forkedFromId: string | null;
  parentThreadId: string | null;
  /** Usually the first user message; "" when there is none yet. */
  preview: string;
  modelProvider: string;
  model: string | null;
  reasoningEffort: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  /** Where the history lives (a rollout file path for the local store), if on disk. */
  path: string | null;
  cwd: string;
  cliVersion: string;
  /** Session source as recorded in the rollout (core shape, e.g. `"cli"`, `{"subagent":"review"}`). */
  source: unknown;
  /** Coarse source kind for filtering (v2 `ThreadSourceKind`). */
  sourceKind: ThreadSourceKind;
  threadSource: string | null;
  originator: string | null;
  agentNickname: string | null;
  agentRole: string | null;
  gitInfo: StoredGitInfo | null;
  /** User-facing title (set with `setName`); store metadata, never written into the rollout. */
  name: string | null;
  archived: boolean;
  archivedAtMs: number | null;
}

/** The coarse source kinds a list can filter on: v2 `ThreadSourceKind`, one definition. */
export const THREAD_SOURCE_KINDS = v2.ThreadSourceKind.options;
export type ThreadSourceKind = v2.ThreadSourceKind;

export type ThreadSortKey = "created_at" | "updated_at";
export type SortDirection = "asc" | "desc";

/**
 * List parameters. Mirrors v2 `ThreadListParams` (the app-server can pass its params through after
 * validating them), restricted to what a store can answer.
 */
export const ListThreadsParamsSchema = z.object({
  /** Opaque cursor from a previous page's `nextCursor` (or `backwardsCursor` with the opposite direction). */
  cursor: z.string().nullish(),
  /** Page size; default 25, at most 1,000. */
  limit: z.number().int().min(0).nullish(),
  sortKey: z.enum(["created_at", "updated_at"]).nullish(),
  sortDirection: z.enum(["asc", "desc"]).nullish(),
  /** `true`: only archived threads; `false`/unset: only non-archived ones (as Codex). */
  archived: z.boolean().nullish(),
  /** Exact match on the session cwd; a list matches any of its entries. */
  cwd: z.union([z.string(), z.array(z.string())]).nullish(),
  /** Case-insensitive substring of the thread name or preview. */
  searchTerm: z.string().nullish(),
  /** Empty or unset: all providers. */
  modelProviders: z.array(z.string()).nullish(),
  /** Empty or unset: all sources (the app-server applies Codex's "interactive only" default). */
  sourceKinds: z.array(z.enum(THREAD_SOURCE_KINDS)).nullish(),
  excludedThreadIds: z.array(z.string()).max(100).nullish(),
});
export type ListThreadsParams = z.input<typeof ListThreadsParamsSchema>;

/** One page. Same field names as v2 `ThreadListResponse`, so the app-server maps `data` and passes the cursors. */
export interface ThreadPage {
  data: StoredThread[];
  /** Pass as `cursor` to continue after the last item; `null` when there are no more. */
  nextCursor: string | null;
  /** Pass as `cursor` with the opposite `sortDirection` to walk back from this page's first item. */
  backwardsCursor: string | null;
}

/** What a caller supplies to create a thread; the store writes the `session_meta` line. */
export const CreateThreadParamsSchema = z.object({
  /** Thread id; a UUIDv7 is generated when omitted. */
  id: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  cwd: z.string().min(1),
  modelProvider: z.string(),
  model: z.string().nullish(),
  reasoningEffort: z.string().nullish(),
  cliVersion: z.string(),
  originator: z.string().nullish(),
  /** Core session source (`"cli"`, `"vscode"`, `"exec"`, `{"subagent": …}`…); default `"vscode"` like Codex. */
  source: z.unknown().optional(),
  threadSource: z.string().nullish(),
  forkedFromId: z.string().nullish(),
  parentThreadId: z.string().nullish(),
  agentNickname: z.string().nullish(),
  agentRole: z.string().nullish(),
  gitInfo: z
    .object({ sha: z.string().nullable(), branch: z.string().nullable(), originUrl: z.string().nullable() })
    .nullish(),
  baseInstructions: z.string().nullish(),
  /** Creation time (unix ms); default now. */
  createdAtMs: z.number().int().nonnegative().optional(),
  /** Extra `session_meta` payload fields written as given (snake_case, Codex's names). */
  extraMeta: z.record(z.string(), z.unknown()).optional(),
});
export type CreateThreadParams = z.input<typeof CreateThreadParamsSchema>;

/** Where a fork stops copying history: the first `turns` turns, through a turn id, or the first `lines` history lines. */
export type ForkPoint = { turns: number } | { throughTurnId: string } | { lines: number };

export interface ForkThreadOptions {
  /** Default: the whole history. */
  upTo?: ForkPoint;
  /** Id for the new thread; a UUIDv7 is generated when omitted. */
  newThreadId?: string;
}

/** How much an append persists (the rollout persistence policy); default `limited`, as Codex. */
export type PersistenceMode = "limited" | "extended";

/** Metadata a caller may change after creation. `null` clears an override. */
export const ThreadMetadataPatchSchema = z.object({
  name: z.string().nullish(),
  preview: z.string().nullish(),
  model: z.string().nullish(),
  reasoningEffort: z.string().nullish(),
  gitInfo: z
    .object({ sha: z.string().nullable(), branch: z.string().nullable(), originUrl: z.string().nullable() })
    .nullish(),
});
export type ThreadMetadataPatch = z.input<typeof ThreadMetadataPatchSchema>;

/**
 * Everything needed to resume or fork: the metadata and every known history line in order
 * (unknown line types and garbled lines skipped, a torn last line ignored). Feed `lines` to
 * `@codex-ts/rollout`'s `reconstructThread` / `reconstructHistory`.
 */
export interface LoadedThread {
  thread: StoredThread;
  lines: RolloutLine[];
  /** Lines that were not understood (counted, not fatal). */
  skippedLines: number;
  /** True when the last line was cut off by a crash and ignored. */
  truncatedTail: boolean;
}

/**
 * `conflict`: another server holds the thread's writer lease (see {@link ThreadStore.claim});
 * `unsupported`: the store cannot answer this kind of request (a rollout path on a remote store).
 */
export type ThreadStoreErrorCode = "not_found" | "invalid_argument" | "already_exists" | "io" | "conflict" | "unsupported";
export interface ThreadStoreError {
  code: ThreadStoreErrorCode;
  message: string;
}
export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: ThreadStoreError };

export const ok = <T>(value: T): StoreResult<T> => ({ ok: true, value });
export const fail = <T = never>(code: ThreadStoreErrorCode, message: string): StoreResult<T> => ({
  ok: false,
  error: { code, message },
});

/** A thread goal as stored (the v2 `ThreadGoal` shape). */
export type StoredGoal = v2.ThreadGoal;

/**
 * A change made through another store instance (another app-server of the fleet), delivered to
 * {@link ThreadStore.subscribe} listeners. A store never reports its own changes: the caller that
 * made them already knows.
 */
export type ThreadStoreEvent =
  | { type: "name_updated"; threadId: string; name: string | null }
  | { type: "archived"; threadId: string }
  | { type: "unarchived"; threadId: string }
  | { type: "goal_updated"; threadId: string; goal: StoredGoal }
  | { type: "goal_cleared"; threadId: string };

/**
 * One thread as moved between stores (`codex-ts threads export|import`): its metadata, goal and
 * every history line as the exact text stored (session_meta first), so an export → import → export
 * round trip is byte-identical in its items.
 */
export interface ExportedThread {
  thread: StoredThread;
  goal: StoredGoal | null;
  lines: string[];
}

/**
 * The seam between the app-server/core and thread persistence. Every method returns an error value
 * instead of throwing. Two implementations: `LocalThreadStore` (rollout files + sqlite, the
 * default) and the PostgreSQL store of `@codex-ts/thread-store-postgres` (a fleet of servers).
 */
export interface ThreadStore {
  /**
   * `local`: history lives in rollout files on this machine (`StoredThread.path` is set, lookups by
   * rollout path work); `remote`: it lives in a server (`path` is null; a rollout path means nothing).
   */
  readonly location: "local" | "remote";
  /** Create a thread and persist its header (`session_meta`). */
  create(params: CreateThreadParams): Promise<StoreResult<StoredThread>>;
  /**
   * Append rollout items (`{type, payload}`, validated against the protocol's rollout schemas;
   * filtered by the persistence `mode`) and refresh `updatedAt`/preview/model.
   */
  append(threadId: string, items: RolloutItem[], options?: { mode?: PersistenceMode }): Promise<StoreResult<StoredThread>>;
  /** Metadata of one thread (archived or not). */
  read(threadId: string): Promise<StoreResult<StoredThread>>;
  /** A page of threads; see {@link ListThreadsParams}. */
  list(params?: ListThreadsParams): Promise<StoreResult<ThreadPage>>;
  /** Set (or clear with `null`/"") the user-facing name. */
  setName(threadId: string, name: string | null): Promise<StoreResult<StoredThread>>;
  archive(threadId: string): Promise<StoreResult<StoredThread>>;
  unarchive(threadId: string): Promise<StoreResult<StoredThread>>;
  /** Remove the thread and its history. */
  delete(threadId: string): Promise<StoreResult<void>>;
  updateMetadata(threadId: string, patch: ThreadMetadataPatch): Promise<StoreResult<StoredThread>>;
  /** Metadata plus full history, for resume and fork. */
  load(threadId: string): Promise<StoreResult<LoadedThread>>;
  /** A new thread whose history is a copy of the source's up to `upTo` (`forkedFromId` set; name not copied). */
  fork(threadId: string, options?: ForkThreadOptions): Promise<StoreResult<StoredThread>>;
  /**
   * Become the one live writer of a thread (resume, start). A remote store grants it unless another
   * server holds an unexpired lease (`conflict`, with who holds it until when); the lease is kept
   * alive until {@link release} or `close`. The local store always grants it.
   */
  claim(threadId: string): Promise<StoreResult<void>>;
  /** Give up the writer lease of a thread (no-op when not held). */
  release(threadId: string): Promise<void>;
  /** Changes made elsewhere (other servers); returns the unsubscribe function. */
  subscribe(listener: (event: ThreadStoreEvent) => void): () => void;
  getGoal(threadId: string): Promise<StoreResult<StoredGoal | null>>;
  setGoal(threadId: string, goal: StoredGoal): Promise<StoreResult<StoredGoal>>;
  /** Whether there was a goal to clear. */
  clearGoal(threadId: string): Promise<StoreResult<boolean>>;
  /** Metadata, goal and the exact stored history lines of one thread. */
  exportThread(threadId: string): Promise<StoreResult<ExportedThread>>;
  /** Store an exported thread as is (same id, lines verbatim, name, archive state and goal). */
  importThread(thread: ExportedThread): Promise<StoreResult<StoredThread>>;
  /** Release resources (database handles, leases, listeners). */
  close(): Promise<void>;
}
