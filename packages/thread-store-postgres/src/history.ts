/**
 * Writing whole histories: a new thread row with its lines (create, import, fork), and the fork cut
 * itself, which reuses `@codex-ts/rollout`'s `forkRollout` on a scratch copy so a fork of a remote
 * thread cuts exactly where a local fork does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type ForkPoint, forkRollout, rolloutFileName } from "@codex-ts/rollout";
import {
  fail,
  ok,
  readRolloutLines,
  type StoredGoal,
  type StoreResult,
  summarizeRolloutText,
  writeRolloutLines,
} from "@codex-ts/thread-store";
import type { Sql, TransactionSql } from "postgres";
import { searchText } from "./rows.js";

/** Store-owned facts of a thread that its history lines do not say. */
export interface ThreadExtras {
  name?: string | null;
  archived?: boolean;
  archivedAtMs?: number | null;
  updatedAtMs?: number;
  /** Overrides of what the lines say (create's params). */
  model?: string | null;
  reasoningEffort?: string | null;
  goal?: StoredGoal | null;
}

/** Lines per INSERT (3 parameters each, well under the protocol's 65,535). */
const CHUNK = 5000;

/**
 * Inserts a thread whose history is `lines` (exact texts, `session_meta` first); `already_exists`
 * when the id is taken. Metadata comes from the lines as the local index derives it.
 */
export async function insertThread(tx: TransactionSql, lines: readonly string[], extras: ThreadExtras): Promise<StoreResult<string>> {
  const summary = summarizeRolloutText(lines.join("\n"), null);
  if (!summary) return fail("invalid_argument", "the history does not start with a valid session_meta line");
  const name = extras.name ?? null;
  const archived = extras.archived ?? false;
  const inserted = await tx`
    INSERT INTO codex_threads (id, session_id, forked_from_id, parent_thread_id, preview, model_provider, model,
      reasoning_effort, created_at_ms, updated_at_ms, cwd, cli_version, source, source_kind, thread_source, originator,
      agent_nickname, agent_role, git_info, name, archived, archived_at_ms, line_count, search_text)
    VALUES (${summary.id}, ${summary.sessionId}, ${summary.forkedFromId}, ${summary.parentThreadId}, ${summary.preview},
      ${summary.modelProvider}, ${extras.model ?? summary.model}, ${extras.reasoningEffort ?? summary.reasoningEffort},
      ${summary.createdAtMs}, ${extras.updatedAtMs ?? summary.createdAtMs}, ${summary.cwd}, ${summary.cliVersion},
      ${tx.json(summary.source as never)}, ${summary.sourceKind}, ${summary.threadSource}, ${summary.originator},
      ${summary.agentNickname}, ${summary.agentRole}, ${summary.gitInfo ? tx.json(summary.gitInfo as never) : null},
      ${name}, ${archived}, ${archived ? (extras.archivedAtMs ?? Date.now()) : null}, ${lines.length},
      ${searchText(name, summary.preview)})
    ON CONFLICT (id) DO NOTHING RETURNING id`;
  if (inserted.length === 0) return fail("already_exists", `thread ${summary.id} already exists`);
  for (let start = 0; start < lines.length; start += CHUNK) {
    const rows = lines.slice(start, start + CHUNK).map((line, i) => ({ thread_id: summary.id, seq: start + i, line }));
    await tx`INSERT INTO codex_thread_lines ${tx(rows, "thread_id", "seq", "line")}`;
  }
  if (extras.goal) {
    await tx`INSERT INTO codex_thread_goals (thread_id, goal) VALUES (${summary.id}, ${tx.json(extras.goal as never)})`;
  }
  return ok(summary.id);
}

/** Every stored line of a thread, in order. */
export async function readLines(sql: Sql | TransactionSql, threadId: string): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`SELECT line FROM codex_thread_lines WHERE thread_id = ${threadId} ORDER BY seq`;
  return rows.map((r) => r.line);
}

/** The history of a fork of `lines` (the source's) up to `upTo`, under `newThreadId` or a fresh id. */
export async function forkLines(
  lines: readonly string[],
  source: { id: string; createdAtMs: number },
  options: { upTo?: ForkPoint; newThreadId?: string },
): Promise<StoreResult<string[]>> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "codex-ts-pg-fork-"));
  try {
    const sourcePath = path.join(scratch, rolloutFileName(source.id, new Date(source.createdAtMs)));
    await writeRolloutLines(sourcePath, lines);
    const forked = await forkRollout({
      sourcePath,
      codexHome: scratch,
      ...(options.upTo ? { upTo: options.upTo } : {}),
      ...(options.newThreadId ? { newThreadId: options.newThreadId } : {}),
    });
    if (!forked.ok) return fail(forked.error.code === "invalid" ? "invalid_argument" : "io", forked.error.message);
    return ok(await readRolloutLines(forked.value.path));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
