import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import {
  formatRolloutTimestamp,
  type RolloutItem,
  type RolloutLine,
  type SessionMeta,
  serializeRolloutLine,
} from "@codex-ts/protocol";
import { rolloutPath } from "./paths.js";
import { type PersistenceMode, prepareForPersistence, shouldPersistRolloutItem } from "./policy.js";
import { parseRolloutText } from "./reader.js";
import { err, ioError, ok, type RolloutResult } from "./result.js";

/** A new time-ordered thread id (UUID v7, as Codex mints them). */
export function newThreadId(now: Date = new Date()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i += 1) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Session-meta fields the caller supplies (cwd at least; base_instructions, model_provider,
 * source, thread_source, originator, cli_version…). `id` is the thread id; `timestamp` and
 * `session_id` default to the creation time and the thread id.
 */
export type SessionMetaInit = Partial<SessionMeta> & { cwd: string };

export interface CreateRolloutOptions {
  codexHome: string;
  meta: SessionMetaInit;
  /** Defaults to a fresh UUID v7. */
  threadId?: string;
  /** Creation time (file name, directory, `session_meta.timestamp`); defaults to now. */
  createdAt?: Date;
  mode?: PersistenceMode;
  /** Clock for line timestamps (tests). */
  now?: () => Date;
}

export interface ResumeRolloutOptions {
  mode?: PersistenceMode;
  now?: () => Date;
}

function isTurnEnd(item: RolloutItem): boolean {
  return item.type === "event_msg" && (item.payload.type === "task_complete" || item.payload.type === "turn_aborted");
}

/**
 * Appends rollout lines to one file, in order. `record()` buffers (after applying the
 * persistence policy) and schedules an append of the buffer right away (coalesced: one pending
 * write at a time), so a process killed mid-turn keeps what the turn recorded so far (its prompt
 * above all), as Codex does. Turn ends (`task_complete` / `turn_aborted`), `flush()` and `close()`
 * also `datasync` the file. Lines are only ever appended, each write ends with a newline, so a
 * crash loses at most the unwritten tail and a torn last line — which readers ignore and `resume`
 * cuts off — never earlier lines.
 */
export class RolloutWriter {
  readonly path: string;
  readonly threadId: string;
  readonly mode: PersistenceMode;
  private handle: FileHandle | null;
  private buffer: string[] = [];
  private nextOrdinal: number;
  private queue: Promise<RolloutResult<void>> = Promise.resolve(ok(undefined));
  /** A failed automatic (turn-end) flush, reported by the next `flush()` / `close()`. */
  private pendingFailure: RolloutResult<void> | null = null;
  /** An append (without datasync) is queued and has not started yet. */
  private writeQueued = false;
  private readonly now: () => Date;

  private constructor(filePath: string, threadId: string, handle: FileHandle, mode: PersistenceMode, nextOrdinal: number, now: () => Date) {
    this.path = filePath;
    this.threadId = threadId;
    this.handle = handle;
    this.mode = mode;
    this.nextOrdinal = nextOrdinal;
    this.now = now;
  }

  /** Creates a new rollout file and writes its `session_meta` line right away. */
  static async create(options: CreateRolloutOptions): Promise<RolloutResult<RolloutWriter>> {
    const createdAt = options.createdAt ?? new Date();
    const threadId = options.threadId ?? newThreadId(createdAt);
    const filePath = rolloutPath(options.codexHome, threadId, createdAt);
    let handle: FileHandle;
    try {
      await mkdir(path.dirname(filePath), { recursive: true });
      handle = await open(filePath, "wx", 0o600);
    } catch (cause) {
      return ioError("creating rollout", filePath, cause);
    }
    const writer = new RolloutWriter(filePath, threadId, handle, options.mode ?? "limited", 0, options.now ?? (() => new Date()));
    const meta: SessionMeta = {
      originator: "codex-ts",
      cli_version: "",
      source: "vscode",
      ...options.meta,
      id: threadId,
      session_id: options.meta.session_id ?? threadId,
      timestamp: options.meta.timestamp ?? formatRolloutTimestamp(createdAt),
    };
    writer.record({ type: "session_meta", payload: meta });
    const flushed = await writer.flush();
    if (!flushed.ok) {
      await writer.close();
      return flushed;
    }
    return ok(writer);
  }

