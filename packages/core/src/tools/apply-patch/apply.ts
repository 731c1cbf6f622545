/**
 * Applying parsed hunks to the file system in two steps:
 *  1. `planPatch` reads the files and computes every new content against an in-memory overlay
 *     (so later hunks see earlier ones), without writing. Any missing file or context fails here,
 *     before anything is touched.
 *  2. `commitPlan` writes the planned changes; if a write fails midway it restores what it had
 *     already changed.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { OMIT_HEADERS, formatPatch, structuredPatch } from "diff";
import type { FileChangeSummary } from "../types.js";
import type { Hunk, UpdateChunk } from "./parser.js";

export type PlannedChange =
  | { kind: "add"; path: string; displayPath: string; contents: string }
  | { kind: "delete"; path: string; displayPath: string; originalContents: string }
  | {
      kind: "update";
      path: string;
      displayPath: string;
      movePath?: string;
      moveDisplayPath?: string;
      originalContents: string;
      newContents: string;
      unifiedDiff: string;
    };

export type PlanResult = { ok: true; changes: PlannedChange[] } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Locating old lines in a file

const PUNCTUATION: Record<string, string> = {};
for (const c of "\u2010\u2011\u2012\u2013\u2014\u2015\u2212") PUNCTUATION[c] = "-";
for (const c of "\u2018\u2019\u201A\u201B") PUNCTUATION[c] = "'";
for (const c of "\u201C\u201D\u201E\u201F") PUNCTUATION[c] = '"';
for (const c of "\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000") {
  PUNCTUATION[c] = " ";
}

function normalisePunctuation(s: string): string {
  let out = "";
  for (const c of s.trim()) out += PUNCTUATION[c] ?? c;
  return out;
}

const COMPARATORS: ((a: string, b: string) => boolean)[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
  (a, b) => normalisePunctuation(a) === normalisePunctuation(b),
];

/**
 * Index where `pattern` occurs in `lines` at or after `start`, trying progressively looser
 * comparisons (exact, trailing whitespace, surrounding whitespace, typographic punctuation).
 * With `atEnd`, the end of the file is tried first.
 */
