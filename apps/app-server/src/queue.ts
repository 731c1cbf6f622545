/**
 * Queued messages: Codex 0.169's durable per-thread queue, `CODEX_HOME/queue_1.sqlite`.
 *
 * The same file, tables and payload as real Codex (its `queued_items` rows hold
 * `{"UserInput":{"content":[…],"client_id":…}}`), and the same sqlx migration records, so a
 * message queued by `codex-ts queue` is run by real Codex and one queued by `codex queue` is run
 * by codex-ts. Writers and readers in other processes find changes through
 * `queued_thread_revisions` (bumped by triggers on every insert/update/delete) and sqlite's
 * `PRAGMA data_version`.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { UserInput } from "@codex-ts/protocol";
import { newThreadId } from "@codex-ts/rollout";

export const QUEUE_DB_FILE = "queue_1.sqlite";
/** Codex refuses a 101st queued submission for one thread. */
export const MAX_QUEUED_PER_THREAD = 100;

/** One queued submission as stored. `input` is null for payload kinds codex-ts does not know. */
export interface QueuedItem {
  id: string;
  threadId: string;
  order: number;
  createdAtMs: number;
  clientId: string;
  input: UserInput[] | null;
  /** Responses API client metadata kept with the input, when the submitter gave some. */
  metadata: Record<string, string> | null;
}

export class QueueFullError extends Error {
  constructor(threadId: string) {
    super(`thread ${threadId} already has ${MAX_QUEUED_PER_THREAD} queued messages`);
  }
}

/*
 * Codex creates the database with sqlx migrations: the records below (version, description and the
 * SHA-384 checksum of each migration's SQL) let real Codex open a file codex-ts created without
 * re-running them. The statements create the tables as Codex's migrations do.
 */
const MIGRATIONS: { version: number; description: string; checksum: string; sql: string }[] = [
  {
    version: 1,
    description: "queued items",
    checksum: "CEA113C9A74FE4ED12CF41951B57C66CA375A14A722AC28D41BC06A096ED3E1D777AC0710C5377E8CD75F645C99CA03C",
    sql: `CREATE TABLE queued_items (
    id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    queue_order INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX queued_items_thread_order_idx
    ON queued_items(thread_id, queue_order);`,
  },
  {
    version: 2,
    description: "queued thread revisions",
    checksum: "983A2B17B454FEB00D7C221D7F556E900E7F9ADE4AEF395E854ED9093FA21237FD3FD93F99C66758B489C0F376F56570",
    sql: `CREATE TABLE queued_thread_revisions (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id TEXT NOT NULL UNIQUE
);
${["INSERT", "UPDATE", "DELETE"]
  .map(
    (event) => `CREATE TRIGGER queued_items_revision_after_${event.toLowerCase()}
AFTER ${event} ON queued_items
BEGIN
    INSERT INTO queued_thread_revisions (thread_id)
    VALUES (${event === "DELETE" ? "OLD" : "NEW"}.thread_id)
    ON CONFLICT(thread_id) DO UPDATE
    SET revision = (SELECT COALESCE(MAX(revision), 0) + 1 FROM queued_thread_revisions);
END;`,
  )
  .join("\n")}`,
  },
];

/** The few better-sqlite3 calls used here (the package ships no types to this workspace). */
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Db {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple: boolean }): unknown;
  transaction<T>(fn: () => T): () => T;
  close(): void;
}

let sqlite: (new (file: string) => Db) | undefined;
function openDb(file: string): Db {
  sqlite ??= createRequire(import.meta.url)("better-sqlite3") as new (file: string) => Db;
  return new sqlite(file);
}

interface Row {
  id: string;
  thread_id: string;
  payload_json: string;
  queue_order: number;
  created_at_ms: number;
}

/** The durable queue of one CODEX_HOME. Synchronous (better-sqlite3); every method may throw on I/O errors. */
export class QueueStore {
  private constructor(private readonly db: Db) {}

  /** Opens (creating when missing) `CODEX_HOME/queue_1.sqlite`. */
  static open(codexHome: string): QueueStore {
    mkdirSync(codexHome, { recursive: true });
    const db = openDb(path.join(codexHome, QUEUE_DB_FILE));
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("busy_timeout = 5000");
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new QueueStore(db);
  }

