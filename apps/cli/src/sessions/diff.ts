import path from "node:path";
import type { FileChange, RolloutLine } from "@codex-ts/protocol";

/** Lines of `text` as a diff body with `mark` in front (and git's note when the last has no newline). */
function body(text: string, mark: "+" | "-"): string {
  if (text === "") return "";
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const out = lines.map((l) => `${mark}${l}`).join("\n");
  return text.endsWith("\n") ? `${out}\n` : `${out}\n\\ No newline at end of file\n`;
}

function count(text: string): number {
  if (text === "") return 0;
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n").length;
}

/** One file's change as a `git apply` section; paths relative to `root`. */
function section(file: string, change: FileChange, root: string): string {
  const rel = (p: string) => path.relative(root, path.resolve(root, p)).split(path.sep).join("/");
  const a = rel(file);
  switch (change.type) {
    case "add": {
      const n = count(change.content);
      return `diff --git a/${a} b/${a}\nnew file mode 100644\n--- /dev/null\n+++ b/${a}\n${n ? `@@ -0,0 +1,${n} @@\n${body(change.content, "+")}` : ""}`;
    }
    case "delete": {
      const n = count(change.content);
      return `diff --git a/${a} b/${a}\ndeleted file mode 100644\n--- a/${a}\n+++ /dev/null\n${n ? `@@ -1,${n} +0,0 @@\n${body(change.content, "-")}` : ""}`;
    }
    case "update": {
      const b = change.move_path ? rel(change.move_path) : a;
      const rename = b !== a ? `rename from ${a}\nrename to ${b}\n` : "";
      const hunks = change.unified_diff.slice(change.unified_diff.indexOf("@@"));
      const diff = change.unified_diff.includes("@@") ? `--- a/${a}\n+++ b/${b}\n${hunks.endsWith("\n") ? hunks : `${hunks}\n`}` : "";
      return `diff --git a/${a} b/${b}\n${rename}${diff}`;
    }
  }
}

/**
 * The changes of the last turn that changed files (its successful `patch_apply_end` events), as
 * one git-style diff with paths relative to `root`; null when no turn changed anything.
 */
export function lastTurnDiff(lines: readonly RolloutLine[], root: string): string | null {
  const turns = new Map<string, Array<Record<string, FileChange>>>();
  let last: string | null = null;
  for (const line of lines) {
    if (line.type !== "event_msg" || line.payload.type !== "patch_apply_end" || !line.payload.success) continue;
    const turn = line.payload.turn_id;
    if (!turns.has(turn)) turns.set(turn, []);
    turns.get(turn)!.push(line.payload.changes);
    last = turn;
  }
  if (last === null) return null;
  const sections = turns.get(last)!.flatMap((changes) => Object.entries(changes).map(([file, change]) => section(file, change, root)));
  return sections.length > 0 ? sections.join("") : null;
}
