/**
 * Rollout writers kept open between appends. Resuming a writer reads and validates the whole file
 * (to repair a torn tail and find the next ordinal), so doing it for every append made each turn
 * cost O(history): 400 turns into a thread, appends dominated the app-server's time. A writer is
 * reused only while the file is exactly as this store left it (same inode, size and mtime); any
 * other writer's change, a rewrite or a move means a fresh resume. At most `cap` stay open (LRU).
 */
import { stat } from "node:fs/promises";
import type { RolloutItem } from "@codex-ts/protocol";
import { type PersistenceMode, type RolloutResult, RolloutWriter } from "@codex-ts/rollout";

interface OpenWriter {
  writer: RolloutWriter;
  path: string;
  mode: PersistenceMode;
  ino: number;
  size: number;
  mtimeMs: number;
}

export class OpenWriters {
  readonly #open = new Map<string, OpenWriter>();

  constructor(private readonly cap = 32) {}

  /** A writer appending to `file`: the kept one when the file is unchanged, else a resumed one. */
  async #acquire(
    threadId: string,
    file: string,
    mode: PersistenceMode,
  ): ReturnType<typeof RolloutWriter.resume> {
    const kept = this.#open.get(threadId);
    if (kept) {
      this.#open.delete(threadId);
      const st = await stat(file).catch(() => null);
      const unchanged =
        st !== null &&
        kept.path === file &&
        kept.mode === mode &&
        st.ino === kept.ino &&
        st.size === kept.size &&
        st.mtimeMs === kept.mtimeMs;
      if (unchanged) return { ok: true, value: kept.writer };
      await kept.writer.close();
    }
    return RolloutWriter.resume(file, { mode });
  }

  /** Keeps `writer` open after a successful append (closing the least recently used beyond the cap). */
  async #keep(threadId: string, file: string, mode: PersistenceMode, writer: RolloutWriter): Promise<void> {
    const st = await stat(file).catch(() => null);
    if (st === null) {
      await writer.close();
      return;
    }
    this.#open.set(threadId, { writer, path: file, mode, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
    for (const [id, entry] of this.#open) {
      if (this.#open.size <= this.cap) break;
      this.#open.delete(id);
      await entry.writer.close();
    }
  }

  /** Appends `items` to the thread's file and flushes, keeping the writer open for the next append. */
  async append(
    threadId: string,
    file: string,
    mode: PersistenceMode,
    items: RolloutItem[],
  ): Promise<RolloutResult<void>> {
    const resumed = await this.#acquire(threadId, file, mode);
    if (!resumed.ok) return resumed;
    resumed.value.record(items);
    const flushed = await resumed.value.flush();
    if (!flushed.ok) {
      await resumed.value.close();
      return flushed;
    }
    await this.#keep(threadId, file, mode, resumed.value);
    return flushed;
  }

  /** Closes the thread's writer (before its file moves or goes). */
  async drop(threadId: string): Promise<void> {
    const kept = this.#open.get(threadId);
    this.#open.delete(threadId);
    await kept?.writer.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((entry) => entry.writer.close()));
  }
}