  /** Appends a submission at the end of the thread's queue; its id is a fresh UUID v7. */
  add(threadId: string, input: UserInput[], options: { clientId?: string; metadata?: Record<string, string> | null } = {}): QueuedItem {
    const now = Date.now();
    const item: QueuedItem = {
      id: newThreadId(),
      threadId,
      order: 0,
      createdAtMs: now,
      clientId: options.clientId ?? newThreadId(),
      input,
      metadata: options.metadata && Object.keys(options.metadata).length > 0 ? options.metadata : null,
    };
    this.db.transaction(() => {
      const stats = this.db
        .prepare("SELECT COUNT(*) AS n, COALESCE(MAX(queue_order), -1) AS last FROM queued_items WHERE thread_id = ?")
        .get(threadId) as { n: number; last: number };
      if (stats.n >= MAX_QUEUED_PER_THREAD) throw new QueueFullError(threadId);
      item.order = stats.last + 1;
      this.db
        .prepare(
          "INSERT INTO queued_items (id, thread_id, payload_json, queue_order, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(item.id, threadId, encodePayload(item), item.order, now, now);
    })();
    return item;
  }

  /** The thread's queue, first to run first. */
  list(threadId: string): QueuedItem[] {
    const rows = this.db
      .prepare("SELECT id, thread_id, payload_json, queue_order, created_at_ms FROM queued_items WHERE thread_id = ? ORDER BY queue_order")
      .all(threadId) as Row[];
    return rows.map(fromRow);
  }

  /** The next submission to run, or undefined. */
  head(threadId: string): QueuedItem | undefined {
    return this.list(threadId)[0];
  }

  /** Removes one submission; false when it was not there (already taken by another process). */
  remove(threadId: string, id: string): boolean {
    return this.db.prepare("DELETE FROM queued_items WHERE thread_id = ? AND id = ?").run(threadId, id).changes > 0;
  }

  /** Replaces a submission's input (keeping its place and client id); the updated item or undefined. */
  update(threadId: string, id: string, input: UserInput[], metadata?: Record<string, string> | null): QueuedItem | undefined {
    const current = this.list(threadId).find((i) => i.id === id);
    if (!current) return undefined;
    const next: QueuedItem = { ...current, input, metadata: metadata && Object.keys(metadata).length > 0 ? metadata : current.metadata };
    this.db
      .prepare("UPDATE queued_items SET payload_json = ?, updated_at_ms = ? WHERE thread_id = ? AND id = ?")
      .run(encodePayload(next), Date.now(), threadId, id);
    return next;
  }

  /** Puts the thread's submissions in the given order (every id exactly once). False when the ids do not match the queue. */
  reorder(threadId: string, ids: readonly string[]): boolean {
    const current = this.list(threadId);
    if (ids.length !== current.length || new Set(ids).size !== ids.length || !current.every((i) => ids.includes(i.id))) return false;
    const now = Date.now();
    this.db.transaction(() => {
      // Two passes: the unique (thread_id, queue_order) index forbids a swap in place.
      const park = this.db.prepare("UPDATE queued_items SET queue_order = ? WHERE thread_id = ? AND id = ?");
      for (const [i, id] of ids.entries()) park.run(-1 - i, threadId, id);
      const place = this.db.prepare("UPDATE queued_items SET queue_order = ?, updated_at_ms = ? WHERE thread_id = ? AND id = ?");
      for (const [i, id] of ids.entries()) place.run(i, now, threadId, id);
    })();
    return true;
  }

  /** The thread's queue revision (0 when it was never queued to). */
  revision(threadId: string): number {
    const row = this.db.prepare("SELECT revision FROM queued_thread_revisions WHERE thread_id = ?").get(threadId) as
      | { revision: number }
      | undefined;
    return row?.revision ?? 0;
  }

  /** sqlite's data_version: changes when another connection (process) committed to the file. */
  dataVersion(): number {
    return Number(this.db.pragma("data_version", { simple: true }));
  }

  close(): void {
    this.db.close();
  }
}

function migrate(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)`);
  const applied = new Set((db.prepare("SELECT version FROM _sqlx_migrations WHERE success").all() as { version: number }[]).map((r) => Number(r.version)));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    const started = process.hrtime.bigint();
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (?, ?, 1, ?, ?)").run(
        m.version,
        m.description,
        Buffer.from(m.checksum, "hex"),
        Number(process.hrtime.bigint() - started),
      );
    })();
  }
}

function encodePayload(item: QueuedItem): string {
  const body: Record<string, unknown> = { content: item.input ?? [], client_id: item.clientId };
  if (item.metadata) body.responsesapi_client_metadata = item.metadata;
  return JSON.stringify({ UserInput: body });
}

function fromRow(row: Row): QueuedItem {
  let input: UserInput[] | null = null;
  let clientId = row.id;
  let metadata: Record<string, string> | null = null;
  try {
    const payload = JSON.parse(row.payload_json) as { UserInput?: { content?: unknown; client_id?: unknown; responsesapi_client_metadata?: unknown } };
    const body = payload.UserInput;
    if (body && Array.isArray(body.content)) {
      input = body.content as UserInput[];
      if (typeof body.client_id === "string") clientId = body.client_id;
      if (body.responsesapi_client_metadata && typeof body.responsesapi_client_metadata === "object") {
        metadata = body.responsesapi_client_metadata as Record<string, string>;
      }
    }
  } catch {
    // A payload that does not parse stays listed with no input; it is never run.
  }
  return { id: row.id, threadId: row.thread_id, order: row.queue_order, createdAtMs: row.created_at_ms, clientId, input, metadata };
}
