/**
 * Thread names in `CODEX_HOME/session_index.jsonl`, as Codex 0.169 keeps them: an append-only
 * JSON Lines file of `{"id","thread_name","updated_at"}` (RFC 3339, whole seconds, `Z`), one line
 * per rename; the last line for an id wins. The sqlite index keeps names too, but it is a cache that
 * can be rebuilt from the files, so names are written here as well and read back on sync.
 */
import { appendFile, readFile, stat } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";

export const SESSION_INDEX_FILENAME = "session_index.jsonl";

const SessionIndexEntry = z.object({ id: z.string().min(1), thread_name: z.string(), updated_at: z.string() });
export type SessionIndexEntry = z.infer<typeof SessionIndexEntry>;

export function sessionIndexPath(codexHome: string): string {
  return path.join(codexHome, SESSION_INDEX_FILENAME);
}

/** Append a rename. A cleared name is written as `""` (Codex never writes one; read back as no name). */
export async function appendThreadName(codexHome: string, id: string, name: string | null, now = new Date()): Promise<void> {
  const entry: SessionIndexEntry = {
    id,
    thread_name: name ?? "",
    updated_at: `${now.toISOString().slice(0, 19)}Z`,
  };
  await appendFile(sessionIndexPath(codexHome), `${JSON.stringify(entry)}\n`, "utf8");
}

/** The latest name per thread id (`null` when the latest entry cleared it). Unreadable lines are skipped. */
export function parseSessionIndex(text: string): Map<string, string | null> {
  const names = new Map<string, string | null>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const entry = SessionIndexEntry.safeParse(json);
    if (!entry.success) continue;
    const name = entry.data.thread_name.trim();
    names.set(entry.data.id, name === "" ? null : name);
  }
  return names;
}

/**
 * Reads the file again only when its size or mtime changed since the last read (the first call of
 * a process always reads it); returns `null` when there is nothing new.
 */
export class SessionIndexReader {
  #seen: string | null = null;
  readonly #file: string;

  constructor(codexHome: string) {
    this.#file = sessionIndexPath(codexHome);
  }

  async changedNames(): Promise<Map<string, string | null> | null> {
    const st = await stat(this.#file).catch(() => null);
    if (!st) return null;
    const signature = `${st.size}:${st.mtimeMs}`;
    if (signature === this.#seen) return null;
    const text = await readFile(this.#file, "utf8").catch(() => null);
    if (text === null) return null;
    this.#seen = signature;
    return parseSessionIndex(text);
  }

  /** Forget what was read, so the next call reads the file again (after the index is rebuilt). */
  reset(): void {
    this.#seen = null;
  }
}
