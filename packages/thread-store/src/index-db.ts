/**
 * The local store's sqlite index (./index-schema.ts has its tables and row mapping): opening and
 * rebuilding it, and the queries and updates the store and its reconciler make.
 */
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { INDEX_SCHEMA_VERSION, rowToThread, SCHEMA, SELECT_THREAD, type ThreadRow } from "./index-schema.js";
import type { RolloutSummary } from "./rollout-scan.js";
import type { ListQuery } from "./store-common.js";
import type { StoredGitInfo, StoredThread } from "./types.js";

export interface FileFacts {
  path: string;
  dir: string;
  archived: boolean;
  mtimeMs: number;
  size: number;
}

export interface IndexedFile {
  id: string;
  path: string;
  fileMtimeMs: number;
  fileSize: number;
}

export type { ListQuery };

export interface MetaOverrides {
  name?: string | null;
  preview?: string | null;
  model?: string | null;
  reasoningEffort?: string | null;
  gitInfo?: StoredGitInfo | null;
}

class CorruptIndexError extends Error {}

function isCorruption(err: unknown): boolean {
  if (err instanceof CorruptIndexError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB" || code === "SQLITE_CANTOPEN_ISDIR";
}


/**
 * The sqlite index (better-sqlite3, WAL). Opening recreates the database when it is missing,
 * unreadable, corrupt or of another schema version; `fresh` tells the caller to rebuild from files.
 */
export class ThreadIndex {
  readonly db: Database.Database;
  readonly fresh: boolean;

  private constructor(db: Database.Database, fresh: boolean) {
    this.db = db;
    this.fresh = fresh;
    db.function("fold", { deterministic: true }, (s: unknown) => (typeof s === "string" ? s.toLowerCase() : ""));
  }

  static open(file: string): ThreadIndex {
    try {
      return ThreadIndex.openOrThrow(file);
    } catch (err) {
      // Only a damaged file is thrown away (the rollouts are the source of truth); anything else
      // (busy, permissions) is reported.
      if (!isCorruption(err)) throw err;
      removeIndexFiles(file);
      return ThreadIndex.openOrThrow(file);
    }
  }

  private static openOrThrow(file: string): ThreadIndex {
    const db = new (openSqlite())(file);
    try {
      db.pragma("busy_timeout = 10000");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      // A file that is not a database fails here; damage inside one is found by `quickCheck`, which
      // reads the whole file and so is left to the caller (off the first request's path).
      if (db.pragma("user_version", { simple: true }) === INDEX_SCHEMA_VERSION) return new ThreadIndex(db, false);
      // Create (or replace an older schema) once, even if several processes open at the same time.
      const created = db
        .transaction(() => {
          if (db.pragma("user_version", { simple: true }) === INDEX_SCHEMA_VERSION) return false;
          for (const table of ["threads", "thread_meta", "scan_dirs"]) db.exec(`DROP TABLE IF EXISTS ${table}`);
          db.exec(SCHEMA);
          db.pragma(`user_version = ${INDEX_SCHEMA_VERSION}`);
          return true;
        })
        .immediate();
      return new ThreadIndex(db, created);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** sqlite's `quick_check` (reads the whole index): false when the file is damaged. */
  quickCheck(): boolean {
    try {
      return this.db.pragma("quick_check", { simple: true }) === "ok";
    } catch (err) {
      if (isCorruption(err)) return false;
      throw err;
    }
  }

  /** Closes `index` and opens a new, empty one in its place (deleting the damaged file). */
  static replace(index: ThreadIndex, file: string): ThreadIndex {
    index.close();
    removeIndexFiles(file);
    return ThreadIndex.open(file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Insert or refresh a thread from its rollout file; a model/effort seen before is kept if the file has none. */
  upsertFromFile(summary: RolloutSummary, file: FileFacts, archivedAtMs: number | null): void {
    this.db
      .prepare(
        `INSERT INTO threads (id, path, dir, archived, archived_at_ms, created_at_ms, updated_at_ms, file_mtime_ms,
           file_size, session_id, cwd, preview, model_provider, model, reasoning_effort, cli_version, originator,
           source_json, source_kind, thread_source, forked_from_id, parent_thread_id, agent_nickname, agent_role, git_json)
         VALUES (@id, @path, @dir, @archived, @archivedAtMs, @createdAtMs, @updatedAtMs, @mtimeMs, @size, @sessionId,
           @cwd, @preview, @modelProvider, @model, @reasoningEffort, @cliVersion, @originator, @sourceJson, @sourceKind,
           @threadSource, @forkedFromId, @parentThreadId, @agentNickname, @agentRole, @gitJson)
         ON CONFLICT(id) DO UPDATE SET
           path = excluded.path, dir = excluded.dir, archived = excluded.archived,
           archived_at_ms = CASE WHEN excluded.archived = 0 THEN NULL
                                 ELSE COALESCE(threads.archived_at_ms, excluded.archived_at_ms) END,
           created_at_ms = excluded.created_at_ms, updated_at_ms = excluded.updated_at_ms,
           file_mtime_ms = excluded.file_mtime_ms, file_size = excluded.file_size,
           session_id = excluded.session_id, cwd = excluded.cwd,
           preview = CASE WHEN excluded.preview <> '' THEN excluded.preview ELSE threads.preview END,
           model_provider = excluded.model_provider,
           model = COALESCE(excluded.model, threads.model),
           reasoning_effort = COALESCE(excluded.reasoning_effort, threads.reasoning_effort),
           cli_version = excluded.cli_version, originator = excluded.originator,
           source_json = excluded.source_json, source_kind = excluded.source_kind,
           thread_source = excluded.thread_source, forked_from_id = excluded.forked_from_id,
           parent_thread_id = excluded.parent_thread_id, agent_nickname = excluded.agent_nickname,
           agent_role = excluded.agent_role, git_json = excluded.git_json`,
      )
      .run({
        id: summary.id,
        path: file.path,
        dir: file.dir,
        archived: file.archived ? 1 : 0,
        archivedAtMs: file.archived ? (archivedAtMs ?? file.mtimeMs) : null,
        createdAtMs: Math.trunc(summary.createdAtMs),
        updatedAtMs: Math.trunc(file.mtimeMs),
        mtimeMs: Math.trunc(file.mtimeMs),
        size: file.size,
        sessionId: summary.sessionId,
        cwd: summary.cwd,
        preview: summary.preview,
        modelProvider: summary.modelProvider,
        model: summary.model,
        reasoningEffort: summary.reasoningEffort,
        cliVersion: summary.cliVersion,
        originator: summary.originator,
        sourceJson: JSON.stringify(summary.source ?? null),
        sourceKind: summary.sourceKind,
        threadSource: summary.threadSource,
        forkedFromId: summary.forkedFromId,
        parentThreadId: summary.parentThreadId,
        agentNickname: summary.agentNickname,
        agentRole: summary.agentRole,
        gitJson: summary.gitInfo ? JSON.stringify(summary.gitInfo) : null,
      });
  }

  /** After appending to a thread's file ourselves. */
  touchFile(id: string, mtimeMs: number, size: number, fields: { preview: string; model: string | null; reasoningEffort: string | null }): void {
    this.db
      .prepare(
        `UPDATE threads SET updated_at_ms = @mtime, file_mtime_ms = @mtime, file_size = @size,
           preview = CASE WHEN preview = '' THEN @preview ELSE preview END,
           model = COALESCE(@model, model), reasoning_effort = COALESCE(@effort, reasoning_effort)
         WHERE id = @id`,
      )
      .run({ id, mtime: Math.trunc(mtimeMs), size, preview: fields.preview, model: fields.model, effort: fields.reasoningEffort });
  }

  /** The thread moved between `sessions/` and `archived_sessions/`. */
  moveFile(id: string, file: FileFacts, archivedAtMs: number | null): void {
    this.db
      .prepare(
        `UPDATE threads SET path = @path, dir = @dir, archived = @archived, archived_at_ms = @archivedAtMs,
           file_mtime_ms = @mtime, file_size = @size WHERE id = @id`,
      )
      .run({
        id,
        path: file.path,
        dir: file.dir,
        archived: file.archived ? 1 : 0,
        archivedAtMs: file.archived ? archivedAtMs : null,
        mtime: Math.trunc(file.mtimeMs),
        size: file.size,
      });
  }

  deleteThread(id: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM threads WHERE id = ?").run(id);
      this.db.prepare("DELETE FROM thread_meta WHERE thread_id = ?").run(id);
    })();
  }

  /** Forget a row whose file disappeared (only if it still points there; its name stays in thread_meta). */
  deleteRowAt(id: string, path: string): void {
    this.db.prepare("DELETE FROM threads WHERE id = ? AND path = ?").run(id, path);
  }

  filesInDir(dir: string): Map<string, IndexedFile> {
    const rows = this.db
      .prepare("SELECT id, path, file_mtime_ms AS fileMtimeMs, file_size AS fileSize FROM threads WHERE dir = ?")
      .all(dir) as IndexedFile[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  /** Indexed files whose last seen mtime is at or after `sinceMs`. */
  filesModifiedSince(sinceMs: number): { path: string; dir: string; archived: boolean; fileMtimeMs: number; fileSize: number }[] {
    const rows = this.db
      .prepare(
        "SELECT path, dir, archived, file_mtime_ms AS fileMtimeMs, file_size AS fileSize FROM threads WHERE file_mtime_ms >= ?",
      )
      .all(Math.trunc(Math.max(sinceMs, Number.MIN_SAFE_INTEGER))) as {
      path: string;
      dir: string;
      archived: number;
      fileMtimeMs: number;
      fileSize: number;
    }[];
    return rows.map((r) => ({ ...r, archived: r.archived === 1 }));
  }

  scannedDirs(): Map<string, number> {
    const rows = this.db.prepare("SELECT dir, mtime_ms AS mtimeMs FROM scan_dirs").all() as { dir: string; mtimeMs: number }[];
    return new Map(rows.map((r) => [r.dir, r.mtimeMs]));
  }

  setScannedDir(dir: string, mtimeMs: number): void {
    this.db
      .prepare("INSERT INTO scan_dirs (dir, mtime_ms) VALUES (?, ?) ON CONFLICT(dir) DO UPDATE SET mtime_ms = excluded.mtime_ms")
      .run(dir, Math.trunc(mtimeMs));
  }

  forgetDir(dir: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM threads WHERE dir = ?").run(dir);
      this.db.prepare("DELETE FROM scan_dirs WHERE dir = ?").run(dir);
    })();
  }

  setMeta(id: string, overrides: MetaOverrides): void {
    const current = (this.db.prepare("SELECT * FROM thread_meta WHERE thread_id = ?").get(id) ?? {}) as Record<
      string,
      string | null
    >;
    const pick = <K extends keyof MetaOverrides>(key: K, column: string, encode: (v: NonNullable<MetaOverrides[K]>) => string) => {
      if (!(key in overrides)) return current[column] ?? null;
      const value = overrides[key];
      return value === null || value === undefined || value === "" ? null : encode(value as NonNullable<MetaOverrides[K]>);
    };
    this.db
      .prepare(
        `INSERT INTO thread_meta (thread_id, name, preview, model, reasoning_effort, git_json)
         VALUES (@id, @name, @preview, @model, @effort, @git)
         ON CONFLICT(thread_id) DO UPDATE SET name = excluded.name, preview = excluded.preview, model = excluded.model,
           reasoning_effort = excluded.reasoning_effort, git_json = excluded.git_json`,
      )
      .run({
        id,
        name: pick("name", "name", (v) => v),
        preview: pick("preview", "preview", (v) => v),
        model: pick("model", "model", (v) => v),
        effort: pick("reasoningEffort", "reasoning_effort", (v) => v),
        git: pick("gitInfo", "git_json", (v) => JSON.stringify(v)),
      });
  }

  get(id: string): StoredThread | null {
    const row = this.db.prepare(`${SELECT_THREAD} WHERE t.id = ?`).get(id) as ThreadRow | undefined;
    return row ? rowToThread(row) : null;
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM threads").get() as { n: number }).n;
  }

  /** One page in keyset order: (sort value, id), strictly after `after`. Returns up to `limit + 1` rows. */
  list(q: ListQuery): StoredThread[] {
    const column = q.sortKey === "updated_at" ? "t.updated_at_ms" : "t.created_at_ms";
    const where: string[] = ["t.archived = @archived"];
    const params: Record<string, unknown> = { archived: q.archived ? 1 : 0, limit: q.limit + 1 };
    const inList = (name: string, values: string[]) => {
      values.forEach((v, i) => {
        params[`${name}${i}`] = v;
      });
      return values.map((_, i) => `@${name}${i}`).join(", ");
    };
    if (q.cwds && q.cwds.length > 0) where.push(`t.cwd IN (${inList("cwd", q.cwds)})`);
    if (q.modelProviders && q.modelProviders.length > 0) where.push(`t.model_provider IN (${inList("mp", q.modelProviders)})`);
    if (q.sourceKinds && q.sourceKinds.length > 0) where.push(`t.source_kind IN (${inList("sk", q.sourceKinds)})`);
    if (q.excludedIds && q.excludedIds.length > 0) where.push(`t.id NOT IN (${inList("ex", q.excludedIds)})`);
    if (q.searchTerm) {
      params.term = q.searchTerm.toLowerCase();
      where.push(`instr(fold(COALESCE(m.name, '') || char(10) || COALESCE(m.preview, t.preview)), @term) > 0`);
    }
    const op = q.direction === "desc" ? "<" : ">";
    if (q.after) {
      params.afterValue = q.after.value;
      params.afterId = q.after.id;
      where.push(`(${column}, t.id) ${op} (@afterValue, @afterId)`);
    }
    const dir = q.direction === "desc" ? "DESC" : "ASC";
    const sql = `${SELECT_THREAD} WHERE ${where.join(" AND ")} ORDER BY ${column} ${dir}, t.id ${dir} LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as ThreadRow[]).map(rowToThread);
  }
}

/** Deletes the index database and its WAL, shared-memory and journal files. */
function removeIndexFiles(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
}

/**
 * better-sqlite3, loaded on the first open: importing the store (exec does, to resume) costs no
 * native module load until an index is actually opened.
 */
let sqlite: typeof Database | undefined;
function openSqlite(): typeof Database {
  sqlite ??= createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  return sqlite;
}
