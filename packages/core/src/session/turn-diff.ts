/**
 * The aggregated diff of one turn's file changes (codex-rs `TurnDiffTracker` semantics): the first
 * time the turn touches a file, its content is remembered as the baseline; the turn diff is every
 * touched file's baseline against its current content, as one git-style unified diff.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { structuredPatch } from "diff";

const CONTEXT_LINES = 3;

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** `a/<path>`-style name: relative to `root` when inside it, else the absolute path. */
function displayPath(file: string, root: string): string {
  const rel = path.relative(root, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file.replace(/^\/+/, "");
}

export class TurnDiffTracker {
  private readonly baselines = new Map<string, string | null>();

  /** Remember the current content of each path not seen yet this turn (call before writing). */
  snapshot(paths: Iterable<string>): void {
    for (const p of paths) {
      const abs = path.resolve(p);
      if (!this.baselines.has(abs)) this.baselines.set(abs, readOrNull(abs));
    }
  }

  get touched(): number {
    return this.baselines.size;
  }

  /** The unified diff from the baselines to what is on disk now ("" when nothing changed). */
  unifiedDiff(root: string): string {
    const out: string[] = [];
    for (const file of [...this.baselines.keys()].sort()) {
      const before = this.baselines.get(file) ?? null;
      const after = readOrNull(file);
      if (before === after) continue;
      const name = displayPath(file, root);
      out.push(`diff --git a/${name} b/${name}`);
      if (before === null) out.push("new file mode 100644");
      if (after === null) out.push("deleted file mode 100644");
      out.push(before === null ? "--- /dev/null" : `--- a/${name}`);
      out.push(after === null ? "+++ /dev/null" : `+++ b/${name}`);
      const patch = structuredPatch(name, name, before ?? "", after ?? "", undefined, undefined, {
        context: CONTEXT_LINES,
      });
      for (const hunk of patch.hunks) {
        // An empty side names the line before it (0 for an empty file), as in `diff -u`.
        const range = (start: number, lines: number) =>
          lines === 1 ? `${start}` : `${lines === 0 ? start - 1 : start},${lines}`;
        out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
        for (const line of hunk.lines) out.push(line);
      }
    }
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }
}
