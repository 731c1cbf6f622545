import { mkdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import {
  ARCHIVED_SESSIONS_SUBDIR,
  forkRollout,
  parseRolloutFileName,
  RolloutWriter,
  readRollout,
  rolloutPath,
  SESSIONS_SUBDIR,
} from "@codex-ts/rollout";
import * as z from "zod";
import { ThreadIndex } from "./index-db.js";
import { LocalGoals, readRolloutLines, validGoal, writeRolloutLines } from "./local-extras.js";
import { exists, fileFacts, IndexSync } from "./local-sync.js";
import { applyLines, summarizeRolloutText } from "./rollout-scan.js";
import { OpenWriters } from "./open-writers.js";
import { appendThreadName, SessionIndexReader } from "./session-index.js";
import {
  errorMessage as message,
  guarded,
  pageOf,
  parseCreateParams,
  parseListParams,
  sessionMetaFor,
  validateAppendItems,
} from "./store-common.js";
import {
  type CreateThreadParams,
  type ExportedThread,
  fail,
  type ForkThreadOptions,
  type ListThreadsParams,
  type LoadedThread,
  ok,
  type PersistenceMode,
  type StoredGoal,
  type StoredThread,
  type StoreResult,
  type ThreadMetadataPatch,
  ThreadMetadataPatchSchema,
  type ThreadPage,
  type ThreadStore,
  type ThreadStoreEvent,
} from "./types.js";

/** Our index file in CODEX_HOME. Codex's own `state_*.sqlite` is never opened. */
export const INDEX_FILENAME = "codex-ts-threads.sqlite";

export interface LocalThreadStoreOptions {
  codexHome: string;
  /** Override the index location (default `CODEX_HOME/codex-ts-threads.sqlite`). */
  indexPath?: string;
  /**
   * How often a sync re-stats every indexed file to notice appends to old threads by other
   * processes (default 60 s). Recently active files are re-stat'ed on every sync regardless.
   */
  fullRestatIntervalMs?: number;
}

/**
 * {@link ThreadStore} over Codex-layout rollout files (`CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`,
 * archived ones flat in `CODEX_HOME/archived_sessions/`) with a sqlite index for listing.
 *
 * The files are the source of truth; the index is rebuilt from them when missing or corrupt and is
 * reconciled on `list`/`read` with files other processes wrote (a directory is re-read only when its
 * mtime changed; recently active files are re-stat'ed to notice appends).
 */
export class LocalThreadStore implements ThreadStore {
  readonly codexHome: string;
  readonly sessionsDir: string;
  readonly archivedDir: string;
  readonly indexPath: string;
  /** Keeps the index in step with the files (./local-sync.ts); owns the index, which it may replace. */
  private readonly reconciler: IndexSync;
  private readonly goals = new LocalGoals(() => this.index.db);
  /** Writers kept open between appends (./open-writers.ts). */
  private readonly writers = new OpenWriters();

  private constructor(options: LocalThreadStoreOptions, index: ThreadIndex) {
    this.codexHome = options.codexHome;
    this.sessionsDir = path.join(options.codexHome, SESSIONS_SUBDIR);
    this.archivedDir = path.join(options.codexHome, ARCHIVED_SESSIONS_SUBDIR);
    this.indexPath = options.indexPath ?? path.join(options.codexHome, INDEX_FILENAME);
    this.reconciler = new IndexSync(
      {
        sessionsDir: this.sessionsDir,
        archivedDir: this.archivedDir,
        indexPath: this.indexPath,
        sessionIndex: new SessionIndexReader(options.codexHome),
        fullRestatIntervalMs: options.fullRestatIntervalMs ?? 60_000,
      },
      index,
    );
  }

  private get index(): ThreadIndex {
    return this.reconciler.index;
  }

  /**
   * Open (creating CODEX_HOME and the index as needed). The index is reconciled with the files by
   * the first call that needs it (`list`, or a lookup of a thread the index does not know).
   */
  static async open(options: LocalThreadStoreOptions): Promise<StoreResult<LocalThreadStore>> {
    try {
      await mkdir(options.codexHome, { recursive: true });
      const indexPath = options.indexPath ?? path.join(options.codexHome, INDEX_FILENAME);
      // No reconcile here: `list` and a lookup that misses reconcile before answering, and doing it
      // here too would make a new process's first `list` pay for two passes.
      return ok(new LocalThreadStore(options, ThreadIndex.open(indexPath)));
    } catch (err) {
      return fail("io", `cannot open thread store in ${options.codexHome}: ${message(err)}`);
    }
  }

  /** Whether the last open had to build the index from scratch (missing, corrupt or old schema). */
  get rebuiltOnOpen(): boolean {
    return this.index.fresh;
  }

  async close(): Promise<void> {
    await this.reconciler.close();
    await this.writers.closeAll();
    this.index.close();
  }

  readonly location = "local" as const;

  async create(params: CreateThreadParams): Promise<StoreResult<StoredThread>> {
    const parsed = parseCreateParams(params);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    return guarded(async () => {
      if (p.id && this.index.get(p.id)) return fail("already_exists", `thread ${p.id} already exists`);
      const meta = sessionMetaFor(p);
      const created = await RolloutWriter.create({
        codexHome: this.codexHome,
        meta,
        ...(p.id ? { threadId: p.id } : {}),
        createdAt: new Date(p.createdAtMs ?? Date.now()),
      });
      if (!created.ok) {
        return fail(created.error.code === "exists" ? "already_exists" : "io", created.error.message);
      }
      const writer = created.value;
      const closed = await writer.close();
      if (!closed.ok) return fail("io", closed.error.message);
      const id = writer.threadId;
      await this.indexFile(writer.path, path.dirname(writer.path), false);
      if (p.model != null || p.reasoningEffort != null) {
        const fields = { preview: "", model: p.model ?? null, reasoningEffort: p.reasoningEffort ?? null };
        await this.reconciler.noteWrite(id, writer.path, fields);
      }
      return this.found(id);
    });
  }

  async append(
    threadId: string,
    items: RolloutItem[],
    options: { mode?: PersistenceMode } = {},
  ): Promise<StoreResult<StoredThread>> {
    const validated = validateAppendItems(items);
    if (!validated.ok) return validated;
    const valid = validated.value;
    return this.withThread(threadId, async (t) => {
      if (t.archived || !t.path)
        return fail("invalid_argument", `thread ${threadId} is archived; unarchive it first`);
      if (valid.length === 0) return ok(t);
      const mode = options.mode ?? "limited";
      const appended = await this.writers.append(t.id, t.path, mode, valid);
      if (!appended.ok) return fail("io", appended.error.message);
      const fields = { preview: "", model: null as string | null, reasoningEffort: null as string | null };
      applyLines(fields, valid);
      await this.reconciler.noteWrite(t.id, t.path, fields);
      return this.found(t.id);
    });
  }

  async read(threadId: string): Promise<StoreResult<StoredThread>> {
    return guarded(() => this.resolve(threadId));
  }

  async list(params: ListThreadsParams = {}): Promise<StoreResult<ThreadPage>> {
    const parsed = parseListParams(params);
    if (!parsed.ok) return parsed;
    const q = parsed.value;
    return guarded(async () => {
      await this.sync();
      return ok(pageOf(this.index.list(q), q));
    });
  }

  async setName(threadId: string, name: string | null): Promise<StoreResult<StoredThread>> {
    if (name !== null && typeof name !== "string")
      return fail("invalid_argument", "name must be a string or null");
    return this.updateMetadata(threadId, { name });
  }

  async updateMetadata(threadId: string, patch: ThreadMetadataPatch): Promise<StoreResult<StoredThread>> {
    const parsed = ThreadMetadataPatchSchema.safeParse(patch);
    if (!parsed.success)
      return fail("invalid_argument", `invalid metadata: ${z.prettifyError(parsed.error)}`);
    return this.withThread(threadId, async (thread) => {
      const overrides = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
      if (typeof overrides.name === "string") overrides.name = overrides.name.trim();
      if (parsed.data.name !== undefined)
        await appendThreadName(this.codexHome, thread.id, parsed.data.name?.trim() ?? null);
      this.index.setMeta(thread.id, overrides);
      return this.found(thread.id);
    });
  }

  async archive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.withThread(threadId, async (t) => {
      if (t.archived) return ok(t);
      await this.writers.drop(t.id);
      await mkdir(this.archivedDir, { recursive: true });
      const target = path.join(this.archivedDir, path.basename(t.path!));
      await rename(t.path!, target);
      const st = await stat(target);
      this.index.moveFile(t.id, fileFacts(target, this.archivedDir, true, st), Date.now());
      return this.found(t.id);
    });
  }

  async unarchive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.withThread(threadId, async (t) => {
      if (!t.archived) return ok(t);
      await this.writers.drop(t.id);
      const name = parseRolloutFileName(t.path!);
      const target = name
        ? rolloutPath(this.codexHome, name.threadId, name.createdAt)
        : rolloutPath(this.codexHome, t.id, new Date(t.createdAtMs));
      const dir = path.dirname(target);
      await mkdir(dir, { recursive: true });
      await rename(t.path!, target);
      const st = await stat(target);
      this.index.moveFile(t.id, fileFacts(target, dir, false, st), null);
      return this.found(t.id);
    });
  }

  async delete(threadId: string): Promise<StoreResult<void>> {
    return this.withThread(threadId, async (thread) => {
      await this.writers.drop(thread.id);
      if (thread.path) await unlink(thread.path).catch(ignoreMissing);
      this.index.deleteThread(thread.id);
      return ok(undefined);
    });
  }

  async load(threadId: string): Promise<StoreResult<LoadedThread>> {
    return this.withThread(threadId, async (thread) => {
      const read = await readRollout(thread.path!);
      if (!read.ok) return fail(read.error.code === "not_found" ? "not_found" : "io", read.error.message);
      return ok({
        thread: thread,
        lines: read.value.lines,
        skippedLines: read.value.skipped.length,
        truncatedTail: read.value.truncatedTail,
      });
    });
  }

  async fork(threadId: string, options: ForkThreadOptions = {}): Promise<StoreResult<StoredThread>> {
    return this.withThread(threadId, async (source) => {
      if (options.newThreadId && this.index.get(options.newThreadId)) {
        return fail("already_exists", `thread ${options.newThreadId} already exists`);
      }
      const forked = await forkRollout({
        sourcePath: source.path!,
        codexHome: this.codexHome,
        ...(options.upTo ? { upTo: options.upTo } : {}),
        ...(options.newThreadId ? { newThreadId: options.newThreadId } : {}),
      });
      if (!forked.ok) {
        const code =
          forked.error.code === "invalid"
            ? "invalid_argument"
            : forked.error.code === "exists"
              ? "already_exists"
              : "io";
        return fail(code, forked.error.message);
      }
      await this.indexFile(forked.value.path, path.dirname(forked.value.path), false);
      return this.found(forked.value.threadId);
    });
  }

  /**
   * Reconcile the index with the files on disk. Cheap when nothing changed: one `stat` per day
   * directory and per recently active file. Every `fullRestatIntervalMs` (and on the first sync of
   * the process) it also starts a background pass that re-stats every indexed file, to notice
   * appends by other processes to threads older than a day; the caller does not wait for it, so a
   * list answers from the index right away and sees such an append on a later call.
   */
  sync(): Promise<void> {
    return this.reconciler.sync();
  }

  private indexFile(file: string, dir: string, archived: boolean): Promise<void> {
    return this.reconciler.indexFile(file, dir, archived);
  }

  private async resolve(threadId: string): Promise<StoreResult<StoredThread>> {
    if (typeof threadId !== "string" || threadId === "")
      return fail("invalid_argument", "threadId is required");
    const cached = this.index.get(threadId);
    if (cached?.path && (await exists(cached.path))) return ok(cached);
    await this.sync();
    const fresh = this.index.get(threadId);
    if (fresh?.path && (await exists(fresh.path))) return ok(fresh);
    return fail("not_found", `thread not found: ${threadId}`);
  }

  private found(id: string): StoreResult<StoredThread> {
    const thread = this.index.get(id);
    return thread ? ok(thread) : fail("not_found", `thread not found: ${id}`);
  }

  /* ---------------------------------------------------------------- leases, events, goals, export */

  /** One machine, one writer per thread by construction: always granted. */
  async claim(threadId: string): Promise<StoreResult<void>> {
    return this.withThread(threadId, async () => ok(undefined));
  }

  async release(_threadId: string): Promise<void> {}

  /** Nothing to hear about: other local processes' changes are read from the files on the next call. */
  subscribe(_listener: (event: ThreadStoreEvent) => void): () => void {
    return () => undefined;
  }

  async getGoal(threadId: string): Promise<StoreResult<StoredGoal | null>> {
    return this.withThread(threadId, async () => ok(this.goals.get(threadId)));
  }

  async setGoal(threadId: string, goal: StoredGoal): Promise<StoreResult<StoredGoal>> {
    const valid = validGoal(threadId, goal);
    if (!valid.ok) return valid;
    return this.withThread(threadId, async () => {
      this.goals.set(threadId, valid.value);
      return ok(valid.value);
    });
  }

  async clearGoal(threadId: string): Promise<StoreResult<boolean>> {
    return this.withThread(threadId, async () => ok(this.goals.clear(threadId)));
  }

  async exportThread(threadId: string): Promise<StoreResult<ExportedThread>> {
    return this.withThread(threadId, async (thread) => {
      const lines = await readRolloutLines(thread.path!);
      return ok({ thread, goal: this.goals.get(threadId), lines });
    });
  }

  async importThread(exported: ExportedThread): Promise<StoreResult<StoredThread>> {
    const { thread, lines } = exported;
    const header = summarizeRolloutText(lines[0] ?? "", thread.createdAtMs);
    if (!header || header.id !== thread.id)
      return fail("invalid_argument", `thread ${thread.id}: the first line is not its session_meta`);
    return guarded(async () => {
      if (this.index.get(thread.id)) return fail("already_exists", `thread ${thread.id} already exists`);
      const file = rolloutPath(this.codexHome, thread.id, new Date(header.createdAtMs));
      await mkdir(path.dirname(file), { recursive: true });
      await writeRolloutLines(file, lines);
      await this.indexFile(file, path.dirname(file), false);
      if (!this.index.get(thread.id))
        return fail("invalid_argument", `thread ${thread.id}: not a readable rollout`);
      if (thread.name) {
        await appendThreadName(this.codexHome, thread.id, thread.name);
        this.index.setMeta(thread.id, { name: thread.name });
      }
      if (exported.goal) this.goals.set(thread.id, exported.goal);
      if (thread.archived) {
        const archived = await this.archive(thread.id);
        if (!archived.ok) return archived;
      }
      return this.found(thread.id);
    });
  }

  /** `run` on the resolved thread, or the lookup's error; nothing throws. */
  private withThread<T>(
    threadId: string,
    run: (thread: StoredThread) => Promise<StoreResult<T>>,
  ): Promise<StoreResult<T>> {
    return guarded(async () => {
      const thread = await this.resolve(threadId);
      return thread.ok ? run(thread.value) : thread;
    });
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw err;
}
