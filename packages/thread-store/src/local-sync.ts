/**
 * The local store's reconciler: keeps the sqlite index in step with the rollout files on disk,
 * including those other processes write. Cheap when nothing changed (one `stat` per day directory
 * and per recently active file); a background pass now and then re-stats every indexed file, and
 * one background integrity check per open replaces a damaged index.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parseRolloutFileName } from "@codex-ts/rollout";
import { type FileFacts, type IndexedFile, ThreadIndex } from "./index-db.js";
import { type RolloutSummary, summarizeRolloutFile } from "./rollout-scan.js";
import type { SessionIndexReader } from "./session-index.js";

/** Parallel file reads while reconciling. */
const IO_CONCURRENCY = 16;

/** How long the background full re-stat (and the integrity check) waits after the sync that started it. */
const FULL_RESTAT_DELAY_MS = 500;

/** Files modified this recently (per the index) are re-stat'ed on every sync to notice appends. */
const ACTIVE_WINDOW_MS = 24 * 60 * 60 * 1000;

type FileStat = { mtimeMs: number; size: number };

export interface IndexSyncOptions {
  sessionsDir: string;
  archivedDir: string;
  indexPath: string;
  /** Names in `session_index.jsonl`, applied to the index when the file changes. */
  sessionIndex: SessionIndexReader;
  fullRestatIntervalMs: number;
}

export class IndexSync {
  /** The index; replaced (and rebuilt from the files) when the integrity check finds it damaged. */
  index: ThreadIndex;
  readonly #options: IndexSyncOptions;
  #syncing: Promise<void> | null = null;
  /** The background pass that re-stats every indexed file, while it runs. */
  #restatting: Promise<void> | null = null;
  #closed = false;
  /** Ends the background pass's initial delay (used by `close`). */
  #wakeRestat: (() => void) | null = null;
  /** The one integrity check of the index after open (in the background), while it waits or runs. */
  #checking: Promise<void> | null = null;
  #wakeCheck: (() => void) | null = null;
  /** Set when that check found the index damaged: the next sync replaces it and rebuilds it. */
  #damaged = false;
  #lastFullRestat = 0;

  constructor(options: IndexSyncOptions, index: ThreadIndex) {
    this.#options = options;
    this.index = index;
  }

