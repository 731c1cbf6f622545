// turn_diff events against the fake model server: two apply_patch calls in one turn give one
// aggregated diff from the turn's baselines; the next turn starts from new baselines.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Session } from "./session.js";
import { say, startSession } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-turn-diff-")));
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

describe("turn_diff", () => {
  it("aggregates the turn's patches from the first-touch baselines", async () => {
    writeFileSync(path.join(dir, "keep.txt"), "one\ntwo\nthree\n");
    server.enqueue(
      turn(sse.customToolCall("apply_patch", patch("*** Update File: keep.txt", "@@", " one", "-two", "+TWO", " three"), { callId: "p1" })),
      turn(sse.customToolCall("apply_patch", patch("*** Update File: keep.txt", "@@", " TWO", "-three", "+THREE", "*** Add File: new.txt", "+hello"), { callId: "p2" })),
      turn(sse.message("patched")),
      turn(sse.customToolCall("apply_patch", patch("*** Delete File: new.txt"), { callId: "p3" })),
      turn(sse.message("deleted")),
    );
    const h = startSession(server, dir);
    session = h.session;
    h.session.submit(say("edit"));
    await h.turnEnd();
    const diffs = h.events.filter((e) => e.msg.type === "turn_diff").map((e) => (e.msg as { unified_diff: string }).unified_diff);
    expect(diffs).toHaveLength(2);
    expect(diffs[0]).toBe(
      ["diff --git a/keep.txt b/keep.txt", "--- a/keep.txt", "+++ b/keep.txt", "@@ -1,3 +1,3 @@", " one", "-two", "+TWO", " three", ""].join("\n"),
    );
    // The second diff covers both patches: keep.txt against its original content, plus the new file.
    expect(diffs[1]).toBe(
      [
        "diff --git a/keep.txt b/keep.txt",
        "--- a/keep.txt",
        "+++ b/keep.txt",
        "@@ -1,3 +1,3 @@",
        " one",
        "-two",
        "-three",
        "+TWO",
        "+THREE",
        "diff --git a/new.txt b/new.txt",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/new.txt",
        "@@ -0,0 +1 @@",
        "+hello",
        "",
      ].join("\n"),
    );
    // turn_diff follows the FileChange item it reflects.
    const types = h.events.map((e) => e.msg.type);
    expect(types.indexOf("turn_diff")).toBeGreaterThan(types.indexOf("item_completed"));

    // A new turn: baselines start over (new.txt exists now, so deleting it is the whole diff).
    const before = h.events.length;
    h.session.submit(say("delete"));
    await h.waitFor((e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "deleted");
    const next = h.events.slice(before).filter((e) => e.msg.type === "turn_diff");
    expect(next.map((e) => (e.msg as any).unified_diff)).toEqual([
      ["diff --git a/new.txt b/new.txt", "deleted file mode 100644", "--- a/new.txt", "+++ /dev/null", "@@ -1 +0,0 @@", "-hello", ""].join("\n"),
    ]);
  });

  it("emits nothing for a patch that fails verification", async () => {
    server.enqueue(
      turn(sse.customToolCall("apply_patch", patch("*** Update File: missing.txt", "@@", "-a", "+b"), { callId: "p1" })),
      turn(sse.message("oops")),
    );
    const h = startSession(server, dir);
    session = h.session;
    h.session.submit(say("edit"));
    await h.turnEnd();
    expect(h.events.some((e) => e.msg.type === "turn_diff")).toBe(false);
  });
});