export function seekSequence(
  lines: string[],
  pattern: string[],
  start: number,
  atEnd: boolean,
): number | undefined {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return undefined;
  const last = lines.length - pattern.length;
  const from = atEnd ? last : start;
  for (const same of COMPARATORS) {
    for (let i = from; i <= last; i++) {
      let ok = true;
      for (let j = 0; j < pattern.length; j++) {
        if (!same(lines[i + j] ?? "", pattern[j] ?? "")) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
    }
  }
  return undefined;
}

function splitLines(contents: string): string[] {
  const lines = contents.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** New file contents after applying the chunks, or an error message. */
export function applyChunks(
  original: string,
  chunks: UpdateChunk[],
  displayPath: string,
): { ok: true; contents: string } | { ok: false; error: string } {
  const lines = splitLines(original);
  const replacements: { at: number; remove: number; insert: string[] }[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    if (chunk.context !== undefined) {
      const idx = seekSequence(lines, [chunk.context], cursor, false);
      if (idx === undefined) {
        return { ok: false, error: `Failed to find context '${chunk.context}' in ${displayPath}` };
      }
      cursor = idx + 1;
    }
    if (chunk.oldLines.length === 0) {
      // Pure addition: append at the end of the file.
      replacements.push({ at: lines.length, remove: 0, insert: chunk.newLines });
      continue;
    }
    let pattern = chunk.oldLines;
    let insert = chunk.newLines;
    let found = seekSequence(lines, pattern, cursor, chunk.endOfFile);
    if (found === undefined && pattern[pattern.length - 1] === "") {
      // A trailing empty line usually stands for the file's final newline: retry without it.
      pattern = pattern.slice(0, -1);
      if (insert[insert.length - 1] === "") insert = insert.slice(0, -1);
      found = seekSequence(lines, pattern, cursor, chunk.endOfFile);
    }
    if (found === undefined) {
      return {
        ok: false,
        error: `Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join("\n")}`,
      };
    }
    replacements.push({ at: found, remove: pattern.length, insert });
    cursor = found + pattern.length;
  }
  replacements.sort((a, b) => a.at - b.at);
  const result = [...lines];
  for (let i = replacements.length - 1; i >= 0; i--) {
    const r = replacements[i];
    if (r) result.splice(r.at, r.remove, ...r.insert);
  }
  return { ok: true, contents: `${result.join("\n")}\n` };
}

export function unifiedDiff(before: string, after: string): string {
  const patch = structuredPatch("", "", before, after, undefined, undefined, { context: 1 });
  return formatPatch(patch, OMIT_HEADERS);
}

// ---------------------------------------------------------------------------------------------
// Planning and committing

function errorMessage(err: unknown): string {
  if (err && typeof err === "object" && "code" in err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") return "No such file or directory";
    if (code === "EISDIR") return "Is a directory";
    if (code === "EACCES") return "Permission denied";
  }
  return err instanceof Error ? err.message : String(err);
}

export async function planPatch(hunks: Hunk[], cwd: string): Promise<PlanResult> {
  if (hunks.length === 0) return { ok: false, error: "No files were modified." };
  // Overlay of paths already touched by earlier hunks: contents, or null when deleted.
  const overlay = new Map<string, string | null>();
  const read = async (abs: string, display: string, purpose: string) => {
    if (overlay.has(abs)) {
      const v = overlay.get(abs);
      if (v === null || v === undefined) {
        return { ok: false as const, error: `${purpose} ${display}: No such file or directory` };
      }
      return { ok: true as const, contents: v };
    }
    try {
      const stat = await fs.stat(abs);
      if (!stat.isFile()) return { ok: false as const, error: `${purpose} ${display}: Is a directory` };
      return { ok: true as const, contents: await fs.readFile(abs, "utf8") };
    } catch (err) {
      return { ok: false as const, error: `${purpose} ${display}: ${errorMessage(err)}` };
    }
  };

  const changes: PlannedChange[] = [];
  for (const hunk of hunks) {
    const abs = path.resolve(cwd, hunk.path);
    if (hunk.type === "add") {
      overlay.set(abs, hunk.contents);
      changes.push({ kind: "add", path: abs, displayPath: hunk.path, contents: hunk.contents });
    } else if (hunk.type === "delete") {
      const r = await read(abs, hunk.path, "Failed to delete file");
      if (!r.ok) return r;
      overlay.set(abs, null);
      changes.push({ kind: "delete", path: abs, displayPath: hunk.path, originalContents: r.contents });
    } else {
      const r = await read(abs, hunk.path, "Failed to read file to update");
      if (!r.ok) return r;
      const applied = applyChunks(r.contents, hunk.chunks, hunk.path);
      if (!applied.ok) return applied;
      const change: PlannedChange = {
        kind: "update",
        path: abs,
        displayPath: hunk.path,
        originalContents: r.contents,
        newContents: applied.contents,
        unifiedDiff: unifiedDiff(r.contents, applied.contents),
      };
      if (hunk.movePath !== undefined) {
        const dest = path.resolve(cwd, hunk.movePath);
        change.movePath = dest;
        change.moveDisplayPath = hunk.movePath;
        overlay.set(abs, null);
        overlay.set(dest, applied.contents);
      } else {
        overlay.set(abs, applied.contents);
      }
      changes.push(change);
    }
  }
  return { ok: true, changes };
}

/** Changes keyed by absolute path, in the FileChange item / approval request shape. */
export function summarizeChanges(changes: PlannedChange[]): Record<string, FileChangeSummary> {
  const out: Record<string, FileChangeSummary> = {};
  for (const c of changes) {
    if (c.kind === "add") out[c.path] = { type: "add", content: c.contents };
    else if (c.kind === "delete") out[c.path] = { type: "delete", content: c.originalContents };
    else {
      out[c.path] = { type: "update", unified_diff: c.unifiedDiff, move_path: c.movePath ?? null };
    }
  }
  return out;
}

async function snapshot(p: string): Promise<string | null> {
  try {
    return await fs.readFile(p, "utf8");
  } catch {
    return null;
  }
}

/**
 * Replace `file`'s contents so that a crash at any instant leaves it either old or new, never
 * truncated: write a sibling temp file, then rename it over the file. A symlink is followed (its
 * target is replaced); mode and, when allowed, owner are kept. When the directory does not let us
 * create the temp file (a writable file in a read-only directory), it is written in place.
 */
export async function replaceFile(file: string, contents: string): Promise<void> {
  const target = await fs.realpath(file).catch(() => file);
  const before = await fs.stat(target).catch(() => undefined);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fs.writeFile(tmp, contents, { flag: "wx", mode: before ? before.mode & 0o7777 : 0o666 });
  } catch (err) {
    if ((err as { code?: string }).code !== "EACCES" && (err as { code?: string }).code !== "EPERM") throw err;
    await fs.writeFile(target, contents);
    return;
  }
  try {
    if (before) {
      await fs.chmod(tmp, before.mode & 0o7777);
      await fs.chown(tmp, before.uid, before.gid).catch(() => undefined);
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Write the planned changes in order. On an I/O failure, the paths already written are restored
 * to their earlier contents and the error is returned.
 */
export async function commitPlan(
  changes: PlannedChange[],
): Promise<{ ok: true; summary: string } | { ok: false; error: string }> {
  const originals = new Map<string, string | null>();
  const remember = async (p: string) => {
    if (!originals.has(p)) originals.set(p, await snapshot(p));
  };
  const writeFile = async (p: string, contents: string) => {
    await fs.mkdir(path.dirname(p), { recursive: true });
    await replaceFile(p, contents);
  };
  const added: string[] = [];
  const modified: string[] = [];
  const deleted: string[] = [];
  let step = "";
  try {
    for (const c of changes) {
      if (c.kind === "add") {
        step = `Failed to write file ${c.displayPath}`;
        await remember(c.path);
        await writeFile(c.path, c.contents);
        added.push(c.displayPath);
      } else if (c.kind === "delete") {
        step = `Failed to delete file ${c.displayPath}`;
        await remember(c.path);
        await fs.rm(c.path);
        deleted.push(c.displayPath);
      } else if (c.movePath !== undefined) {
        step = `Failed to write file ${c.moveDisplayPath ?? c.movePath}`;
        await remember(c.movePath);
        await remember(c.path);
        await writeFile(c.movePath, c.newContents);
        step = `Failed to remove original ${c.displayPath}`;
        if (c.movePath !== c.path) await fs.rm(c.path);
        modified.push(c.moveDisplayPath ?? c.movePath);
      } else {
        step = `Failed to write file ${c.displayPath}`;
        await remember(c.path);
        await writeFile(c.path, c.newContents);
        modified.push(c.displayPath);
      }
    }
  } catch (err) {
    for (const [p, contents] of [...originals].reverse()) {
      try {
        if (contents === null) await fs.rm(p, { force: true });
        else await writeFile(p, contents);
      } catch {
        // best effort
      }
    }
    return { ok: false, error: `${step}: ${errorMessage(err)}` };
  }
  const lines = ["Success. Updated the following files:"];
  for (const p of added) lines.push(`A ${p}`);
  for (const p of modified) lines.push(`M ${p}`);
  for (const p of deleted) lines.push(`D ${p}`);
  return { ok: true, summary: `${lines.join("\n")}\n` };
}
