/** Rows of `codex_threads` ↔ `StoredThread`, and the list query. */
import type { ListQuery, StoredGitInfo, StoredThread, ThreadSourceKind } from "@codex-ts/thread-store";
import type { Sql } from "postgres";

export interface ThreadRow {
  id: string;
  session_id: string;
  forked_from_id: string | null;
  parent_thread_id: string | null;
  preview: string;
  model_provider: string;
  model: string | null;
  reasoning_effort: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  cwd: string;
  cli_version: string;
  source: unknown;
  source_kind: string;
  thread_source: string | null;
  originator: string | null;
  agent_nickname: string | null;
  agent_role: string | null;
  git_info: StoredGitInfo | null;
  name: string | null;
  archived: boolean;
  archived_at_ms: number | null;
  line_count: number;
}

/** The columns a `StoredThread` is read from (everything but the search text). */
export const THREAD_COLUMNS = `id, session_id, forked_from_id, parent_thread_id, preview, model_provider, model,
  reasoning_effort, created_at_ms, updated_at_ms, cwd, cli_version, source, source_kind, thread_source, originator,
  agent_nickname, agent_role, git_info, name, archived, archived_at_ms, line_count`;

export function rowToThread(row: ThreadRow): StoredThread {
  return {
    id: row.id,
    sessionId: row.session_id,
    forkedFromId: row.forked_from_id,
    parentThreadId: row.parent_thread_id,
    preview: row.preview,
    modelProvider: row.model_provider,
    model: row.model,
    reasoningEffort: row.reasoning_effort,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    // No file: the history is in the database.
    path: null,
    cwd: row.cwd,
    cliVersion: row.cli_version,
    source: row.source,
    sourceKind: row.source_kind as ThreadSourceKind,
    threadSource: row.thread_source,
    originator: row.originator,
    agentNickname: row.agent_nickname,
    agentRole: row.agent_role,
    gitInfo: row.git_info,
    name: row.name,
    archived: row.archived,
    archivedAtMs: row.archived_at_ms,
  };
}

/** What search matches: the case-folded name and preview (folded here, not by the database's locale). */
export function searchText(name: string | null, preview: string): string {
  return `${(name ?? "").toLowerCase()}\n${preview.toLowerCase()}`;
}

/** Up to `limit + 1` rows of one page in keyset order `(sort value, id)`. */
export async function listRows(sql: Sql, q: ListQuery): Promise<ThreadRow[]> {
  const column = sql.unsafe(q.sortKey === "updated_at" ? "updated_at_ms" : "created_at_ms");
  const dir = sql.unsafe(q.direction === "desc" ? "DESC" : "ASC");
  const op = sql.unsafe(q.direction === "desc" ? "<" : ">");
  const none = sql``;
  return sql<ThreadRow[]>`
    SELECT ${sql.unsafe(THREAD_COLUMNS)} FROM codex_threads
    WHERE archived = ${q.archived}
      ${q.cwds ? sql`AND cwd IN ${sql(q.cwds)}` : none}
      ${q.modelProviders ? sql`AND model_provider IN ${sql(q.modelProviders)}` : none}
      ${q.sourceKinds ? sql`AND source_kind IN ${sql(q.sourceKinds)}` : none}
      ${q.excludedIds ? sql`AND id NOT IN ${sql(q.excludedIds)}` : none}
      ${q.searchTerm ? sql`AND strpos(search_text, ${q.searchTerm.toLowerCase()}) > 0` : none}
      ${q.after ? sql`AND (${column}, id) ${op} (${q.after.value}, ${q.after.id})` : none}
    ORDER BY ${column} ${dir}, id ${dir}
    LIMIT ${q.limit + 1}`;
}
