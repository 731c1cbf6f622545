/**
 * The local store's goals and its export/import format, kept beside (not inside) the store: goals
 * live in a table of the sqlite index (like names, they are store metadata and never written into
 * the rollout), and an export is the rollout file's lines verbatim.
 */
import { open, readFile } from "node:fs/promises";
import { v2 } from "@codex-ts/protocol";
import type Database from "better-sqlite3";
import { fail, ok, type StoredGoal, type StoreResult } from "./types.js";

/** Thread goals in the index database (`thread_goals`, created on first use). */
export class LocalGoals {
  readonly #db: () => Database.Database;
  #ready: Database.Database | null = null;

  constructor(db: () => Database.Database) {
    this.#db = db;
  }

  #table(): Database.Database {
    const db = this.#db();
    if (this.#ready !== db) {
      db.exec("CREATE TABLE IF NOT EXISTS thread_goals (thread_id TEXT PRIMARY KEY, goal_json TEXT NOT NULL)");
      this.#ready = db;
    }
    return db;
  }

  get(threadId: string): StoredGoal | null {
    const row = this.#table().prepare("SELECT goal_json FROM thread_goals WHERE thread_id = ?").get(threadId) as
      | { goal_json: string }
      | undefined;
    if (!row) return null;
    const parsed = v2.ThreadGoal.safeParse(JSON.parse(row.goal_json));
    return parsed.success ? parsed.data : null;
  }

  set(threadId: string, goal: StoredGoal): void {
    this.#table()
      .prepare(
        "INSERT INTO thread_goals (thread_id, goal_json) VALUES (?, ?) ON CONFLICT(thread_id) DO UPDATE SET goal_json = excluded.goal_json",
      )
      .run(threadId, JSON.stringify(goal));
  }

  clear(threadId: string): boolean {
    return this.#table().prepare("DELETE FROM thread_goals WHERE thread_id = ?").run(threadId).changes > 0;
  }
}

/** A goal checked against the v2 schema and bound to its thread. */
export function validGoal(threadId: string, goal: unknown): StoreResult<StoredGoal> {
  const parsed = v2.ThreadGoal.safeParse(goal);
  if (!parsed.success) return fail("invalid_argument", `invalid goal: ${parsed.error.message}`);
  if (parsed.data.threadId !== threadId) {
    return fail("invalid_argument", `goal.threadId ${parsed.data.threadId} does not match thread ${threadId}`);
  }
  return ok(parsed.data);
}

/** The complete lines of a rollout file, verbatim (a torn last line left by a crash is not one). */
export async function readRolloutLines(file: string): Promise<string[]> {
  const lines = (await readFile(file, "utf8")).split("\n");
  lines.pop();
  return lines;
}

/** Writes a new rollout file from verbatim lines; fails if it exists. */
export async function writeRolloutLines(file: string, lines: readonly string[]): Promise<void> {
  const handle = await open(file, "wx", 0o600);
  try {
    await handle.appendFile(lines.map((line) => `${line}\n`).join(""), "utf8");
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
