/**
 * What every {@link ThreadStore} implementation does the same way: validating appended items and
 * list parameters, building the `session_meta` header and the rollout lines, and cutting pages.
 * The local store and the PostgreSQL store both use these, so the two answer alike.
 */
import {
  formatRolloutTimestamp,
  parseRolloutLine,
  type RolloutItem,
  type RolloutLine,
  type SessionMeta,
  serializeRolloutLine,
} from "@codex-ts/protocol";
import { type PersistenceMode, prepareForPersistence, shouldPersistRolloutItem } from "@codex-ts/rollout";
import * as z from "zod";
import { decodeCursor, encodeCursor } from "./cursor.js";
import {
  type CreateThreadParams,
  CreateThreadParamsSchema,
  fail,
  type ListThreadsParams,
  ListThreadsParamsSchema,
  ok,
  type SortDirection,
  type StoredThread,
  type StoreResult,
  type ThreadPage,
  type ThreadSortKey,
  type ThreadSourceKind,
} from "./types.js";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

/** Rollout items checked against the protocol's rollout schemas; `session_meta` is refused (create writes it). */
export function validateAppendItems(items: unknown): StoreResult<RolloutItem[]> {
  if (!Array.isArray(items)) return fail("invalid_argument", "items must be an array");
  const valid: RolloutItem[] = [];
  for (const [i, item] of items.entries()) {
    const parsed = parseRolloutLine({ timestamp: "1970-01-01T00:00:00.000Z", ...(item as object) });
    if (parsed.kind !== "line") return fail("invalid_argument", `items[${i}]: ${parsed.reason}`);
    if (parsed.line.type === "session_meta")
      return fail("invalid_argument", `items[${i}]: session_meta is written by create`);
    valid.push({ type: parsed.line.type, payload: parsed.line.payload } as RolloutItem);
  }
  return ok(valid);
}

/**
 * The rollout lines (canonical text, no newline) that appending `items` in `mode` writes, numbered
 * from `firstOrdinal`: the persistence policy drops or trims items exactly as `RolloutWriter` does.
 */
export function rolloutLinesFor(
  items: readonly RolloutItem[],
  mode: PersistenceMode,
  firstOrdinal: number,
  now: Date = new Date(),
): { kept: RolloutItem[]; texts: string[] } {
  const kept: RolloutItem[] = [];
  const texts: string[] = [];
  const timestamp = formatRolloutTimestamp(now);
  for (const item of items) {
    if (!shouldPersistRolloutItem(item, mode)) continue;
    const prepared = prepareForPersistence(item);
    kept.push(prepared);
    texts.push(serializeRolloutLine({ timestamp, ordinal: firstOrdinal + texts.length, ...prepared } as RolloutLine));
  }
  return { kept, texts };
}

/** Validated create params. */
export function parseCreateParams(params: CreateThreadParams): StoreResult<z.output<typeof CreateThreadParamsSchema>> {
  const parsed = CreateThreadParamsSchema.safeParse(params);
  if (!parsed.success) return fail("invalid_argument", `invalid create params: ${z.prettifyError(parsed.error)}`);
  return ok(parsed.data);
}

/** The `session_meta` payload fields a create writes (Codex's names; absent values omitted). */
export function sessionMetaFor(p: z.output<typeof CreateThreadParamsSchema>): Partial<SessionMeta> & { cwd: string } {
  return {
    cwd: p.cwd,
    originator: p.originator ?? "codex-ts",
    cli_version: p.cliVersion,
    source: (p.source as SessionMeta["source"] | undefined) ?? "vscode",
    model_provider: p.modelProvider,
    ...(p.sessionId ? { session_id: p.sessionId } : {}),
    ...(p.forkedFromId ? { forked_from_id: p.forkedFromId } : {}),
    ...(p.parentThreadId ? { parent_thread_id: p.parentThreadId } : {}),
    ...(p.threadSource ? { thread_source: p.threadSource } : {}),
    ...(p.agentNickname ? { agent_nickname: p.agentNickname } : {}),
    ...(p.agentRole ? { agent_role: p.agentRole } : {}),
    ...(p.baseInstructions != null ? { base_instructions: { text: p.baseInstructions } } : {}),
    ...(p.gitInfo ? { git: gitMeta(p.gitInfo) } : {}),
    ...(p.extraMeta as Partial<SessionMeta> | undefined),
  };
}

