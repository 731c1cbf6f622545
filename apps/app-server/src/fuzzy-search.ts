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
const cache = new Map<string, { at: number; files: Promise<string[]> }>();

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

export function listFiles(root: string): Promise<string[]> {
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < LIST_TTL_MS) return hit.files;
  const files = gitFiles(root).then((tracked) => tracked ?? walk(root));
  cache.set(root, { at: Date.now(), files });
  return files;
}

/** Subsequence match of `query` (lower-cased) in `candidate`: a score (higher is better) and the matched indices. */
export function fuzzyScore(candidate: string, query: string): { score: number; indices: number[] } | null {
  const lower = candidate.toLowerCase();
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
  const matches: FuzzyMatch[] = [];
  for (const root of roots) {
    for (const file of await listFiles(root)) {
      const scored = fuzzyScore(file, needle);
      if (!scored) continue;
      matches.push({ root, path: file, file_name: path.basename(file), match_type: "file", score: scored.score, indices: scored.indices });
    }
  }
  matches.sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return matches.slice(0, MAX_RESULTS);
}
