import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fuzzyFileSearch, fuzzyScore, listFiles } from "./fuzzy-search.js";

const dirs: string[] = [];
function tree(files: string[], git: boolean): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "codex-fuzzy-"));
  dirs.push(root);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), "");
  }
  if (git) execFileSync("git", ["init", "-q", root]);
  return root;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("fuzzyFileSearch", () => {
  it("respects .gitignore in a git work tree and ranks file-name matches first", async () => {
    const root = tree([".gitignore", "src/server.ts", "src/deep/nested/s_e_r_v_e_r.txt", "build/server.js", "docs/observer.md"], true);
    writeFileSync(path.join(root, ".gitignore"), "build/\n");
    const found = await fuzzyFileSearch("server", [root]);
    expect(found.map((f) => f.path)).not.toContain("build/server.js");
    expect(found[0]).toMatchObject({ root, path: "src/server.ts", file_name: "server.ts", match_type: "file" });
    expect(found.map((f) => f.path)).toContain("docs/observer.md");
    for (const match of found) expect(match.score).toBeGreaterThanOrEqual(0);
  });

  it("walks a plain directory, skipping node_modules and dot-directories; empty query → nothing", async () => {
    const root = tree(["a/readme.md", "node_modules/x/readme.md", ".cache/readme.md"], false);
    expect((await fuzzyFileSearch("readme", [root])).map((f) => f.path)).toEqual(["a/readme.md"]);
    expect(await fuzzyFileSearch("  ", [root])).toEqual([]);
  });

  it("walks a deep, wide tree completely (many directories at once)", async () => {
    const files = Array.from({ length: 40 }, (_, d) => Array.from({ length: 12 }, (_, f) => `d${d}/e${d % 7}/f${f}.txt`)).flat();
    const root = tree(files, false);
    expect((await listFiles(root)).sort()).toEqual([...files].sort());
  });

  it("answers a stale listing at once and refreshes it in the background", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const root = tree(["one.txt"], false);
      expect((await fuzzyFileSearch("one", [root])).map((f) => f.path)).toEqual(["one.txt"]);
      writeFileSync(path.join(root, "two.txt"), "");
      // Fresh (under 5 s): the cached listing.
      expect(await fuzzyFileSearch("two", [root])).toEqual([]);
      // Stale: still the old listing for this query, the new file once the refresh finished.
      vi.setSystemTime(Date.now() + 6_000);
      expect(await fuzzyFileSearch("two", [root])).toEqual([]);
      await vi.waitFor(async () => expect((await fuzzyFileSearch("two", [root])).map((f) => f.path)).toEqual(["two.txt"]));
    } finally {
      vi.useRealTimers();
    }
  });

  it("scores contiguous and boundary matches higher, with the matched indices", () => {
    const tight = fuzzyScore("src/app.ts", "app");
    const loose = fuzzyScore("a/p/p.ts", "app");
    expect(tight?.indices).toEqual([4, 5, 6]);
    expect(tight && loose && tight.score > loose.score).toBe(true);
    expect(fuzzyScore("abc", "abd")).toBeNull();
  });
});