/** The first line of a new thread's history, as `RolloutWriter.create` writes it (ordinal 0). */
export function sessionMetaLine(threadId: string, meta: Partial<SessionMeta> & { cwd: string }, createdAt: Date): string {
  const payload: SessionMeta = {
    originator: "codex-ts",
    cli_version: "",
    source: "vscode",
    ...meta,
    id: threadId,
    session_id: meta.session_id ?? threadId,
    timestamp: meta.timestamp ?? formatRolloutTimestamp(createdAt),
  };
  return serializeRolloutLine({
    timestamp: formatRolloutTimestamp(createdAt),
    ordinal: 0,
    type: "session_meta",
    payload,
  } as RolloutLine);
}

/** v2 git info → session_meta `git` (absent fields omitted, as Codex writes them). */
function gitMeta(git: { sha: string | null; branch: string | null; originUrl: string | null }): SessionMeta["git"] {
  return {
    ...(git.sha !== null ? { commit_hash: git.sha } : {}),
    ...(git.branch !== null ? { branch: git.branch } : {}),
    ...(git.originUrl !== null ? { repository_url: git.originUrl } : {}),
  };
}

/** A list request after validation: what a store's query needs. */
export interface ListQuery {
  sortKey: ThreadSortKey;
  direction: SortDirection;
  archived: boolean;
  cwds: string[] | null;
  searchTerm: string | null;
  modelProviders: string[] | null;
  sourceKinds: ThreadSourceKind[] | null;
  excludedIds: string[] | null;
  /** Keyset position: rows strictly after `(value, id)` in the list's order. */
  after: { value: number; id: string } | null;
  limit: number;
}

/** Validates list params and decodes the cursor (which must belong to the same sort). */
export function parseListParams(params: ListThreadsParams): StoreResult<ListQuery> {
  const parsed = ListThreadsParamsSchema.safeParse(params);
  if (!parsed.success) return fail("invalid_argument", `invalid list params: ${z.prettifyError(parsed.error)}`);
  const p = parsed.data;
  const sortKey = p.sortKey ?? "created_at";
  const direction = p.sortDirection ?? "desc";
  let after: ListQuery["after"] = null;
  if (p.cursor) {
    const cursor = decodeCursor(p.cursor);
    if (!cursor) return fail("invalid_argument", "invalid cursor");
    if (cursor.sortKey !== sortKey || cursor.direction !== direction) {
      return fail(
        "invalid_argument",
        `cursor belongs to sortKey=${cursor.sortKey} sortDirection=${cursor.direction}, not ${sortKey} ${direction}`,
      );
    }
    after = { value: cursor.value, id: cursor.id };
  }
  return ok({
    sortKey,
    direction,
    archived: p.archived === true,
    cwds: p.cwd == null ? null : Array.isArray(p.cwd) ? p.cwd : [p.cwd],
    searchTerm: p.searchTerm ? p.searchTerm : null,
    modelProviders: p.modelProviders?.length ? p.modelProviders : null,
    sourceKinds: p.sourceKinds?.length ? p.sourceKinds : null,
    excludedIds: p.excludedThreadIds?.length ? p.excludedThreadIds : null,
    after,
    limit: Math.min(p.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  });
}

/** A page from up to `limit + 1` rows in list order (the extra row only says there is more). */
export function pageOf(rows: StoredThread[], q: ListQuery): ThreadPage {
  const { sortKey, direction, limit } = q;
  const data = rows.slice(0, limit);
  const sortValue = (t: StoredThread) => (sortKey === "updated_at" ? t.updatedAtMs : t.createdAtMs);
  const last = data.at(-1);
  const first = data[0];
  return {
    data,
    nextCursor: rows.length > limit && last ? encodeCursor({ sortKey, direction, value: sortValue(last), id: last.id }) : null,
    backwardsCursor: first
      ? encodeCursor({ sortKey, direction: direction === "desc" ? "asc" : "desc", value: sortValue(first), id: first.id })
      : null,
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `run`, turning a throw into an `io` error value. */
export async function guarded<T>(run: () => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
  try {
    return await run();
  } catch (err) {
    return fail("io", errorMessage(err));
  }
}
