/**
 * {@link ThreadStore} on PostgreSQL, for a fleet of app-servers sharing threads: metadata, names,
 * archive state, goals and the search text in `codex_threads`; the history as exact rollout lines in
 * `codex_thread_lines` (append-only, ordered by seq); one live writer per thread via leases; other
 * servers' changes heard through LISTEN/NOTIFY.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { RolloutItem } from "@codex-ts/protocol";
import { newThreadId, parseRolloutText } from "@codex-ts/rollout";
import {
  applyLines,
  type CreateThreadParams,
  type ExportedThread,
  fail,
  type ForkThreadOptions,
  guarded,
  type ListThreadsParams,
  type LoadedThread,
  ok,
  type PersistenceMode,
  pageOf,
  parseCreateParams,
  parseListParams,
  redactUrl,
  rolloutLinesFor,
  type StoredGoal,
  type StoredThread,
  type StoreResult,
  sessionMetaFor,
  sessionMetaLine,
  type ThreadMetadataPatch,
  ThreadMetadataPatchSchema,
  type ThreadPage,
  type ThreadStore,
  type ThreadStoreEvent,
  validateAppendItems,
  validGoal,
} from "@codex-ts/thread-store";
import postgres, { type Sql, type TransactionSql } from "postgres";
import { announce, EventHub } from "./events.js";
import { forkLines, insertThread, type ThreadExtras, readLines } from "./history.js";
import { LeaseKeeper } from "./leases.js";
import { migrate } from "./migrations.js";
import { listRows, rowToThread, searchText, THREAD_COLUMNS, type ThreadRow } from "./rows.js";

export interface PostgresThreadStoreOptions {
  /** `postgres://user:password@host:port/database` (the `postgres` client's URL syntax, `?sslmode=…` included). */
  url: string;
  /** How long a writer lease lasts without a heartbeat (default 30 s; renewed every third of it). */
  leaseMs?: number;
  /**
   * A PostgreSQL schema to keep the tables in (created if missing; default: the connection's
   * `search_path`, normally `public`). Stores on different schemas of one database are separate.
   */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** This store's name in leases and events (default `host:pid:random`). */
  holderId?: string;
  /** Problems that are not any caller's error (a lease lost to a takeover, a listener failing). */
  onWarning?: (message: string) => void;
}

export const DEFAULT_LEASE_MS = 30_000;

export class PostgresThreadStore implements ThreadStore {
  readonly location = "remote" as const;
  readonly holderId: string;
  readonly #sql: Sql;
  readonly #leases: LeaseKeeper;
  readonly #events: EventHub;
  /** Who announces: this store, within its schema. */
  readonly #scope: { origin: string; schema: string };
  #closed = false;

  private constructor(sql: Sql, options: PostgresThreadStoreOptions) {
    this.#sql = sql;
    this.holderId = options.holderId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.#leases = new LeaseKeeper(sql, this.holderId, options.leaseMs ?? DEFAULT_LEASE_MS);
    this.#events = new EventHub(sql, this.holderId, options.schema ?? "");
    this.#scope = { origin: this.holderId, schema: options.schema ?? "" };
    const warn = options.onWarning ?? (() => undefined);
    this.#leases.onLost = (id) => warn(`thread ${id}: another app-server took over its writer lease`);
    this.#events.onError = warn;
  }

