import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TurnDiffTracker } from "./turn-diff.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("TurnDiffTracker", () => {
  it("diffs baselines (first touch) against the current content: update, add, delete", () => {
    const root = mkdtempSync(path.join(tmpdir(), "turn-diff-"));
    dirs.push(root);
    const a = path.join(root, "a.txt");
    const gone = path.join(root, "gone.txt");
    writeFileSync(a, "one\ntwo\n");
    writeFileSync(gone, "bye\n");
    const t = new TurnDiffTracker();
    t.snapshot([a, gone, path.join(root, "new.txt")]);
    writeFileSync(a, "one\nTWO\n");
    t.snapshot([a]); // a second touch keeps the first baseline
    writeFileSync(a, "one\nTWO\nthree\n");
    writeFileSync(path.join(root, "new.txt"), "hello\n");
    unlinkSync(gone);
    expect(t.unifiedDiff(root)).toBe(
      [
        "diff --git a/a.txt b/a.txt",
        "--- a/a.txt",
        "+++ b/a.txt",
        "@@ -1,2 +1,3 @@",
        " one",
        "-two",
        "+TWO",
        "+three",
        "diff --git a/gone.txt b/gone.txt",
        "deleted file mode 100644",
        "--- a/gone.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
        "diff --git a/new.txt b/new.txt",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/new.txt",
        "@@ -0,0 +1 @@",
        "+hello",
        "",
      ].join("\n"),
    );
  });

  it("is empty when the files are back to their baselines", () => {
    const root = mkdtempSync(path.join(tmpdir(), "turn-diff-"));
    dirs.push(root);
    const a = path.join(root, "a.txt");
    writeFileSync(a, "x\n");
    const t = new TurnDiffTracker();
    t.snapshot([a]);
    writeFileSync(a, "y\n");
    writeFileSync(a, "x\n");
    expect(t.unifiedDiff(root)).toBe("");
  });
});