  /** Stops the background work and waits for what runs (the index itself stays open). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeRestat?.();
    this.#wakeCheck?.();
    await this.#syncing?.catch(() => undefined);
    await this.#restatting;
    await this.#checking;
  }

  /** One reconcile at a time: concurrent callers share the pass that runs. */
  sync(): Promise<void> {
    if (!this.#syncing) {
      this.#syncing = this.#syncOnce().finally(() => {
        this.#syncing = null;
      });
    }
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    const { sessionsDir, archivedDir, indexPath, sessionIndex, fullRestatIntervalMs } = this.#options;
    if (this.#damaged) {
      this.#damaged = false;
      this.index = ThreadIndex.replace(this.index, indexPath);
      sessionIndex.reset();
    }
    this.#checking ??= this.#checkIndexLater();
    const scanned = this.index.scannedDirs();
    const dirs = (await listDayDirs(sessionsDir)).map((dir) => ({ dir, archived: false }));
    dirs.push({ dir: archivedDir, archived: true });
    const seen = new Set<string>();
    for (const { dir, archived } of dirs) {
      const st = await stat(dir).catch(() => null);
      if (!st?.isDirectory()) continue;
      seen.add(dir);
      if (scanned.get(dir) !== Math.trunc(st.mtimeMs)) {
        await this.#reconcileDir(dir, archived);
        this.index.setScannedDir(dir, st.mtimeMs);
      }
    }
    for (const dir of scanned.keys()) if (!seen.has(dir)) this.index.forgetDir(dir);
    await this.#applySessionIndexNames();

    // Appends do not change a directory's mtime: re-stat the recently active files every time and
    // all files now and then (in the background).
    const now = Date.now();
    await this.#restatRows(this.index.filesModifiedSince(now - ACTIVE_WINDOW_MS));
    if (now - this.#lastFullRestat >= fullRestatIntervalMs && !this.#restatting && !this.#closed) {
      this.#lastFullRestat = now;
      this.#restatting = this.#restatAll().finally(() => {
        this.#restatting = null;
      });
    }
  }

  /**
   * sqlite's integrity check of the index, once per open, in the background: it reads the whole
   * file (~10–30 ms at 10,000 threads), so a new process's first page does not wait for it. A
   * damaged index is replaced and rebuilt from the files by the next sync; until then a query on
   * it fails as an `io` error (or answers from what is readable). Never rejects.
   */
  async #checkIndexLater(): Promise<void> {
    await wakeableDelay(FULL_RESTAT_DELAY_MS, (wake) => {
      this.#wakeCheck = wake;
    });
    this.#wakeCheck = null;
    if (this.#closed) return;
    try {
      if (!this.index.quickCheck()) this.#damaged = true;
    } catch {
      // Busy or unreadable: the next open checks again.
    }
  }

  /** The background full pass: never rejects (a failure leaves the index as it was). */
  async #restatAll(): Promise<void> {
    // Let the call that started the pass, and the calls right after it (a client's first pages),
    // answer first: the pass competes with them for the thread pool and the event loop.
    await wakeableDelay(FULL_RESTAT_DELAY_MS, (wake) => {
      this.#wakeRestat = wake;
    });
    this.#wakeRestat = null;
    try {
      if (!this.#closed) await this.#restatRows(this.index.filesModifiedSince(Number.MIN_SAFE_INTEGER), true);
    } catch {
      // The next pass retries.
    }
  }

  /**
   * Re-summarize the listed files whose size or mtime changed since they were indexed. The
   * background pass (`background`) stops early once the store is closing.
   */
  async #restatRows(rows: ReturnType<ThreadIndex["filesModifiedSince"]>, background = false): Promise<void> {
    const stopped = () => background && this.#closed;
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
  async #reconcileDir(dir: string, archived: boolean): Promise<void> {
    const known = this.index.filesInDir(dir);
    const names = (await readdir(dir).catch(() => [] as string[])).filter(
      (n) => parseRolloutFileName(n) !== null,
    );
    const present = new Set<string>();
    const changed: { file: string; st: FileStat }[] = [];
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
      if (summary) summaries.push({ summary, facts: fileFacts(file, dir, archived, st) });
    });
    // Rows whose file was not listed: gone, unless another process created it after our readdir.
    const gone: IndexedFile[] = [];
    for (const [file, row] of known) if (!present.has(file) && !(await exists(file))) gone.push(row);
    this.index.db.transaction(() => {
      for (const { summary, facts } of summaries) {
        this.index.upsertFromFile(summary, facts, archived ? facts.mtimeMs : null);
      }
      for (const row of gone) this.index.deleteRowAt(row.id, row.path);
    })();
  }

  /** (Re)index one rollout file; an unreadable one is left out. */
  async indexFile(file: string, dir: string, archived: boolean, st?: FileStat): Promise<void> {
    const info = st ?? (await stat(file));
    const summary = await summarizeRolloutFile(file, path.basename(file)).catch(() => null);
    if (!summary) return;
    this.index.upsertFromFile(summary, fileFacts(file, dir, archived, info), archived ? info.mtimeMs : null);
  }

  /** After this process wrote to a thread's file: its new size and mtime, and what the write told. */
  async noteWrite(id: string, file: string, fields: Parameters<ThreadIndex["touchFile"]>[3]): Promise<void> {
    const st = await stat(file);
    this.index.touchFile(id, st.mtimeMs, st.size, fields);
  }

  /** Names renamed in `session_index.jsonl` (by us or by Codex) since the last read; the last entry wins. */
  async #applySessionIndexNames(): Promise<void> {
    const names = await this.#options.sessionIndex.changedNames();
    if (!names) return;
    for (const [id, name] of names) {
      const thread = this.index.get(id);
      if (thread && thread.name !== name) this.index.setMeta(id, { name });
    }
  }
}

export function fileFacts(file: string, dir: string, archived: boolean, st: FileStat): FileFacts {
  return { path: file, dir, archived, mtimeMs: st.mtimeMs, size: st.size };
}

export async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

/** Waits `ms` (without holding the process open); `onWake` receives a function that ends the wait early. */
function wakeableDelay(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
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
