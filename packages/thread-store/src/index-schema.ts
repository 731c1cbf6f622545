/**
 * The index's tables (schema version {@link INDEX_SCHEMA_VERSION}) and how a row of them reads as
 * a {@link StoredThread}: the rollout-derived columns, overlaid by the store-owned `thread_meta`.
 */
import * as z from "zod";
import type { StoredGitInfo, StoredThread, ThreadSourceKind } from "./types.js";

/** Bump when the schema changes: an index with another version is dropped and rebuilt. */
export const INDEX_SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE threads (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  dir TEXT NOT NULL,
  archived INTEGER NOT NULL,
  archived_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  file_mtime_ms INTEGER NOT NULL,
  file_size INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  cwd TEXT NOT NULL,
  preview TEXT NOT NULL,
  model_provider TEXT NOT NULL,
  model TEXT,
  reasoning_effort TEXT,
  cli_version TEXT NOT NULL,
  originator TEXT,
  source_json TEXT NOT NULL,
  source_kind TEXT NOT NULL,
  thread_source TEXT,
  forked_from_id TEXT,
  parent_thread_id TEXT,
  agent_nickname TEXT,
  agent_role TEXT,
  git_json TEXT
);
CREATE INDEX threads_by_created ON threads(archived, created_at_ms, id);
CREATE INDEX threads_by_updated ON threads(archived, updated_at_ms, id);
CREATE INDEX threads_by_dir ON threads(dir);
CREATE INDEX threads_by_cwd ON threads(cwd);
CREATE INDEX threads_by_mtime ON threads(file_mtime_ms);
-- Metadata owned by the store (not in rollout files): the name and caller overrides.
CREATE TABLE thread_meta (
  thread_id TEXT PRIMARY KEY,
  name TEXT,
  preview TEXT,
  model TEXT,
  reasoning_effort TEXT,
  git_json TEXT
);
-- Directories already reconciled, with the mtime they had then.
CREATE TABLE scan_dirs (
  dir TEXT PRIMARY KEY,
  mtime_ms INTEGER NOT NULL
);
`;

const GitJson = z.object({ sha: z.string().nullable(), branch: z.string().nullable(), originUrl: z.string().nullable() });

/** Selects a thread row with its store metadata (`meta_*`); add a WHERE clause. */
export const SELECT_THREAD = `
SELECT t.*, m.name AS meta_name, m.preview AS meta_preview, m.model AS meta_model,
       m.reasoning_effort AS meta_effort, m.git_json AS meta_git
FROM threads t LEFT JOIN thread_meta m ON m.thread_id = t.id`;

export interface ThreadRow {
  id: string;
  path: string;
  archived: number;
  archived_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
  session_id: string;
  cwd: string;
  preview: string;
  model_provider: string;
  model: string | null;
  reasoning_effort: string | null;
  cli_version: string;
  originator: string | null;
  source_json: string;
  source_kind: string;
  thread_source: string | null;
  forked_from_id: string | null;
  parent_thread_id: string | null;
  agent_nickname: string | null;
  agent_role: string | null;
  git_json: string | null;
  meta_name: string | null;
  meta_preview: string | null;
  meta_model: string | null;
  meta_effort: string | null;
  meta_git: string | null;
}

export function rowToThread(row: ThreadRow): StoredThread {
  return {
    id: row.id,
    sessionId: row.session_id,
    forkedFromId: row.forked_from_id,
    parentThreadId: row.parent_thread_id,
    preview: row.meta_preview ?? row.preview,
    modelProvider: row.model_provider,
    model: row.meta_model ?? row.model,
    reasoningEffort: row.meta_effort ?? row.reasoning_effort,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    path: row.path,
    cwd: row.cwd,
    cliVersion: row.cli_version,
    source: safeJson(row.source_json),
    sourceKind: row.source_kind as ThreadSourceKind,
    threadSource: row.thread_source,
    originator: row.originator,
    agentNickname: row.agent_nickname,
    agentRole: row.agent_role,
    gitInfo: parseGit(row.meta_git ?? row.git_json),
    name: row.meta_name,
    archived: row.archived === 1,
    archivedAtMs: row.archived_at_ms,
  };
}

function parseGit(json: string | null): StoredGitInfo | null {
  if (json === null) return null;
  const parsed = GitJson.safeParse(safeJson(json));
  return parsed.success ? parsed.data : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
