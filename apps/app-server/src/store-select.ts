/**
 * Which thread store the server uses. By default the local one (rollout files + sqlite index in
 * CODEX_HOME). With a PostgreSQL URL — `CODEX_THREAD_STORE_URL`, or `[thread_store] url` in
 * config.toml (`codex-ts -c thread_store.url=…` sets the variable for the server it starts) — the
 * shared store of `@codex-ts/thread-store-postgres`, loaded (by `openThreadStore`) only then: local
 * users need no driver.
 * Also here: what the server does with a remote store's news (changes made by other servers).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RolloutLine } from "@codex-ts/protocol";
import { forkRollout, readRollout, rolloutFileName } from "@codex-ts/rollout";
import {
  fail,
  openThreadStore,
  redactUrl,
  type StoredThread,
  type StoreResult,
  type ThreadStore,
  type ThreadStoreEvent,
  writeRolloutLines,
} from "@codex-ts/thread-store";
import { loadEffectiveConfig } from "./config.js";
import { ErrorCode, errorMessage, invalidRequest, RpcError } from "./errors.js";
import type { Logger } from "./log.js";

export const THREAD_STORE_URL_ENV = "CODEX_THREAD_STORE_URL";
/** Writer-lease length in ms for the PostgreSQL store (default: the store's, 30 s). */
export const THREAD_STORE_LEASE_ENV = "CODEX_THREAD_STORE_LEASE_MS";

export interface StoreSelectOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

/** The configured thread-store URL (env beats config.toml), or null for the local store. */
export function threadStoreUrl(options: Omit<StoreSelectOptions, "log">): string | null {
  const fromEnv = options.env[THREAD_STORE_URL_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const section = loadEffectiveConfig({ codexHome: options.codexHome, env: options.env }).config.toml.thread_store;
  if (section === undefined) return null;
  const url = typeof section === "object" && section !== null ? (section as { url?: unknown }).url : section;
  if (url === undefined) return null;
  if (typeof url !== "string" || url.trim() === "") throw invalidRequest("invalid configuration: thread_store.url must be a non-empty string");
  return url.trim();
}

/** Opens the configured store; an error value says what is wrong with the configuration. */
export async function openConfiguredThreadStore(options: StoreSelectOptions): Promise<StoreResult<ThreadStore>> {
  let url: string | null;
  try {
    url = threadStoreUrl(options);
  } catch (error) {
    return fail("invalid_argument", errorMessage(error));
  }
  const leaseMs = Number(options.env[THREAD_STORE_LEASE_ENV]);
  const opened = await openThreadStore({
    codexHome: options.codexHome,
    url,
    ...(Number.isInteger(leaseMs) && leaseMs > 0 ? { leaseMs } : {}),
    onWarning: (message) => options.log.warn(message),
    // Resolved from the app-server (it has the package as an optional peer); a computed name, so
    // the bundler leaves the import to Node and the driver is loaded only when configured.
    importPackage: (name) => import(name),
  });
  if (opened.ok && url) options.log.info(`thread store: PostgreSQL at ${redactUrl(url)}`);
  return opened;
}

/** Lookups by rollout path mean nothing to a remote store: refused as an invalid request. */
export function assertRolloutPathLookup(store: ThreadStore, path: string): void {
  if (store.location === "remote") {
    throw invalidRequest(`rollout paths cannot be used with a remote thread store (thread_store.url is set); pass threadId instead of path (${path})`);
  }
}

/** A change another server made, as the v2 notification this server's clients get. */
export function storeEventNotification(event: ThreadStoreEvent): { method: string; params: unknown } {
  switch (event.type) {
    case "name_updated":
      return { method: "thread/name/updated", params: { threadId: event.threadId, threadName: event.name } };
    case "archived":
      return { method: "thread/archived", params: { threadId: event.threadId } };
    case "unarchived":
      return { method: "thread/unarchived", params: { threadId: event.threadId } };
    case "goal_updated":
      return { method: "thread/goal/updated", params: { threadId: event.threadId, turnId: null, goal: event.goal } };
    case "goal_cleared":
      return { method: "thread/goal/cleared", params: { threadId: event.threadId } };
  }
}

/**
 * A rollout file in `dir` holding a thread's stored history, for code that cuts files (an ephemeral
 * fork): the thread's own file with the local store, a copy with a remote one.
 */
export async function rolloutFileOf(store: ThreadStore, thread: StoredThread, dir: string): Promise<string> {
  if (thread.path) return thread.path;
  const exported = await store.exportThread(thread.id);
  if (!exported.ok) throw invalidRequest(`cannot read thread ${thread.id}: ${exported.error.message}`);
  const file = path.join(dir, rolloutFileName(thread.id, new Date(thread.createdAtMs)));
  await writeRolloutLines(file, exported.value.lines);
  return file;
}

/** A store result's value; its error as the JSON-RPC error a client gets (`what` says what failed). */
export function unwrap<T>(result: StoreResult<T>, what: string): T {
  if (result.ok) return result.value;
  switch (result.error.code) {
    case "not_found":
      throw invalidRequest(result.error.message);
    case "invalid_argument":
    case "already_exists":
    case "conflict":
    case "unsupported":
      throw invalidRequest(`${what}: ${result.error.message}`);
    default:
      throw new RpcError(ErrorCode.InternalError, `${what}: ${result.error.message}`);
  }
}

/**
 * An ephemeral fork of `source`: the same cut as a persisted fork, written to a scratch home and
 * read back into memory only (nothing stays on disk).
 */
export async function ephemeralFork(
  store: ThreadStore,
  source: StoredThread,
  upTo: { upTo?: { throughTurnId: string } },
): Promise<{ stored: StoredThread; lines: RolloutLine[] }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "codex-ts-fork-"));
  try {
    const forked = await forkRollout({ sourcePath: await rolloutFileOf(store, source, scratch), codexHome: scratch, ...upTo });
    if (!forked.ok) throw invalidRequest(`cannot fork thread ${source.id}: ${forked.error.message}`);
    const contents = await readRollout(forked.value.path);
    if (!contents.ok) throw invalidRequest(`cannot fork thread ${source.id}: ${contents.error.message}`);
    const now = Date.now();
    const stored: StoredThread = {
      ...source,
      id: forked.value.threadId,
      sessionId: forked.value.threadId,
      forkedFromId: source.id,
      name: null,
      path: null,
      archived: false,
      archivedAtMs: null,
      createdAtMs: now,
      updatedAtMs: now,
    };
    return { stored, lines: contents.value.lines.filter((line) => line.type !== "session_meta") };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
