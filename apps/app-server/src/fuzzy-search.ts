/**
 * `fuzzyFileSearch`: file paths under the given roots that contain the query's characters in
 * order, best first. Files are listed with `git ls-files` (tracked + untracked, .gitignore
 * respected) when a root is in a git work tree, else by walking it (skipping `.git`,
 * `node_modules` and dot-directories, many directories read at once). Listings are cached per
 * root: a client typing a query character by character pays the listing once, and a listing older
 * than a few seconds is still answered from at once while a fresh one is made in the background
 * (stale-while-revalidate), so only the first query of a root waits for the tree.
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
/** Directories read at once by the walk. */
const WALK_CONCURRENCY = 16;
/** Roots whose listing is kept. */
const MAX_CACHED_ROOTS = 16;
interface Listing {
  files: string[];
  /** `files`, lower-cased once for matching. */
  lower: string[];
}
interface CacheEntry {
  at: number;
  listing: Promise<Listing>;
  /** The last listing that finished, answered from while a newer one is made. */
  ready?: Listing;
  refreshing?: boolean;
}
const cache = new Map<string, CacheEntry>();

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

/** Every file under `root` (relative paths), `WALK_CONCURRENCY` directories read at a time. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [""];
  const readOne = async (rel: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") queue.push(child);
      } else if (out.length < MAX_FILES) out.push(child);
    }
  };
  const worker = async () => {
    // A worker stops when the queue is empty and no read it could wait on is running.
    for (;;) {
      const rel = queue.shift();
      if (rel === undefined) {
        if (running === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      running++;
      try {
        await readOne(rel);
      } finally {
        running--;
      }
      if (out.length >= MAX_FILES) return;
    }
  };
  let running = 0;
  await Promise.all(Array.from({ length: WALK_CONCURRENCY }, worker));
  return out;
}

function makeListing(root: string): Promise<Listing> {
  return gitFiles(root)
    .then((tracked) => tracked ?? walk(root))
    .then((files) => ({ files, lower: files.map((f) => f.toLowerCase()) }));
}

function listing(root: string): Promise<Listing> {
  const hit = cache.get(root);
  if (hit) {
    if (Date.now() - hit.at < LIST_TTL_MS || !hit.ready) return hit.listing;
    // Stale: answer from the last listing, make a fresh one in the background.
    if (!hit.refreshing) {
      hit.refreshing = true;
      const fresh = makeListing(root);
      fresh.then(
        (made) => cache.set(root, { at: Date.now(), listing: fresh, ready: made }),
        () => {
          hit.refreshing = false;
        },
      );
    }
    return Promise.resolve(hit.ready);
  }
  const made = makeListing(root);
  const entry: CacheEntry = { at: Date.now(), listing: made };
  made.then(
    (ready) => {
      entry.ready = ready;
      entry.at = Date.now();
    },
    () => cache.delete(root),
  );
  cache.set(root, entry);
  while (cache.size > MAX_CACHED_ROOTS) cache.delete(cache.keys().next().value as string);
  return made;
}

export async function listFiles(root: string): Promise<string[]> {
  return (await listing(root)).files;
}

const SLASH = 47;
/** Characters after which a match starts a word: `/`, `_`, `-`, `.`. */
const isBoundary = (code: number) => code === SLASH || code === 95 || code === 45 || code === 46;

/**
 * The score of `query` as a subsequence of `lower` (a lower-cased path), higher is better; null
 * when it is not one. No allocation: this runs over every file for every query. Each matched
 * character counts, more when it follows the previous one, lies in the file name, or starts a word;
 * long paths lose a little.
 */
function matchScore(lower: string, query: string): number | null {
  const baseStart = lower.lastIndexOf("/") + 1;
  let score = 0;
  let previous = -2;
  let from = 0;
  for (let i = 0; i < query.length; i++) {
    const at = lower.indexOf(query[i] as string, from);
    if (at < 0) return null;
    score += 10;
    if (at === previous + 1) score += 15;
    if (at >= baseStart) score += 5;
    if (at === 0 || at === baseStart || isBoundary(lower.charCodeAt(at - 1))) score += 10;
    previous = at;
    from = at + 1;
  }
  return score - Math.floor(lower.length / 4);
}

/** Where each character of `query` matched in `lower` (the same greedy walk as matchScore). */
function matchIndices(lower: string, query: string): number[] {
  const indices: number[] = [];
  let from = 0;
  for (const ch of query) {
    const at = lower.indexOf(ch, from);
    if (at < 0) break;
    indices.push(at);
    from = at + 1;
  }
  return indices;
}

/** Subsequence match of `query` (lower-cased) in `candidate`: a score (higher is better) and the matched indices. */
export function fuzzyScore(candidate: string, query: string, lower = candidate.toLowerCase()): { score: number; indices: number[] } | null {
  const score = matchScore(lower, query);
  return score === null ? null : { score, indices: matchIndices(lower, query) };
}

interface Ranked {
  root: string;
  path: string;
  lower: string;
  score: number;
}

/** Better first: higher score, then the shorter path, then by path. */
const worse = (a: Ranked, b: Ranked) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export async function fuzzyFileSearch(query: string, roots: readonly string[]): Promise<FuzzyMatch[]> {
  const needle = query.toLowerCase().replace(/\s+/g, "");
  if (needle === "") return [];
  // Keeps the best MAX_RESULTS while scanning: most candidates cost one allocation-free scoring pass.
  const best: Ranked[] = [];
  for (const root of roots) {
    const { files, lower } = await listing(root);
    for (let i = 0; i < files.length; i++) {
      const low = lower[i] as string;
      const raw = matchScore(low, needle);
      if (raw === null) continue;
      const score = Math.max(0, raw);
      const file = files[i] as string;
      const floor = best.length === MAX_RESULTS ? (best[MAX_RESULTS - 1] as Ranked) : undefined;
      if (floor && (score < floor.score || (score === floor.score && file.length > floor.path.length))) continue;
      const ranked: Ranked = { root, path: file, lower: low, score };
      if (floor && worse(ranked, floor) >= 0) continue;
      let at = best.length;
      while (at > 0 && worse(ranked, best[at - 1] as Ranked) < 0) at--;
      best.splice(at, 0, ranked);
      if (best.length > MAX_RESULTS) best.pop();
    }
  }
  return best.map((r) => ({ root: r.root, path: r.path, file_name: path.basename(r.path), match_type: "file", score: r.score, indices: matchIndices(r.lower, needle) }));
}
