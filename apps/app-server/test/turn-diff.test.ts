/**
 * turn/diff/updated carries core's `turn_diff`: the whole turn's diff so far (baseline → now), one
 * notification per patch, not a concatenation of per-patch diffs.
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("turn/diff/updated", () => {
  it("reports the aggregated diff of the whole turn after each patch", async () => {
    const add = "*** Begin Patch\n*** Add File: notes.txt\n+first line\n*** End Patch\n";
    const update = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-first line\n+changed line\n*** End Patch\n";
    fx.fake.enqueue(
      turn([sse.customToolCall("apply_patch", add, { callId: "p1" })]),
      turn([sse.customToolCall("apply_patch", update, { callId: "p2" })]),
      turn([sse.message("done")]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(server, thread.id, "edit");
    const diffs = server.notifications("turn/diff/updated").filter((m) => m.params.turnId === turnId);
    expect(diffs).toHaveLength(2);
    const last = diffs[1]?.params.diff as string;
    // Relative to the turn's baseline the file is new with its final content.
    expect(last).toContain("+changed line");
    expect(last).not.toContain("first line");
    expect(last.match(/diff --git/g)).toHaveLength(1);
  });
});
