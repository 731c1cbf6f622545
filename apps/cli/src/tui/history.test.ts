import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openPromptHistory } from "./history.js";

let home: string | undefined;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

describe("prompt history (history.jsonl)", () => {
  it("recalls prompts recorded by an earlier session, oldest first", async () => {
    home = mkdtempSync(path.join(tmpdir(), "tui-history-"));
    const first = await openPromptHistory(home, {});
    expect(first?.entries).toEqual([]);
    first!.record("thread-1", "first prompt");
    first!.record("thread-1", "second prompt");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = readFileSync(path.join(home, "history.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.session_id, l.text])).toEqual([
      ["thread-1", "first prompt"],
      ["thread-1", "second prompt"],
    ]);
    const second = await openPromptHistory(home, {});
    expect(second?.entries).toEqual(["first prompt", "second prompt"]);
  });
});
