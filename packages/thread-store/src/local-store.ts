import { mkdir, readdir, rename, stat, unlink } from "node:fs/promises";
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
import { type FileFacts, type IndexedFile, ThreadIndex } from "./index-db.js";
import { applyLines, type RolloutSummary, summarizeRolloutFile, summarizeRolloutText } from "./rollout-scan.js";
import { LocalGoals, readRolloutLines, validGoal, writeRolloutLines } from "./local-extras.js";
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

/** Parallel file reads while reconciling. */
const IO_CONCURRENCY = 16;

/** How long the background full re-stat waits after the sync that started it. */
const FULL_RESTAT_DELAY_MS = 500;

/** Files modified this recently (per the index) are re-stat'ed on every sync to notice appends. */
const ACTIVE_WINDOW_MS = 24 * 60 * 60 * 1000;

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
  private index: ThreadIndex;
  private syncing: Promise<void> | null = null;
  /** The background pass that re-stats every indexed file, while it runs. */
  private restatting: Promise<void> | null = null;
  private closed = false;
  /** Ends the background pass's initial delay (used by `close`). */
  private wakeRestat: (() => void) | null = null;
  /** The one integrity check of the index after open (in the background), while it waits or runs. */
  private checking: Promise<void> | null = null;
  private wakeCheck: (() => void) | null = null;
  /** Set when that check found the index damaged: the next sync replaces it and rebuilds it. */
  private damaged = false;
  private readonly fullRestatIntervalMs: number;
  private lastFullRestat = 0;
  private readonly goals = new LocalGoals(() => this.index.db);
  /** Writers kept open between appends (./open-writers.ts). */
  private readonly writers = new OpenWriters();
  /** Names in `session_index.jsonl` (./session-index.ts), applied to the index when the file changes. */
  private readonly sessionIndex: SessionIndexReader;

  private constructor(options: LocalThreadStoreOptions, index: ThreadIndex) {
    this.codexHome = options.codexHome;
    this.sessionsDir = path.join(options.codexHome, SESSIONS_SUBDIR);
    this.archivedDir = path.join(options.codexHome, ARCHIVED_SESSIONS_SUBDIR);
    this.indexPath = options.indexPath ?? path.join(options.codexHome, INDEX_FILENAME);
    this.index = index;
    this.fullRestatIntervalMs = options.fullRestatIntervalMs ?? 60_000;
    this.sessionIndex = new SessionIndexReader(options.codexHome);
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
    this.closed = true;
    this.wakeRestat?.();
    this.wakeCheck?.();
    await this.syncing?.catch(() => undefined);
    await this.restatting;
    await this.checking;
    await this.writers.closeAll();
    this.index.close();
  }

  readonly location = "local" as const;

  async create(params: CreateThreadParams): Promise<StoreResult<StoredThread>> {
    const parsed = parseCreateParams(params);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    return this.guard(async () => {
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
        const st = await stat(writer.path);
        this.index.touchFile(id, st.mtimeMs, st.size, {
          preview: "",
          model: p.model ?? null,
          reasoningEffort: p.reasoningEffort ?? null,
        });
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
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const t = thread.value;
      if (t.archived || !t.path)
        return fail("invalid_argument", `thread ${threadId} is archived; unarchive it first`);
      if (valid.length === 0) return ok(t);
      const mode = options.mode ?? "limited";
      const resumed = await this.writers.acquire(t.id, t.path, mode);
      if (!resumed.ok) return fail("io", resumed.error.message);
      resumed.value.record(valid);
      const flushed = await resumed.value.flush();
      if (!flushed.ok) {
        await resumed.value.close();
        return fail("io", flushed.error.message);
      }
      await this.writers.keep(t.id, t.path, mode, resumed.value);
      const st = await stat(t.path);
      const fields = { preview: "", model: null as string | null, reasoningEffort: null as string | null };
      applyLines(fields, valid);
      this.index.touchFile(t.id, st.mtimeMs, st.size, fields);
      return this.found(t.id);
    });
  }

  async read(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.guard(() => this.resolve(threadId));
  }

  async list(params: ListThreadsParams = {}): Promise<StoreResult<ThreadPage>> {
    const parsed = parseListParams(params);
    if (!parsed.ok) return parsed;
    const q = parsed.value;
    return this.guard(async () => {
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
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const overrides = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
      if (typeof overrides.name === "string") overrides.name = overrides.name.trim();
      if (parsed.data.name !== undefined) await appendThreadName(this.codexHome, thread.value.id, parsed.data.name?.trim() ?? null);
      this.index.setMeta(thread.value.id, overrides);
      return this.found(thread.value.id);
    });
  }

  async archive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const t = thread.value;
      if (t.archived) return ok(t);
      await this.writers.drop(t.id);
      await mkdir(this.archivedDir, { recursive: true });
      const target = path.join(this.archivedDir, path.basename(t.path!));
      await rename(t.path!, target);
      const st = await stat(target);
      this.index.moveFile(t.id, facts(target, this.archivedDir, true, st), Date.now());
      return this.found(t.id);
    });
  }

  async unarchive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const t = thread.value;
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
      this.index.moveFile(t.id, facts(target, dir, false, st), null);
      return this.found(t.id);
    });
  }

  async delete(threadId: string): Promise<StoreResult<void>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      await this.writers.drop(thread.value.id);
      if (thread.value.path) await unlink(thread.value.path).catch(ignoreMissing);
      this.index.deleteThread(thread.value.id);
      return ok(undefined);
    });
  }

  async load(threadId: string): Promise<StoreResult<LoadedThread>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const read = await readRollout(thread.value.path!);
      if (!read.ok) return fail(read.error.code === "not_found" ? "not_found" : "io", read.error.message);
      return ok({
        thread: thread.value,
        lines: read.value.lines,
        skippedLines: read.value.skipped.length,
        truncatedTail: read.value.truncatedTail,
      });
    });
  }

  async fork(threadId: string, options: ForkThreadOptions = {}): Promise<StoreResult<StoredThread>> {
    return this.guard(async () => {
      const source = await this.resolve(threadId);
      if (!source.ok) return source;
      if (options.newThreadId && this.index.get(options.newThreadId)) {
        return fail("already_exists", `thread ${options.newThreadId} already exists`);
      }
      const forked = await forkRollout({
        sourcePath: source.value.path!,
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
    // Coalesce concurrent callers onto one pass.
    if (!this.syncing) {
      this.syncing = this.syncOnce().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    if (this.damaged) {
      this.damaged = false;
      this.index = ThreadIndex.replace(this.index, this.indexPath);
      this.sessionIndex.reset();
    }
    this.checking ??= this.checkIndexLater();
    const scanned = this.index.scannedDirs();
    const dirs = (await listDayDirs(this.sessionsDir)).map((dir) => ({ dir, archived: false }));
    dirs.push({ dir: this.archivedDir, archived: true });
    const seen = new Set<string>();
    for (const { dir, archived } of dirs) {
      const st = await stat(dir).catch(() => null);
      if (!st?.isDirectory()) continue;
      seen.add(dir);
      if (scanned.get(dir) !== Math.trunc(st.mtimeMs)) {
        await this.reconcileDir(dir, archived);
        this.index.setScannedDir(dir, st.mtimeMs);
      }
    }
    for (const dir of scanned.keys()) if (!seen.has(dir)) this.index.forgetDir(dir);
    await this.applySessionIndexNames();

    // Appends do not change a directory's mtime: re-stat the recently active files every time and
    // all files now and then (in the background).
    const now = Date.now();
    await this.restatRows(this.index.filesModifiedSince(now - ACTIVE_WINDOW_MS));
    if (now - this.lastFullRestat >= this.fullRestatIntervalMs && !this.restatting && !this.closed) {
      this.lastFullRestat = now;
      this.restatting = this.restatAll().finally(() => {
        this.restatting = null;
      });
    }
  }

  /**
   * sqlite's integrity check of the index, once per open, in the background: it reads the whole
   * file (~10–30 ms at 10,000 threads), so a new process's first page does not wait for it. A
   * damaged index is replaced and rebuilt from the files by the next sync; until then a query on
   * it fails as an `io` error (or answers from what is readable). Never rejects.
   */
  private async checkIndexLater(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FULL_RESTAT_DELAY_MS);
      timer.unref();
      this.wakeCheck = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeCheck = null;
    if (this.closed) return;
    try {
      if (!this.index.quickCheck()) this.damaged = true;
    } catch {
      // Busy or unreadable: the next open checks again.
    }
  }

  /** The background full pass: never rejects (a failure leaves the index as it was). */
  private async restatAll(): Promise<void> {
    // Let the call that started the pass, and the calls right after it (a client's first pages),
    // answer first: the pass competes with them for the thread pool and the event loop.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FULL_RESTAT_DELAY_MS);
      timer.unref();
      this.wakeRestat = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeRestat = null;
    try {
      if (!this.closed) await this.restatRows(this.index.filesModifiedSince(Number.MIN_SAFE_INTEGER), true);
    } catch {
      // The next pass retries.
    }
  }

  /**
   * Re-summarize the listed files whose size or mtime changed since they were indexed. The
   * background pass (`background`) stops early once the store is closing.
   */
  private async restatRows(
    rows: ReturnType<ThreadIndex["filesModifiedSince"]>,
    background = false,
  ): Promise<void> {
    const stopped = () => background && this.closed;
    await forEachLimited(rows, IO_CONCURRENCY, async (row) => {
      if (stopped()) return;
      const st = await stat(row.path).catch(() => null);
      if (!st) return; // moved or deleted: the directory pass handles it when its mtime changes
      if (row.fileMtimeMs !== Math.trunc(st.mtimeMs) || row.fileSize !== st.size) {
        if (stopped()) return;
        await this.indexFile(row.path, row.dir, row.archived, st);
      }
    });
  }

  /** Index new/changed rollout files in `dir` and drop rows whose file is gone. */
  private async reconcileDir(dir: string, archived: boolean): Promise<void> {
    const known = this.index.filesInDir(dir);
    const names = (await readdir(dir).catch(() => [] as string[])).filter(
      (n) => parseRolloutFileName(n) !== null,
    );
    const present = new Set<string>();
    const changed: { file: string; st: { mtimeMs: number; size: number } }[] = [];
    await forEachLimited(names, IO_CONCURRENCY, async (name) => {
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) return;
      present.add(file);
      const row = known.get(file);
      if (row && row.fileMtimeMs === Math.trunc(st.mtimeMs) && row.fileSize === st.size) return;
      changed.push({ file, st });
    });
    const summaries: { summary: RolloutSummary; facts: FileFacts }[] = [];
    await forEachLimited(changed, IO_CONCURRENCY, async ({ file, st }) => {
      const summary = await summarizeRolloutFile(file, path.basename(file)).catch(() => null);
      if (summary) summaries.push({ summary, facts: facts(file, dir, archived, st) });
    });
    // Rows whose file was not listed: gone, unless another process created it after our readdir.
    const gone: IndexedFile[] = [];
    for (const [file, row] of known) if (!present.has(file) && !(await exists(file))) gone.push(row);
    this.index.db.transaction(() => {
      for (const { summary, facts: f } of summaries) {
        this.index.upsertFromFile(summary, f, archived ? f.mtimeMs : null);
      }
      for (const row of gone) this.index.deleteRowAt(row.id, row.path);
    })();
  }

  private async indexFile(
    file: string,
    dir: string,
    archived: boolean,
    st?: { mtimeMs: number; size: number },
  ): Promise<void> {
    const info = st ?? (await stat(file));
    const summary = await summarizeRolloutFile(file, path.basename(file)).catch(() => null);
    if (!summary) return;
    this.index.upsertFromFile(summary, facts(file, dir, archived, info), archived ? info.mtimeMs : null);
  }

  /** The indexed thread, after a reconcile if it is unknown or its file moved (another process). */
  /** Names renamed in `session_index.jsonl` (by us or by Codex) since the last read; the last entry wins. */
  private async applySessionIndexNames(): Promise<void> {
    const names = await this.sessionIndex.changedNames();
    if (!names) return;
    for (const [id, name] of names) {
      const thread = this.index.get(id);
      if (thread && thread.name !== name) this.index.setMeta(id, { name });
    }
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
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      return thread.ok ? ok(undefined) : thread;
    });
  }

  async release(_threadId: string): Promise<void> {}

  /** Nothing to hear about: other local processes' changes are read from the files on the next call. */
  subscribe(_listener: (event: ThreadStoreEvent) => void): () => void {
    return () => undefined;
  }

  async getGoal(threadId: string): Promise<StoreResult<StoredGoal | null>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      return thread.ok ? ok(this.goals.get(threadId)) : thread;
    });
  }

  async setGoal(threadId: string, goal: StoredGoal): Promise<StoreResult<StoredGoal>> {
    const valid = validGoal(threadId, goal);
    if (!valid.ok) return valid;
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      this.goals.set(threadId, valid.value);
      return ok(valid.value);
    });
  }

  async clearGoal(threadId: string): Promise<StoreResult<boolean>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      return thread.ok ? ok(this.goals.clear(threadId)) : thread;
    });
  }

  async exportThread(threadId: string): Promise<StoreResult<ExportedThread>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const lines = await readRolloutLines(thread.value.path!);
      return ok({ thread: thread.value, goal: this.goals.get(threadId), lines });
    });
  }

  async importThread(exported: ExportedThread): Promise<StoreResult<StoredThread>> {
    const { thread, lines } = exported;
    const header = summarizeRolloutText(lines[0] ?? "", thread.createdAtMs);
    if (!header || header.id !== thread.id)
      return fail("invalid_argument", `thread ${thread.id}: the first line is not its session_meta`);
    return this.guard(async () => {
      if (this.index.get(thread.id)) return fail("already_exists", `thread ${thread.id} already exists`);
      const file = rolloutPath(this.codexHome, thread.id, new Date(header.createdAtMs));
      await mkdir(path.dirname(file), { recursive: true });
      await writeRolloutLines(file, lines);
      await this.indexFile(file, path.dirname(file), false);
      if (!this.index.get(thread.id)) return fail("invalid_argument", `thread ${thread.id}: not a readable rollout`);
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

  private guard<T>(run: () => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    return guarded(run);
  }

}

function facts(
  file: string,
  dir: string,
  archived: boolean,
  st: { mtimeMs: number; size: number },
): FileFacts {
  return { path: file, dir, archived, mtimeMs: st.mtimeMs, size: st.size };
}

/** `sessions/YYYY/MM/DD` day directories, newest first. */
async function listDayDirs(root: string): Promise<string[]> {
  const out: string[] = [];
  const numeric = async (dir: string, width: number) =>
    (await readdir(dir).catch(() => [] as string[]))
      .filter((n) => n.length === width && /^\d+$/.test(n))
      .sort()
      .reverse();
  for (const y of await numeric(root, 4)) {
    for (const m of await numeric(path.join(root, y), 2)) {
      for (const d of await numeric(path.join(root, y, m), 2)) out.push(path.join(root, y, m, d));
    }
  }
  return out;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw err;
}
