import type { FileHandle } from "node:fs/promises";

/** Every `INDEX_STRIDE`-th line start is remembered, so a lookup reads at most this many lines. */
export const INDEX_STRIDE = 256;

/** Read size while counting lines: large reads keep the per-read overhead (one thread-pool round trip each) small. */
const SCAN_CHUNK = 1024 * 1024;
/** Read size when fetching one line from a known position (≈ INDEX_STRIDE lines of a typical prompt). */
const LINE_CHUNK = 64 * 1024;
/** Bytes before the indexed end that are compared to notice a file rewritten in place. */
const FINGERPRINT_BYTES = 64;
const NEWLINE = 0x0a;

/** What `fstat` says about the open file; `identity` is device, inode and birth time. */
export interface FileSnapshot {
  identity: string;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Where the complete lines of one file start, as far as it has been scanned. */
interface LineIndex {
  readonly identity: string;
  /** `starts[k]` is the byte position of line `k × INDEX_STRIDE`. */
  readonly starts: number[];
  /** Complete lines (newline bytes) in `[0, end)`. */
  count: number;
  /** Position just after the last newline seen. */
  end: number;
  /** Bytes examined so far (`≥ end`; the part after `end` holds no newline). */
  scannedTo: number;
  /** Copy of the bytes just before `end`, to notice a file rewritten in place. */
  fingerprint: Buffer;
  /** The `fstat` the index was last checked against. */
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Where line `offset` starts: read from `position`, skip `skip` lines, the next one is it. */
export interface LineLocation {
  position: number;
  skip: number;
}

/**
 * An in-memory index of line starts for one file path, kept by a `MessageHistory` instance.
 *
 * It is valid for one file identity. On each use the caller's `fstat` is compared with the one the
 * index was built against: unchanged size, mtime and ctime mean no I/O at all; a file that only
 * grew (appends) is checked by comparing the bytes before the indexed end, and then only the new
 * tail is scanned; a different identity (replaced or trimmed file), a shorter file or changed bytes
 * start a new index. Callers serialize through {@link LineIndexCache.exclusive}.
 */
export class LineIndexCache {
  private index: LineIndex | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** Complete lines in the first `snapshot.size` bytes of the file. */
  count(fh: FileHandle, snapshot: FileSnapshot): Promise<number> {
    return this.exclusive(async () => (await this.refresh(fh, snapshot, Number.POSITIVE_INFINITY)).count);
  }

  /** Where the complete line `offset` starts, or `undefined` when the file has no such line (yet). */
  locate(fh: FileHandle, snapshot: FileSnapshot, offset: number): Promise<LineLocation | undefined> {
    return this.exclusive(async () => {
      const index = await this.refresh(fh, snapshot, offset + 1);
      if (index.count <= offset) return undefined;
      const k = Math.floor(offset / INDEX_STRIDE);
      const position = index.starts[k];
      return position === undefined ? undefined : { position, skip: offset - k * INDEX_STRIDE };
    });
  }

  /** Forget everything (the next use rescans from the start). */
  clear(): void {
    this.index = undefined;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Bring the index up to date with `snapshot` and scan until it holds `wantLines` lines or the end. */
  private async refresh(fh: FileHandle, snapshot: FileSnapshot, wantLines: number): Promise<LineIndex> {
    let index = this.index;
    if (index === undefined || index.identity !== snapshot.identity || snapshot.size < index.end) {
      index = emptyIndex(snapshot);
    } else if (
      index.size !== snapshot.size ||
      index.mtimeNs !== snapshot.mtimeNs ||
      index.ctimeNs !== snapshot.ctimeNs
    ) {
      // Grown (appends) or touched: still valid only if the indexed bytes are unchanged.
      if (!(await fingerprintMatches(fh, index))) index = emptyIndex(snapshot);
    }
    // Bytes after the last newline may have been cut off and rewritten: look at them again.
    if (snapshot.size < index.scannedTo) index.scannedTo = index.end;
    index.size = snapshot.size;
    index.mtimeNs = snapshot.mtimeNs;
    index.ctimeNs = snapshot.ctimeNs;
    this.index = index;
    if (index.count >= wantLines || index.scannedTo >= snapshot.size) return index;
    try {
      await scan(fh, index, snapshot.size, wantLines);
    } catch (err) {
      this.index = undefined;
      throw err;
    }
    return index;
  }
}

function emptyIndex(snapshot: FileSnapshot): LineIndex {
  return {
    identity: snapshot.identity,
    starts: [0],
    count: 0,
    end: 0,
    scannedTo: 0,
    fingerprint: Buffer.alloc(0),
    size: snapshot.size,
    mtimeNs: snapshot.mtimeNs,
    ctimeNs: snapshot.ctimeNs,
  };
}

async function fingerprintMatches(fh: FileHandle, index: LineIndex): Promise<boolean> {
  const length = index.fingerprint.length;
  if (length === 0) return true;
  const now = await readExactly(fh, index.end - length, length);
  return now.equals(index.fingerprint);
}

/**
 * Count newlines from `index.end` up to `limit` (the size from `fstat`, so bytes appended meanwhile
 * wait for the next call), recording every INDEX_STRIDE-th line start, until `wantLines` lines are
 * known. The index stays consistent after each read, so an error leaves a usable prefix.
 */
async function scan(fh: FileHandle, index: LineIndex, limit: number, wantLines: number): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(limit - index.end, 1)));
  // Looking for one line: start small (it may be near) and grow; counting all: read big at once.
  let readSize = Number.isFinite(wantLines) ? LINE_CHUNK : SCAN_CHUNK;
  const endBefore = index.end;
  let position = index.end;
  while (position < limit && index.count < wantLines) {
    const length = Math.min(buf.length, readSize, limit - position);
    readSize *= 2;
    const { bytesRead } = await fh.read(buf, 0, length, position);
    if (bytesRead === 0) break; // truncated meanwhile; the next call's fstat will tell
    const chunk = buf.subarray(0, bytesRead);
    let count = index.count;
    let end = index.end;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, nl + 1)) {
      count++;
      end = position + nl + 1;
      if (count % INDEX_STRIDE === 0) index.starts.push(end);
    }
    index.count = count;
    index.end = end;
    position += bytesRead;
    index.scannedTo = position;
  }
  if (index.end !== endBefore) {
    const length = Math.min(FINGERPRINT_BYTES, index.end);
    index.fingerprint = await readExactly(fh, index.end - length, length);
  }
}

/** `length` bytes at `position` (fewer if the file is shorter now). */
async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(buf, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}

/**
 * The bytes of the line that starts after skipping `skip` newlines from `position`, without its
 * newline, or `null` when the file ends first (it was truncated since it was indexed).
 */
export async function readLineAt(fh: FileHandle, position: number, skip: number): Promise<Buffer | null> {
  const buf = Buffer.allocUnsafe(LINE_CHUNK);
  const parts: Buffer[] = [];
  let toSkip = skip;
  let pos = position;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return null;
    const chunk = buf.subarray(0, bytesRead);
    pos += bytesRead;
    let start = 0;
    while (toSkip > 0) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      toSkip--;
      start = nl + 1;
    }
    if (toSkip > 0) continue;
    const nl = chunk.indexOf(NEWLINE, start);
    // Copy: `buf` is reused by the next read.
    parts.push(Buffer.from(chunk.subarray(start, nl === -1 ? chunk.length : nl)));
    if (nl !== -1) return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
