import { describe, expect, it } from "vitest";
import { parseCommandActions } from "./command-actions.js";

describe("parseCommandActions", () => {
  it("reads, lists, searches; unknown otherwise", () => {
    expect(parseCommandActions(["cat", "src/a.ts"])).toEqual([{ type: "read", command: "cat src/a.ts", name: "a.ts", path: "src/a.ts" }]);
    expect(parseCommandActions(["sed", "-n", "1,20p", "b.md"])).toEqual([{ type: "read", command: "sed -n 1,20p b.md", name: "b.md", path: "b.md" }]);
    expect(parseCommandActions(["ls", "-la", "docs"])).toEqual([{ type: "listFiles", command: "ls -la docs", path: "docs" }]);
    expect(parseCommandActions(["rg", "--files"])).toEqual([{ type: "listFiles", command: "rg --files", path: null }]);
    expect(parseCommandActions(["rg", "-n", "TODO", "src"])).toEqual([{ type: "search", command: "rg -n TODO src", query: "TODO", path: "src" }]);
    expect(parseCommandActions(["make", "test"])).toEqual([{ type: "unknown", command: "make test" }]);
  });

  it("reads through bash -lc scripts, pipelines and && chains", () => {
    expect(parseCommandActions(["/bin/bash", "-lc", "cd src && grep -rn 'a b' . | head -5"])).toEqual([
      { type: "search", command: "grep -rn 'a b' .", query: "a b", path: "." },
      { type: "unknown", command: "head -5" },
    ]);
    // As Codex 0.169 reports a user shell command `x`: the script, not the wrapper.
    expect(parseCommandActions("/bin/bash -lc x")).toEqual([{ type: "unknown", command: "x" }]);
    expect(parseCommandActions(["bash", "-lc", "cat 'my file.txt'"])).toEqual([
      { type: "read", command: "cat 'my file.txt'", name: "my file.txt", path: "my file.txt" },
    ]);
  });
});
