/**
 * fuzzyFileSearch over a generated 100,000-file tree through the BUILT app-server (stdio): the
 * first query of a fresh process (it lists the tree) and the queries a client types after it
 * (goal: results < 100 ms), on a plain directory (walked) and on a git work tree (`git ls-files`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Benchmark, median, note, progress, record } from "./harness.js";
import { AppServerClient, missingBuild, removeDir, tempDir } from "./support.js";

const FILES = 100_000;
const WORDS = ["src", "lib", "app", "core", "utils", "components", "server", "client", "models", "views", "tests", "api", "handlers", "config", "docs"];
const EXTS = [".ts", ".tsx", ".js", ".md", ".json", ".rs", ".py"];
/** What a client sends while the user types "server", then two other queries. */
const TYPED = ["se", "ser", "serv", "server", "servhand", "components_api"];

interface Fixture {
  plain: string;
  git: string;
  home: string;
}
let fixture: Fixture | undefined;

/** `count` empty files in nested directories of 5–40 files each, names from WORDS (deterministic). */
function writeTree(root: string, count: number): void {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(list: readonly T[]) => list[next(list.length)] as T;
  let written = 0;
  for (let dirIndex = 0; written < count; dirIndex++) {
    const depth = 1 + next(4);
    const dir = path.join(root, ...Array.from({ length: depth }, () => `${pick(WORDS)}${next(41)}`), `d${dirIndex}`);
    mkdirSync(dir, { recursive: true });
    const files = 5 + next(36);
    for (let i = 0; i < files && written < count; i++, written++) writeFileSync(path.join(dir, `${pick(WORDS)}_${pick(WORDS)}${i}${pick(EXTS)}`), "");
  }
}

function makeFixture(): Fixture {
  const t0 = performance.now();
  const plain = tempDir("fuzzy-plain");
  writeTree(plain, FILES);
  const git = tempDir("fuzzy-git");
  writeTree(git, FILES);
  execFileSync("git", ["init", "-q", git]);
  progress(`wrote two ${FILES.toLocaleString("en-US")}-file trees in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { plain, git, home: tempDir("fuzzy-home") };
}

async function timedSearch(client: AppServerClient, query: string, root: string): Promise<number> {
  const t0 = performance.now();
  const result = (await client.call("fuzzyFileSearch", { query, roots: [root] }, 120_000)) as { files: unknown[] };
  const ms = performance.now() - t0;
  if (!Array.isArray(result.files)) throw new Error("fuzzyFileSearch: no files array");
  return ms;
}

const benchmark: Benchmark = {
  name: "app-server: fuzzyFileSearch over 100k files",
  repeats: 3,
  precondition: () => missingBuild("app-server"),
  async run({ repetition, repeats }) {
    fixture ??= makeFixture();
    const f = fixture;
    if (repetition === 0) {
      note(
        `two generated trees of ${FILES.toLocaleString("en-US")} empty files (nested 1–5 directories deep, 5–40 files each): a plain directory (walked) and an untracked git work tree (listed with \`git ls-files --others\`); a fresh app-server per repetition`,
      );
      note(
        `first query = the first \`fuzzyFileSearch\` of the process on that root (includes listing the tree); typed = median of ${TYPED.map((q) => `"${q}"`).join(", ")} sent one after another, request → response`,
      );
    }
    for (const [label, root] of [
      ["plain directory", f.plain],
      ["git work tree", f.git],
    ] as const) {
      const client = new AppServerClient(f.home, root);
      try {
        await client.initialize();
        record(`${label}: first query (lists the tree)`, await timedSearch(client, "s", root), { unit: "ms", digits: 0 });
        const typed: number[] = [];
        for (const query of TYPED) typed.push(await timedSearch(client, query, root));
        record(`${label}: typed queries after it (median)`, median(typed), { unit: "ms", digits: 0, goal: { op: "<=", value: 100 } });
      } finally {
        await client.close();
      }
    }
    if (repetition === repeats - 1) {
      for (const dir of [f.plain, f.git, f.home]) removeDir(dir);
      fixture = undefined;
    }
  },
};

export default benchmark;