  /** Connects and applies the schema migrations this database lacks. */
  static async open(options: PostgresThreadStoreOptions): Promise<StoreResult<PostgresThreadStore>> {
    let sql: Sql | undefined;
    try {
      sql = postgres(options.url, {
        max: options.maxConnections ?? 10,
        onnotice: () => undefined,
        // bigint columns (unix ms) as numbers: they stay far below 2^53.
        types: { bigint: { to: 20, from: [20], serialize: (n: number) => String(n), parse: (s: string) => Number(s) } },
        connection: { application_name: "codex-ts", ...(options.schema ? { search_path: options.schema } : {}) },
      });
      const schema = options.schema;
      if (schema) {
        // Servers starting together would race on CREATE SCHEMA IF NOT EXISTS (a unique-key error
        // from pg_namespace): the first creates it under a lock keyed by the schema's name.
        await sql.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(hashtext(${schema}))`;
          await tx`CREATE SCHEMA IF NOT EXISTS ${tx(schema)}`;
        });
      }
      await migrate(sql);
      return ok(new PostgresThreadStore(sql, options));
    } catch (error) {
      await sql?.end({ timeout: 1 }).catch(() => undefined);
      return fail("io", `cannot open the PostgreSQL thread store at ${redactUrl(options.url)}: ${messageOf(error)}`);
    }
  }

  /** The pool, for tools and tests that inspect the database. */
  get sql(): Sql {
    return this.#sql;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#leases.close().catch(() => undefined);
    await this.#events.close();
    await this.#sql.end({ timeout: 5 });
  }

  /* ---------------------------------------------------------------- threads */

  async create(params: CreateThreadParams): Promise<StoreResult<StoredThread>> {
    const parsed = parseCreateParams(params);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    const createdAt = new Date(p.createdAtMs ?? Date.now());
    const id = p.id ?? newThreadId(createdAt);
    const line = sessionMetaLine(id, sessionMetaFor(p), createdAt);
    return this.#insert([line], { model: p.model ?? null, reasoningEffort: p.reasoningEffort ?? null });
  }

  async append(threadId: string, items: RolloutItem[], options: { mode?: PersistenceMode } = {}): Promise<StoreResult<StoredThread>> {
    const validated = validateAppendItems(items);
    if (!validated.ok) return validated;
    return this.#tx(async (tx) => {
      const [row] = await tx<ThreadRow[]>`SELECT ${tx.unsafe(THREAD_COLUMNS)} FROM codex_threads WHERE id = ${threadId} FOR UPDATE`;
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      if (row.archived) return fail("invalid_argument", `thread ${threadId} is archived; unarchive it first`);
      const held = await this.#heldElsewhere(tx, threadId);
      if (held) return held;
      const { kept, texts } = rolloutLinesFor(validated.value, options.mode ?? "limited", row.line_count);
      if (texts.length === 0) return ok(rowToThread(row));
      const rows = texts.map((line, i) => ({ thread_id: threadId, seq: row.line_count + i, line }));
      await tx`INSERT INTO codex_thread_lines ${tx(rows, "thread_id", "seq", "line")}`;
      const fields = { preview: row.preview, model: row.model, reasoningEffort: row.reasoning_effort };
      applyLines(fields, kept);
      const [updated] = await tx<ThreadRow[]>`
        UPDATE codex_threads SET line_count = line_count + ${texts.length}, updated_at_ms = ${Date.now()},
          preview = ${fields.preview}, model = ${fields.model}, reasoning_effort = ${fields.reasoningEffort},
          search_text = ${searchText(row.name, fields.preview)}
        WHERE id = ${threadId} RETURNING ${tx.unsafe(THREAD_COLUMNS)}`;
      return ok(rowToThread(updated!));
    });
  }

  async read(threadId: string): Promise<StoreResult<StoredThread>> {
    return guarded(async () => {
      const row = await this.#row(this.#sql, threadId);
      return row ? ok(rowToThread(row)) : fail("not_found", `thread not found: ${threadId}`);
    });
  }

  async list(params: ListThreadsParams = {}): Promise<StoreResult<ThreadPage>> {
    const parsed = parseListParams(params);
    if (!parsed.ok) return parsed;
    const q = parsed.value;
    return guarded(async () => ok(pageOf((await listRows(this.#sql, q)).map(rowToThread), q)));
  }

  async setName(threadId: string, name: string | null): Promise<StoreResult<StoredThread>> {
    if (name !== null && typeof name !== "string") return fail("invalid_argument", "name must be a string or null");
    return this.updateMetadata(threadId, { name });
  }

  async updateMetadata(threadId: string, patch: ThreadMetadataPatch): Promise<StoreResult<StoredThread>> {
    const parsed = ThreadMetadataPatchSchema.safeParse(patch);
    if (!parsed.success) return fail("invalid_argument", `invalid metadata: ${parsed.error.message}`);
    const p = parsed.data;
    return this.#tx(async (tx) => {
      const row = await this.#row(tx, threadId, true);
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      const pick = <T>(value: T | undefined, current: T) => (value === undefined ? current : value);
      const trimmed = typeof p.name === "string" ? p.name.trim() : p.name;
      const name = trimmed === undefined ? row.name : trimmed === "" ? null : trimmed;
      const preview = p.preview === undefined ? row.preview : (p.preview ?? "");
      const gitInfo = pick(p.gitInfo, row.git_info);
      const [updated] = await tx<ThreadRow[]>`
        UPDATE codex_threads SET name = ${name}, preview = ${preview}, model = ${pick(p.model, row.model)},
          reasoning_effort = ${pick(p.reasoningEffort, row.reasoning_effort)},
          git_info = ${gitInfo ? tx.json(gitInfo as never) : null}, search_text = ${searchText(name, preview)}
        WHERE id = ${threadId} RETURNING ${tx.unsafe(THREAD_COLUMNS)}`;
      if (p.name !== undefined) await announce(tx, this.#scope, { type: "name_updated", threadId, name });
      return ok(rowToThread(updated!));
    });
  }

  async archive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.#setArchived(threadId, true);
  }

  async unarchive(threadId: string): Promise<StoreResult<StoredThread>> {
    return this.#setArchived(threadId, false);
  }

  async #setArchived(threadId: string, archived: boolean): Promise<StoreResult<StoredThread>> {
    return this.#tx(async (tx) => {
      const row = await this.#row(tx, threadId, true);
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      if (row.archived === archived) return ok(rowToThread(row));
      const held = await this.#heldElsewhere(tx, threadId);
      if (held) return held;
      const [updated] = await tx<ThreadRow[]>`
        UPDATE codex_threads SET archived = ${archived}, archived_at_ms = ${archived ? Date.now() : null}
        WHERE id = ${threadId} RETURNING ${tx.unsafe(THREAD_COLUMNS)}`;
      await announce(tx, this.#scope, { type: archived ? "archived" : "unarchived", threadId });
      return ok(rowToThread(updated!));
    });
  }

  async delete(threadId: string): Promise<StoreResult<void>> {
    return this.#tx(async (tx) => {
      const row = await this.#row(tx, threadId, true);
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      const held = await this.#heldElsewhere(tx, threadId);
      if (held) return held;
      await tx`DELETE FROM codex_threads WHERE id = ${threadId}`;
      return ok(undefined);
    });
  }

  async load(threadId: string): Promise<StoreResult<LoadedThread>> {
    return this.#tx(async (tx) => {
      const row = await this.#row(tx, threadId);
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      const lines = await readLines(tx, threadId);
      const contents = parseRolloutText(lines.length > 0 ? `${lines.join("\n")}\n` : "");
      return ok({
        thread: rowToThread(row),
        lines: contents.lines,
        skippedLines: contents.skipped.length,
        truncatedTail: contents.truncatedTail,
      });
    });
  }

  async fork(threadId: string, options: ForkThreadOptions = {}): Promise<StoreResult<StoredThread>> {
    const source = await this.exportThread(threadId);
    if (!source.ok) return source;
    const forked = await guarded(() => forkLines(source.value.lines, source.value.thread, options));
    if (!forked.ok) return forked;
    return this.#insert(forked.value, {});
  }

  /* ---------------------------------------------------------------- leases, events, goals */

  async claim(threadId: string): Promise<StoreResult<void>> {
    return guarded(async () => {
      if (!(await this.#row(this.#sql, threadId))) return fail("not_found", `thread not found: ${threadId}`);
      return this.#leases.claim(threadId);
    });
  }

  async release(threadId: string): Promise<void> {
    await this.#leases.release(threadId).catch(() => undefined);
  }

  /** Whether this store holds the thread's writer lease (as far as it knows). */
  holds(threadId: string): boolean {
    return this.#leases.holds(threadId);
  }

  subscribe(listener: (event: ThreadStoreEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Resolves once `subscribe`'s listening connection is up. */
  listening(): Promise<void> {
    return this.#events.ready();
  }

  async getGoal(threadId: string): Promise<StoreResult<StoredGoal | null>> {
    return guarded(async () => {
      if (!(await this.#row(this.#sql, threadId))) return fail("not_found", `thread not found: ${threadId}`);
      const [row] = await this.#sql<{ goal: StoredGoal }[]>`SELECT goal FROM codex_thread_goals WHERE thread_id = ${threadId}`;
      return ok(row?.goal ?? null);
    });
  }

  async setGoal(threadId: string, goal: StoredGoal): Promise<StoreResult<StoredGoal>> {
    const valid = validGoal(threadId, goal);
    if (!valid.ok) return valid;
    return this.#tx(async (tx) => {
      if (!(await this.#row(tx, threadId))) return fail("not_found", `thread not found: ${threadId}`);
      await tx`INSERT INTO codex_thread_goals (thread_id, goal) VALUES (${threadId}, ${tx.json(valid.value as never)})
        ON CONFLICT (thread_id) DO UPDATE SET goal = excluded.goal`;
      await announce(tx, this.#scope, { type: "goal_updated", threadId, goal: valid.value });
      return ok(valid.value);
    });
  }

  async clearGoal(threadId: string): Promise<StoreResult<boolean>> {
    return this.#tx(async (tx) => {
      if (!(await this.#row(tx, threadId))) return fail("not_found", `thread not found: ${threadId}`);
      const gone = await tx`DELETE FROM codex_thread_goals WHERE thread_id = ${threadId} RETURNING thread_id`;
      if (gone.length > 0) await announce(tx, this.#scope, { type: "goal_cleared", threadId });
      return ok(gone.length > 0);
    });
  }

  /* ---------------------------------------------------------------- export / import */

  async exportThread(threadId: string): Promise<StoreResult<ExportedThread>> {
    return this.#tx(async (tx) => {
      const row = await this.#row(tx, threadId);
      if (!row) return fail("not_found", `thread not found: ${threadId}`);
      const lines = await readLines(tx, threadId);
      const [goal] = await tx<{ goal: StoredGoal }[]>`SELECT goal FROM codex_thread_goals WHERE thread_id = ${threadId}`;
      return ok({ thread: rowToThread(row), goal: goal?.goal ?? null, lines });
    });
  }

  async importThread(exported: ExportedThread): Promise<StoreResult<StoredThread>> {
    const { thread } = exported;
    if (!Array.isArray(exported.lines) || exported.lines.some((l) => typeof l !== "string"))
      return fail("invalid_argument", "lines must be an array of strings");
    const goal = exported.goal ? validGoal(thread.id, exported.goal) : null;
    if (goal && !goal.ok) return goal;
    const header = parseRolloutText(`${exported.lines[0] ?? ""}\n`).meta;
    if (header?.id !== thread.id) return fail("invalid_argument", `thread ${thread.id}: the first line is not its session_meta`);
    return this.#insert(exported.lines, {
      name: thread.name,
      archived: thread.archived,
      archivedAtMs: thread.archivedAtMs,
      updatedAtMs: thread.updatedAtMs,
      goal: goal?.value ?? null,
    });
  }

  /* ---------------------------------------------------------------- helpers */

  async #insert(lines: readonly string[], extras: ThreadExtras): Promise<StoreResult<StoredThread>> {
    return this.#tx(async (tx) => {
      const inserted = await insertThread(tx, lines, extras);
      if (!inserted.ok) return inserted;
      return ok(rowToThread((await this.#row(tx, inserted.value))!));
    });
  }

  async #row(sql: Sql | TransactionSql, threadId: string, forUpdate = false): Promise<ThreadRow | undefined> {
    if (typeof threadId !== "string" || threadId === "") return undefined;
    const [row] = await sql<ThreadRow[]>`SELECT ${sql.unsafe(THREAD_COLUMNS)} FROM codex_threads WHERE id = ${threadId}
      ${forUpdate ? sql`FOR UPDATE` : sql``}`;
    return row;
  }

  /**
   * `conflict` when another server holds an unexpired writer lease. Locks the lease row, so a
   * takeover (which updates it) waits for this transaction: lines appended here are in the new
   * holder's history, and none are appended after it took over.
   */
  async #heldElsewhere(tx: TransactionSql, threadId: string): Promise<StoreResult<never> | null> {
    const [lease] = await tx<{ holder: string; live: boolean; expires_at: Date }[]>`
      SELECT holder, expires_at > now() AS live, expires_at FROM codex_thread_leases WHERE thread_id = ${threadId} FOR UPDATE`;
    if (!lease || lease.holder === this.holderId || !lease.live) return null;
    return fail(
      "conflict",
      `thread ${threadId} is open for writing on another app-server (${lease.holder}) until ${lease.expires_at.toISOString()}`,
    );
  }

  async #tx<T>(run: (tx: TransactionSql) => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    return guarded(async () => {
      // A failed result rolls the transaction back (nothing half-done stays).
      let result: StoreResult<T> | undefined;
      try {
        await this.#sql.begin(async (tx) => {
          result = await run(tx);
          if (!result.ok) throw ROLLBACK;
        });
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      }
      return result!;
    });
  }
}

const ROLLBACK = Symbol("rollback");

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
