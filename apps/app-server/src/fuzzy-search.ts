/**
 * `fuzzyFileSearch`: file paths under the given roots that contain the query's characters in
 * order, best first. Files are listed with `git ls-files` (tracked + untracked, .gitignore
 * respected) when a root is in a git work tree, else by walking it (skipping `.git`,
 * `node_modules` and dot-directories). Listings are cached per root for a few seconds, so a
 * client typing a query character by character pays the listing once.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";

export interface FuzzyMatch {
  root: string;
  path: string;
  file_name: string;
  match_type: "file";
  score: number;
  indices: number[] | null;
}

const LIST_TTL_MS = 5_000;
const MAX_RESULTS = 50;
const MAX_FILES = 500_000;
interface Listing {
  files: string[];
  /** `files`, lower-cased once for matching. */
  lower: string[];
}
const cache = new Map<string, { at: number; listing: Promise<Listing> }>();

function gitFiles(root: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { maxBuffer: 512 * 1024 * 1024 },
      (error, stdout) => resolve(error ? null : stdout.split("\0").filter((f) => f !== "")),
    );
  });
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [""];
  while (queue.length > 0 && out.length < MAX_FILES) {
    const rel = queue.shift() as string;
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") queue.push(child);
      } else out.push(child);
    }
  }
  return out;
}

function listing(root: string): Promise<Listing> {
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < LIST_TTL_MS) return hit.listing;
  const made = gitFiles(root)
    .then((tracked) => tracked ?? walk(root))
    .then((files) => ({ files, lower: files.map((f) => f.toLowerCase()) }));
  cache.set(root, { at: Date.now(), listing: made });
  return made;
}

export async function listFiles(root: string): Promise<string[]> {
  return (await listing(root)).files;
}

/** Whether `query` is a subsequence of `lower` (no allocation: the hot path over every file). */
function isSubsequence(lower: string, query: string): boolean {
  let from = 0;
  for (let i = 0; i < query.length; i++) {
    from = lower.indexOf(query[i] as string, from);
    if (from < 0) return false;
    from++;
  }
  return true;
}

/** Subsequence match of `query` (lower-cased) in `candidate`: a score (higher is better) and the matched indices. */
export function fuzzyScore(candidate: string, query: string, lower = candidate.toLowerCase()): { score: number; indices: number[] } | null {
  const indices: number[] = [];
  let from = 0;
  for (const ch of query) {
    const at = lower.indexOf(ch, from);
    if (at < 0) return null;
    indices.push(at);
    from = at + 1;
  }
  const baseStart = lower.lastIndexOf("/") + 1;
  let score = 0;
  for (let i = 0; i < indices.length; i++) {
    const at = indices[i] as number;
    score += 10;
    if (i > 0 && at === (indices[i - 1] as number) + 1) score += 15;
    if (at >= baseStart) score += 5;
    if (at === baseStart || "/_-.".includes(lower[at - 1] ?? "/")) score += 10;
  }
  return { score: score - Math.floor(candidate.length / 4), indices };
}

export async function fuzzyFileSearch(query: string, roots: readonly string[]): Promise<FuzzyMatch[]> {
  const needle = query.toLowerCase().replace(/\s+/g, "");
  if (needle === "") return [];
  // Keeps the best MAX_RESULTS while scanning, so most candidates cost one subsequence test.
  const best: FuzzyMatch[] = [];
  const worse = (a: FuzzyMatch, b: FuzzyMatch) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const root of roots) {
    const { files, lower } = await listing(root);
    for (let i = 0; i < files.length; i++) {
      const low = lower[i] as string;
      if (!isSubsequence(low, needle)) continue;
      const file = files[i] as string;
      const scored = fuzzyScore(file, needle, low);
      if (!scored) continue;
      const score = Math.max(0, scored.score);
      const floor = best.length === MAX_RESULTS ? (best[MAX_RESULTS - 1] as FuzzyMatch) : undefined;
      if (floor && (score < floor.score || (score === floor.score && file.length > floor.path.length))) continue;
      const match: FuzzyMatch = { root, path: file, file_name: path.basename(file), match_type: "file", score, indices: scored.indices };
      if (floor && worse(match, floor) >= 0) continue;
      let at = best.length;
      while (at > 0 && worse(match, best[at - 1] as FuzzyMatch) < 0) at--;
      best.splice(at, 0, match);
      if (best.length > MAX_RESULTS) best.pop();
    }
  }
  return best;
}
