/**
 * Versioned schema migrations, applied in order on open. Concurrent openers (a fleet starting at
 * once) serialize on an advisory lock, and each version is applied in its own transaction and
 * recorded in `codex_ts_schema_migrations`, so a migration runs exactly once per database.
 * Append new versions at the end; never edit one that has shipped.
 */
import type { Sql } from "postgres";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "threads, items, goals, leases",
    sql: `
CREATE TABLE codex_threads (
  -- Byte order (C collation): keyset pages order ties by id the same way on every server.
  id text COLLATE "C" PRIMARY KEY,
  session_id text NOT NULL,
  forked_from_id text,
  parent_thread_id text,
  preview text NOT NULL DEFAULT '',
  model_provider text NOT NULL,
  model text,
  reasoning_effort text,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  cwd text NOT NULL,
  cli_version text NOT NULL,
  source jsonb NOT NULL,
  source_kind text NOT NULL,
  thread_source text,
  originator text,
  agent_nickname text,
  agent_role text,
  git_info jsonb,
  name text,
  archived boolean NOT NULL DEFAULT false,
  archived_at_ms bigint,
  -- Number of history lines; the next line's seq (and rollout ordinal).
  line_count integer NOT NULL DEFAULT 0,
  -- Case-folded (JavaScript toLowerCase, locale-independent) name + newline + preview, for search.
  search_text text NOT NULL DEFAULT ''
);
CREATE INDEX codex_threads_by_created ON codex_threads (archived, created_at_ms, id);
CREATE INDEX codex_threads_by_updated ON codex_threads (archived, updated_at_ms, id);
CREATE INDEX codex_threads_by_cwd ON codex_threads (cwd);

-- History: one row per rollout line, the exact JSON text, append-only, ordered by seq.
CREATE TABLE codex_thread_lines (
  thread_id text NOT NULL REFERENCES codex_threads(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  line text NOT NULL,
  PRIMARY KEY (thread_id, seq)
);

CREATE TABLE codex_thread_goals (
  thread_id text PRIMARY KEY REFERENCES codex_threads(id) ON DELETE CASCADE,
  goal jsonb NOT NULL
);

-- One live writer per thread: the holder renews expires_at while it has the thread loaded.
CREATE TABLE codex_thread_leases (
  thread_id text PRIMARY KEY REFERENCES codex_threads(id) ON DELETE CASCADE,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
  },
];

/** An arbitrary constant: the advisory lock key that serializes migrations across the fleet. */
const MIGRATION_LOCK_KEY = 0x636f6465; // "code"

/** Applies the migrations this database lacks; returns the versions applied now. */
export async function migrate(sql: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  await sql.begin(async (tx) => {
    // One lock per schema: stores on different schemas migrate independently.
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}, hashtext(current_schema()))`;
    await tx`CREATE TABLE IF NOT EXISTS codex_ts_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const rows = await tx<{ version: number }[]>`SELECT version FROM codex_ts_schema_migrations`;
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(`the database schema is at version ${newest}, newer than this codex-ts knows (${known}); upgrade codex-ts`);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO codex_ts_schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
  });
  return applied;
}
