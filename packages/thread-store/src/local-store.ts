import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { type FileFacts, ThreadIndex } from "./index-db.js";
import { applyLines, parseRolloutFileName, summarizeRolloutFile } from "./rollout-scan.js";
import {
  CreateThreadParamsSchema,
  fail,
  type HistoryLine,
  HistoryLineSchema,
  type ListThreadsParams,
  ListThreadsParamsSchema,
  type LoadedThread,
  ok,
  type StoredThread,
  type StoreResult,
  type ThreadMetadataPatch,
  ThreadMetadataPatchSchema,
  type ThreadPage,
  type ThreadStore,
  type CreateThreadParams,
} from "./types.js";

/** Our index file in CODEX_HOME. Codex's own `state_*.sqlite` is never opened. */
export const INDEX_FILENAME = "codex-ts-threads.sqlite";
export const SESSIONS_DIR = "sessions";
export const ARCHIVED_SESSIONS_DIR = "archived_sessions";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

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
  private readonly fullRestatIntervalMs: number;
  private lastFullRestat = 0;

  private constructor(options: LocalThreadStoreOptions, index: ThreadIndex) {
    this.codexHome = options.codexHome;
    this.sessionsDir = path.join(options.codexHome, SESSIONS_DIR);
    this.archivedDir = path.join(options.codexHome, ARCHIVED_SESSIONS_DIR);
    this.indexPath = options.indexPath ?? path.join(options.codexHome, INDEX_FILENAME);
    this.index = index;
    this.fullRestatIntervalMs = options.fullRestatIntervalMs ?? 60_000;
  }

  /** Open (creating CODEX_HOME and the index as needed) and reconcile the index with the files. */
  static async open(options: LocalThreadStoreOptions): Promise<StoreResult<LocalThreadStore>> {
    try {
      await mkdir(options.codexHome, { recursive: true });
      const indexPath = options.indexPath ?? path.join(options.codexHome, INDEX_FILENAME);
      const store = new LocalThreadStore(options, ThreadIndex.open(indexPath));
      await store.sync();
      return ok(store);
    } catch (err) {
      return fail("io", `cannot open thread store in ${options.codexHome}: ${message(err)}`);
    }
  }

  /** Whether the last open had to build the index from scratch (missing, corrupt or old schema). */
  get rebuiltOnOpen(): boolean {
    return this.index.fresh;
  }

  async close(): Promise<void> {
    await this.syncing?.catch(() => undefined);
    this.index.close();
  }

  async create(params: CreateThreadParams): Promise<StoreResult<StoredThread>> {
    const parsed = CreateThreadParamsSchema.safeParse(params);
    if (!parsed.success) return fail("invalid_argument", `invalid create params: ${z.prettifyError(parsed.error)}`);
    const p = parsed.data;
    return this.guard(async () => {
      const id = p.id ?? uuidv7();
      if (this.index.get(id)) return fail("already_exists", `thread ${id} already exists`);
      const createdAtMs = p.createdAtMs ?? Date.now();
      const created = new Date(createdAtMs);
      const dir = dayDir(this.sessionsDir, created);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `rollout-${fileStamp(created)}-${id}.jsonl`);
      const iso = created.toISOString();
      const payload: Record<string, unknown> = {
        id,
        ...(p.sessionId ? { session_id: p.sessionId } : {}),
        ...(p.forkedFromId ? { forked_from_id: p.forkedFromId } : {}),
        timestamp: iso,
        cwd: p.cwd,
        originator: p.originator ?? "codex-ts",
        cli_version: p.cliVersion,
        source: p.source ?? "vscode",
        ...(p.threadSource ? { thread_source: p.threadSource } : {}),
        ...(p.agentNickname ? { agent_nickname: p.agentNickname } : {}),
        ...(p.agentRole ? { agent_role: p.agentRole } : {}),
        model_provider: p.modelProvider,
        ...(p.baseInstructions != null ? { base_instructions: { text: p.baseInstructions } } : {}),
        ...(p.gitInfo
          ? { git: { commit_hash: p.gitInfo.sha, branch: p.gitInfo.branch, repository_url: p.gitInfo.originUrl } }
          : {}),
        ...p.extraMeta,
      };
      const line = `${JSON.stringify({ timestamp: iso, type: "session_meta", payload })}\n`;
      const fh = await open(file, "wx", 0o600);
      try {
        await fh.writeFile(line);
      } finally {
        await fh.close();
      }
      await this.indexFile(file, dir, false);
      if (p.model != null || p.reasoningEffort != null) {
        const st = await stat(file);
        this.index.touchFile(id, st.mtimeMs, st.size, {
          preview: "",
          model: p.model ?? null,
          reasoningEffort: p.reasoningEffort ?? null,
        });
      }
      return this.found(id);
    });
  }

  async append(threadId: string, lines: HistoryLine[]): Promise<StoreResult<StoredThread>> {
    const parsed = z.array(HistoryLineSchema).safeParse(lines);
    if (!parsed.success) return fail("invalid_argument", `invalid history lines: ${z.prettifyError(parsed.error)}`);
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const t = thread.value;
      if (t.archived || !t.path) return fail("invalid_argument", `thread ${threadId} is archived; unarchive it first`);
      if (parsed.data.length === 0) return ok(t);
      const text = parsed.data.map((l) => `${JSON.stringify(l)}\n`).join("");
      const fh = await open(t.path, "a");
      try {
        await fh.writeFile(text);
      } finally {
        await fh.close();
      }
      const st = await stat(t.path);
      const fields = { preview: "", model: null as string | null, reasoningEffort: null as string | null };
      applyLines(fields, parsed.data);
      this.index.touchFile(t.id, st.mtimeMs, st.size, fields);
      return this.found(t.id);
    });
  }

  async read(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.guard(() => this.resolve(threadId));
  }

  async list(params: ListThreadsParams = {}): Promise<StoreResult<ThreadPage>> {
    const parsed = ListThreadsParamsSchema.safeParse(params);
    if (!parsed.success) return fail("invalid_argument", `invalid list params: ${z.prettifyError(parsed.error)}`);
    const p = parsed.data;
    const sortKey = p.sortKey ?? "created_at";
    const direction = p.sortDirection ?? "desc";
    let after: { value: number; id: string } | null = null;
    if (p.cursor) {
      const cursor = decodeCursor(p.cursor);
      if (!cursor) return fail("invalid_argument", "invalid cursor");
      if (cursor.sortKey !== sortKey || cursor.direction !== direction) {
        return fail(
          "invalid_argument",
          `cursor belongs to sortKey=${cursor.sortKey} sortDirection=${cursor.direction}, not ${sortKey} ${direction}`,
        );
      }
      after = { value: cursor.value, id: cursor.id };
    }
    const limit = Math.min(p.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    return this.guard(async () => {
      await this.sync();
      const rows = this.index.list({
        sortKey,
        direction,
        archived: p.archived === true,
        cwds: p.cwd == null ? null : Array.isArray(p.cwd) ? p.cwd : [p.cwd],
        searchTerm: p.searchTerm ? p.searchTerm : null,
        modelProviders: p.modelProviders ?? null,
        sourceKinds: p.sourceKinds ?? null,
        excludedIds: p.excludedThreadIds ?? null,
        after,
        limit,
      });
      const data = rows.slice(0, limit);
      const valueOf = (t: StoredThread) => (sortKey === "updated_at" ? t.updatedAtMs : t.createdAtMs);
      const last = data.at(-1);
      const first = data[0];
      return ok({
        data,
        nextCursor:
          rows.length > limit && last ? encodeCursor({ sortKey, direction, value: valueOf(last), id: last.id }) : null,
        backwardsCursor: first
          ? encodeCursor({
              sortKey,
              direction: direction === "desc" ? "asc" : "desc",
              value: valueOf(first),
              id: first.id,
            })
          : null,
      });
    });
  }

  async setName(threadId: string, name: string | null): Promise<StoreResult<StoredThread>> {
    if (name !== null && typeof name !== "string") return fail("invalid_argument", "name must be a string or null");
    return this.updateMetadata(threadId, { name });
  }

  async updateMetadata(threadId: string, patch: ThreadMetadataPatch): Promise<StoreResult<StoredThread>> {
    const parsed = ThreadMetadataPatchSchema.safeParse(patch);
    if (!parsed.success) return fail("invalid_argument", `invalid metadata: ${z.prettifyError(parsed.error)}`);
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const overrides = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
      if (typeof overrides.name === "string") overrides.name = overrides.name.trim();
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
      const name = path.basename(t.path!);
      const stamp = parseRolloutFileName(name)?.timestampMs ?? t.createdAtMs;
      const dir = dayDir(this.sessionsDir, new Date(stamp));
      await mkdir(dir, { recursive: true });
      const target = path.join(dir, name);
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
      if (thread.value.path) await unlink(thread.value.path).catch(ignoreMissing);
      this.index.deleteThread(thread.value.id);
      return ok(undefined);
    });
  }

  async load(threadId: string): Promise<StoreResult<LoadedThread>> {
    return this.guard(async () => {
      const thread = await this.resolve(threadId);
      if (!thread.ok) return thread;
      const text = await readFile(thread.value.path!, "utf8");
      const lines: HistoryLine[] = [];
      for (const raw of text.split("\n")) {
        if (raw.trim() === "") continue;
        const line = HistoryLineSchema.safeParse(safeJson(raw));
        // A truncated last line or a garbled one is skipped, never fatal.
        if (line.success) lines.push(line.data);
      }
      return ok({ thread: thread.value, lines });
    });
  }

  /**
   * Reconcile the index with the files on disk. Cheap when nothing changed: one `stat` per day
   * directory and per recently active file (plus, every `fullRestatIntervalMs`, per indexed file).
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

    // Appends do not change a directory's mtime: re-stat the recently active files every time and
    // all files now and then.
    const now = Date.now();
    const full = now - this.lastFullRestat >= this.fullRestatIntervalMs;
    if (full) this.lastFullRestat = now;
    for (const row of this.index.filesModifiedSince(full ? Number.MIN_SAFE_INTEGER : now - ACTIVE_WINDOW_MS)) {
      const st = await stat(row.path).catch(() => null);
      if (!st) continue; // moved or deleted: the directory pass handles it next time its mtime changes
      if (row.fileMtimeMs !== Math.trunc(st.mtimeMs) || row.fileSize !== st.size) {
        await this.indexFile(row.path, row.dir, row.archived, st);
      }
    }
  }

  /** Index new/changed rollout files in `dir` and drop rows whose file is gone. */
  private async reconcileDir(dir: string, archived: boolean): Promise<void> {
    const known = this.index.filesInDir(dir);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => parseRolloutFileName(n) !== null);
    const present = new Set<string>();
    for (const name of names) {
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) continue;
      present.add(file);
      const row = known.get(file);
      if (row && row.fileMtimeMs === Math.trunc(st.mtimeMs) && row.fileSize === st.size) continue;
      await this.indexFile(file, dir, archived, st);
    }
    this.index.deleteMissingInDir(dir, present);
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
  private async resolve(threadId: string): Promise<StoreResult<StoredThread>> {
    if (typeof threadId !== "string" || threadId === "") return fail("invalid_argument", "threadId is required");
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

  private async guard<T>(run: () => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    try {
      return await run();
    } catch (err) {
      return fail("io", message(err));
    }
  }
}

function facts(file: string, dir: string, archived: boolean, st: { mtimeMs: number; size: number }): FileFacts {
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

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function dayDir(root: string, date: Date): string {
  return path.join(root, String(date.getUTCFullYear()), pad(date.getUTCMonth() + 1), pad(date.getUTCDate()));
}

/** `YYYY-MM-DDThh-mm-ss` as in rollout file names. */
function fileStamp(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(
    date.getUTCHours(),
  )}-${pad(date.getUTCMinutes())}-${pad(date.getUTCSeconds())}`;
}

/** A UUIDv7 (time-ordered, as Codex thread ids). */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw err;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