  /**
   * Opens an existing rollout to append to it (what Codex does on resume). A torn last line
   * left by a crash is cut off first, so new lines start on a clean line.
   */
  static async resume(filePath: string, options: ResumeRolloutOptions = {}): Promise<RolloutResult<RolloutWriter>> {
    let text: string;
    try {
      text = await readFile(filePath, "utf8");
    } catch (cause) {
      return ioError("resuming rollout", filePath, cause);
    }
    const contents = parseRolloutText(text);
    if (contents.meta === null) return err("invalid", `${filePath}: not a rollout (no session_meta line)`);
    let handle: FileHandle;
    try {
      handle = await open(filePath, "r+");
      const size = Buffer.byteLength(text, "utf8");
      if (contents.validByteLength < size) await handle.truncate(contents.validByteLength);
      const keptText = Buffer.from(text, "utf8").subarray(0, contents.validByteLength).toString("utf8");
      await handle.close();
      handle = await open(filePath, "a");
      if (keptText.length > 0 && !keptText.endsWith("\n")) await handle.appendFile("\n");
    } catch (cause) {
      return ioError("resuming rollout", filePath, cause);
    }
    const lastOrdinal = contents.lines.reduce((max, line) => Math.max(max, line.ordinal ?? -1), -1);
    const nextOrdinal = Math.max(lastOrdinal + 1, contents.entries.length);
    return ok(new RolloutWriter(filePath, contents.meta.id, handle, options.mode ?? "limited", nextOrdinal, options.now ?? (() => new Date())));
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.handle === null;
  }

  /**
   * Buffers items (those the persistence mode keeps). Returns how many were kept. A turn-end
   * event schedules a flush.
   */
  record(items: RolloutItem | readonly RolloutItem[]): number {
    if (this.handle === null) return 0;
    const list: readonly RolloutItem[] = Array.isArray(items) ? items : [items as RolloutItem];
    let kept = 0;
    let turnEnded = false;
    for (const item of list) {
      if (!shouldPersistRolloutItem(item, this.mode)) continue;
      const prepared = prepareForPersistence(item);
      const line = {
        timestamp: formatRolloutTimestamp(this.now()),
        ordinal: this.nextOrdinal,
        ...prepared,
      } as RolloutLine;
      this.nextOrdinal += 1;
      this.buffer.push(`${serializeRolloutLine(line)}\n`);
      kept += 1;
      if (isTurnEnd(item)) turnEnded = true;
    }
    if (turnEnded) {
      void this.flush().then((result) => {
        if (!result.ok) this.pendingFailure = result;
      });
    } else if (kept > 0 && !this.writeQueued) {
      this.writeQueued = true;
      this.queue = this.queue.then(() => {
        this.writeQueued = false;
        return this.writeBuffered(false);
      });
      void this.queue.then((result) => {
        if (!result.ok) this.pendingFailure = result;
      });
    }
    return kept;
  }

  /** Writes everything buffered so far (ordered after earlier flushes). */
  flush(): Promise<RolloutResult<void>> {
    this.queue = this.queue.then(() => this.writeBuffered());
    return this.queue;
  }

  private async writeBuffered(sync = true): Promise<RolloutResult<void>> {
    const failure = this.pendingFailure;
    if (failure !== null) {
      this.pendingFailure = null;
      if (this.buffer.length === 0) return failure;
    }
    if (this.buffer.length === 0) return ok(undefined);
    const handle = this.handle;
    if (handle === null) return err("closed", `${this.path}: writer is closed`);
    const data = this.buffer.join("");
    this.buffer = [];
    try {
      await handle.appendFile(data, "utf8");
      if (sync) await handle.datasync();
      return ok(undefined);
    } catch (cause) {
      return ioError("appending to rollout", this.path, cause);
    }
  }

  /** Flushes and closes the file. Safe to call twice. */
  async close(): Promise<RolloutResult<void>> {
    if (this.handle === null) return ok(undefined);
    const flushed = await this.flush();
    const handle = this.handle;
    this.handle = null;
    try {
      await handle?.close();
    } catch (cause) {
      return ioError("closing rollout", this.path, cause);
    }
    return flushed;
  }
}
