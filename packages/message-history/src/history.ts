import { createHash, randomBytes } from "node:crypto";
import { type BigIntStats, constants as fsConstants } from "node:fs";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import * as z from "zod";
import { type FileSnapshot, LineIndexCache, readLineAt } from "./line-index.js";

/** File name of the history log inside CODEX_HOME (same as Codex). */
export const HISTORY_FILENAME = "history.jsonl";

/** After exceeding `maxBytes`, the file is trimmed down to this fraction of it (as Codex does). */
export const HISTORY_SOFT_CAP_RATIO = 0.8;

/** One line of `history.jsonl`: `{"session_id":"<thread id>","ts":<unix seconds>,"text":"<prompt>"}`. */
export const HistoryEntrySchema = z.object({
  session_id: z.string(),
  ts: z.number().int().nonnegative(),
  text: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** `[history] persistence` in config.toml: `save-all` (default) or `none`. */
export const HistoryPersistenceSchema = z.enum(["save-all", "none"]);
export type HistoryPersistence = z.infer<typeof HistoryPersistenceSchema>;

/**
 * The `[history]` table of config.toml, snake_case as written there. Core owns config parsing;
 * this schema is exported so it can validate the table and hand the values to {@link MessageHistory}.
 * `max_bytes` unset or 0 means "no cap".
 */
export const HistorySettingsSchema = z.object({
  persistence: HistoryPersistenceSchema.default("save-all"),
  max_bytes: z.number().int().nonnegative().optional(),
});
export type HistorySettings = z.infer<typeof HistorySettingsSchema>;

export interface MessageHistoryOptions {
  /** Directory holding `history.jsonl` (CODEX_HOME). Created on first append. */
  codexHome: string;
  /** `"none"` turns {@link MessageHistory.append} into a no-op. Default `"save-all"`. */
  persistence?: HistoryPersistence;
  /** Hard cap on the file size in bytes; unset or 0 = unlimited. */
  maxBytes?: number | undefined;
  /** How long an append waits for the lock before giving up (default 60 s). */
  lockTimeoutMs?: number;
}

export interface HistoryMetadata {
  /**
   * Identity of the current file: a 48-bit number derived from device, inode and birth time, so a
   * replaced or trimmed file gets a new id. `0` when the file does not exist.
   */
  logId: number;
  /** Number of complete lines (newline bytes) in the file. */
  entryCount: number;
}

export type AppendResult = { ok: true; written: boolean } | { ok: false; error: string };

const NEWLINE = 0x0a;

/**
 * `CODEX_HOME/history.jsonl`: the cross-session prompt log used for prompt recall.
 *
 * Appends are serialized across processes with an exclusive lock file (`history.jsonl.lock`, via
 * proper-lockfile) and each line is written with one `write(2)` on an `O_APPEND` descriptor.
 * Trimming rewrites the kept tail into a new file and renames it into place, so the file gets a new
 * {@link HistoryMetadata.logId} and stale `(logId, offset)` pairs return `null` rather than a
 * shifted entry.
 */
export class MessageHistory {
  readonly path: string;
  readonly lockPath: string;
  private readonly persistence: HistoryPersistence;
  private readonly maxBytes: number | undefined;
  private readonly lockTimeoutMs: number;
  /** Line starts of the history file, reused by metadata() and lookup() while the file only grows. */
  private readonly lines = new LineIndexCache();

  constructor(options: MessageHistoryOptions) {
    this.path = path.join(options.codexHome, HISTORY_FILENAME);
    this.lockPath = `${this.path}.lock`;
    this.persistence = options.persistence ?? "save-all";
    this.maxBytes = options.maxBytes && options.maxBytes > 0 ? options.maxBytes : undefined;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  }

  /** Build from CODEX_HOME and a `[history]` table (validated; bad input is an error value). */
  static fromSettings(
    codexHome: string,
    settings: unknown,
  ): { ok: true; history: MessageHistory } | { ok: false; error: string } {
    const parsed = HistorySettingsSchema.safeParse(settings ?? {});
    if (!parsed.success) {
      return { ok: false, error: `invalid [history] settings: ${z.prettifyError(parsed.error)}` };
    }
    return {
      ok: true,
      history: new MessageHistory({
        codexHome,
        persistence: parsed.data.persistence,
        maxBytes: parsed.data.max_bytes,
      }),
    };
  }

  /** Append a prompt written now (ts = current unix seconds). */
  appendText(sessionId: string, text: string): Promise<AppendResult> {
    return this.append({ session_id: sessionId, ts: Math.floor(Date.now() / 1000), text });
  }

  /**
   * Append one entry as one line. Returns `{ok: true, written: false}` when persistence is `none`.
   * Never throws: I/O and lock failures come back as `{ok: false, error}`.
   */
  async append(entry: HistoryEntry): Promise<AppendResult> {
    if (this.persistence === "none") return { ok: true, written: false };
    const parsed = HistoryEntrySchema.safeParse(entry);
    if (!parsed.success) {
      return { ok: false, error: `invalid history entry: ${z.prettifyError(parsed.error)}` };
    }
    // Serialize with the fields in Codex's order; JSON.stringify escapes newlines inside text.
    const { session_id, ts, text } = parsed.data;
    const line = Buffer.from(`${JSON.stringify({ session_id, ts, text })}\n`, "utf8");

    return serializeInProcess(this.path, () => this.appendLocked(line));
  }

  private async appendLocked(line: Buffer): Promise<AppendResult> {
    let release: (() => Promise<void>) | undefined;
    let compromised: Error | undefined;
    try {
      await mkdir(path.dirname(this.path), { recursive: true });
      release = await lockfile.lock(this.path, {
        realpath: false,
        lockfilePath: this.lockPath,
        stale: 10_000,
        retries: retriesFor(this.lockTimeoutMs),
        onCompromised: (err) => {
          compromised = err;
        },
      });
      await this.writeLine(line);
      if (this.maxBytes !== undefined) await this.enforceLimit(this.maxBytes);
      if (compromised) return { ok: false, error: `history lock was compromised: ${compromised.message}` };
      return { ok: true, written: true };
    } catch (err) {
      return { ok: false, error: `could not append to ${this.path}: ${errorMessage(err)}` };
    } finally {
      if (release) await release().catch(() => undefined);
    }
  }

  /**
   * File identity and entry count; `{logId: 0, entryCount: 0}` when there is no file yet.
   *
   * The first call scans the file once (large reads, `Buffer#indexOf`) and leaves an index of line
   * starts in this instance; later calls re-`fstat` the file and scan only what was appended since.
   */
  async metadata(): Promise<HistoryMetadata> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, "r");
    } catch {
      return { logId: 0, entryCount: 0 };
    }
    try {
      const snapshot = snapshotOf(await fh.stat({ bigint: true }));
      const logId = logIdOf(snapshot.identity);
      try {
        return { logId, entryCount: await this.lines.count(fh, snapshot) };
      } catch {
        return { logId, entryCount: 0 };
      }
    } catch {
      return { logId: 0, entryCount: 0 };
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * The entry at zero-based line `offset` of the file identified by `logId`, or `null` when the
   * file was replaced/trimmed since (stale id), the offset is past the end, the line is incomplete,
   * or it does not parse as an entry.
   *
   * Uses this instance's index of line starts: with the index in place it reads at most a few
   * hundred lines; without it, it scans (and indexes) the file only up to the requested line.
   */
  async lookup(logId: number, offset: number): Promise<HistoryEntry | null> {
    if (!Number.isSafeInteger(logId) || logId <= 0 || !Number.isSafeInteger(offset) || offset < 0) {
      return null;
    }
    let fh: FileHandle;
    try {
      fh = await open(this.path, "r");
    } catch {
      return null;
    }
    try {
      const snapshot = snapshotOf(await fh.stat({ bigint: true }));
      if (logIdOf(snapshot.identity) !== logId) return null;
      const at = await this.lines.locate(fh, snapshot, offset);
      if (at === undefined) return null;
      const line = await readLineAt(fh, at.position, at.skip);
      if (line === null) return null;
      const entry = HistoryEntrySchema.safeParse(safeJsonParse(line.toString("utf8")));
      return entry.success ? entry.data : null;
    } catch {
      return null;
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  private async writeLine(line: Buffer): Promise<void> {
    const fh = await open(
      this.path,
      fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT,
      0o600,
    );
    try {
      await ensureOwnerOnly(fh);
      let written = 0;
      while (written < line.length) {
        const { bytesWritten } = await fh.write(line, written, line.length - written);
        written += bytesWritten;
      }
    } finally {
      await fh.close();
    }
  }

  /**
   * Called with the lock held. If the file exceeds `maxBytes`, keep the newest whole lines that fit
   * in the soft cap (always at least the newest line) and atomically replace the file with them.
   */
  private async enforceLimit(maxBytes: number): Promise<void> {
    const fh = await open(this.path, "r");
    let content: Buffer;
    try {
      const { size } = await fh.stat();
      if (size <= maxBytes) return;
      content = await fh.readFile();
    } finally {
      await fh.close();
    }
    const cut = trimOffset(content, maxBytes);
    if (cut === 0) return;
    const tmp = `${this.path}.trim-${process.pid}-${randomBytes(4).toString("hex")}`;
    const out = await open(tmp, "wx", 0o600);
    try {
      await out.writeFile(content.subarray(cut));
      await out.sync();
    } catch (err) {
      await out.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await out.close();
    await rename(tmp, this.path);
  }
}

/**
 * Byte offset where the kept tail starts: drop whole lines from the front until the size is at
 * most max(floor(maxBytes × 0.8), length of the newest line). Always a line start, never past the
 * newest line.
 */
export function trimOffset(content: Buffer, maxBytes: number): number {
  if (content.length <= maxBytes) return 0;
  // Line starts (a trailing segment without newline counts as part of the last line).
  const starts: number[] = [0];
  for (
    let i = content.indexOf(NEWLINE);
    i !== -1 && i < content.length - 1;
    i = content.indexOf(NEWLINE, i + 1)
  ) {
    starts.push(i + 1);
  }
  const lastStart = starts[starts.length - 1]!;
  const newestLen = content.length - lastStart;
  const softCap = Math.min(Math.max(Math.floor(maxBytes * HISTORY_SOFT_CAP_RATIO), 1), maxBytes);
  const target = Math.max(softCap, newestLen);
  for (const start of starts) {
    if (content.length - start <= target) return start;
  }
  return lastStart;
}

/** Tail of the per-path append chain: appends from one process queue here before taking the file lock. */
const appendQueues = new Map<string, Promise<unknown>>();

function serializeInProcess<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = appendQueues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  appendQueues.set(key, tail);
  void tail.then(() => {
    if (appendQueues.get(key) === tail) appendQueues.delete(key);
  });
  return run;
}

function retriesFor(timeoutMs: number): lockfile.LockOptions["retries"] {
  // Randomized backoff between 2 and 50 ms; enough attempts to cover `timeoutMs` even when every
  // wait is the maximum.
  const maxTimeout = 50;
  return {
    retries: Math.max(1, Math.ceil(timeoutMs / maxTimeout)),
    factor: 1.5,
    minTimeout: 2,
    maxTimeout,
    randomize: true,
  };
}

/** What the line index and the log id need from `fstat`. */
function snapshotOf(stat: BigIntStats): FileSnapshot {
  return {
    identity: `${stat.dev}:${stat.ino}:${stat.birthtimeNs}`,
    size: Number(stat.size),
    mtimeNs: stat.mtimeNs,
    ctimeNs: stat.ctimeNs,
  };
}

/** 48-bit identity of a file from its device, inode and birth time (nonzero). */
function logIdOf(identity: string): number {
  const digest = createHash("sha256").update(identity).digest();
  const id = digest.readUIntBE(0, 6);
  return id === 0 ? 1 : id;
}

async function ensureOwnerOnly(fh: FileHandle): Promise<void> {
  if (process.platform === "win32") return;
  const { mode } = await fh.stat();
  if ((mode & 0o777) !== 0o600) await fh.chmod(0o600);
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
