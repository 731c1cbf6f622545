import type { StoredThread, ThreadStore } from "@codex-ts/thread-store";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Which session a command means: an id or thread name, or the newest one. */
export type SessionRef = { kind: "id"; id: string } | { kind: "last"; all: boolean };

export interface FindOptions {
  /** `--last` without `--all` only considers sessions started in this directory. */
  cwd: string;
  /** Only archived (`true`) or only active (`false`) sessions; unset: either. */
  archived?: boolean;
}

/** A thread, `null` when nothing matches (the caller decides whether that is an error). */
export type FindResult = { ok: true; thread: StoredThread | null } | { ok: false; error: string };

/**
 * Finds a session as Codex does: a UUID is looked up as an id first, anything else (or a UUID
 * that is no id) as an exact thread name, newest first; `last` is the most recently updated one.
 */
export async function findSession(store: ThreadStore, ref: SessionRef, options: FindOptions): Promise<FindResult> {
  const wanted = (t: StoredThread) => options.archived === undefined || t.archived === options.archived;
  if (ref.kind === "last") {
    const page = await store.list({
      limit: 1,
      sortKey: "updated_at",
      sortDirection: "desc",
      archived: options.archived ?? false,
      ...(ref.all ? {} : { cwd: options.cwd }),
    });
    if (!page.ok) return { ok: false, error: page.error.message };
    return { ok: true, thread: page.value.data[0] ?? null };
  }
  if (isUuid(ref.id)) {
    const read = await store.read(ref.id);
    if (read.ok && wanted(read.value)) return { ok: true, thread: read.value };
    if (!read.ok && read.error.code !== "not_found") return { ok: false, error: read.error.message };
  }
  for (const archived of options.archived === undefined ? [false, true] : [options.archived]) {
    const page = await store.list({ searchTerm: ref.id, limit: 100, sortKey: "updated_at", archived });
    if (!page.ok) return { ok: false, error: page.error.message };
    const match = page.value.data.find((t) => t.name === ref.id);
    if (match) return { ok: true, thread: match };
  }
  return { ok: true, thread: null };
}
