import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type TestContext, customCall, fnCall, makeContext } from "../test-context.js";
import { seekSequence } from "./apply.js";
import { APPLY_PATCH_LARK_GRAMMAR, applyPatchHandler } from "./handler.js";
import { parsePatch } from "./parser.js";

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

describe("parsePatch", () => {
  it("parses add, delete, update with move, context and end of file", () => {
    const r = parsePatch(
      wrap(
        [
          "*** Add File: a/new.txt",
          "+one",
          "+two",
          "*** Delete File: gone.txt",
          "*** Update File: src/x.py",
          "*** Move to: src/y.py",
          "@@ def f():",
          "-    pass",
          "+    return 1",
          "@@",
          " tail",
          "+more",
          "*** End of File",
        ].join("\n"),
      ),
    );
    expect(r).toMatchObject({
      ok: true,
      hunks: [
        { type: "add", path: "a/new.txt", contents: "one\ntwo\n" },
        { type: "delete", path: "gone.txt" },
        {
          type: "update",
          path: "src/x.py",
          movePath: "src/y.py",
          chunks: [
            { context: "def f():", oldLines: ["    pass"], newLines: ["    return 1"], endOfFile: false },
            { oldLines: ["tail"], newLines: ["tail", "more"], endOfFile: true },
          ],
        },
      ],
    });
  });

  it("accepts padded markers, a heredoc wrapper, and a first chunk without @@", () => {
    const padded = parsePatch("  *** Begin Patch \n*** Update File: f\n import x\n+y\n *** End Patch  ");
    expect(padded.ok).toBe(true);
    const heredoc = parsePatch("<<'EOF'\n*** Begin Patch\n*** Add File: f\n+hi\n*** End Patch\nEOF\n");
    expect(heredoc).toMatchObject({ ok: true, hunks: [{ type: "add", path: "f", contents: "hi\n" }] });
  });

  it("gives clear errors for malformed patches", () => {
    expect(parsePatch("bad")).toEqual({
      ok: false,
      error: "invalid patch: The first line of the patch must be '*** Begin Patch'",
    });
    expect(parsePatch("*** Begin Patch\nbad")).toEqual({
      ok: false,
      error: "invalid patch: The last line of the patch must be '*** End Patch'",
    });
    expect(parsePatch(wrap("*** Update File: t.py"))).toEqual({
      ok: false,
      error: "invalid hunk at line 2, Update file hunk for path 't.py' is empty",
    });
    const badHeader = parsePatch(wrap("*** Frobnicate File: x"));
    expect(badHeader.ok).toBe(false);
    if (!badHeader.ok) expect(badHeader.error).toContain("is not a valid hunk header");
    const badLine = parsePatch(wrap("*** Update File: x\n@@\n?what"));
    expect(badLine.ok).toBe(false);
    if (!badLine.ok) expect(badLine.error).toContain("Unexpected line found in update hunk: '?what'");
  });

  it("ships the Lark grammar for the freeform tool", () => {
    expect(APPLY_PATCH_LARK_GRAMMAR).toContain('begin_patch: "*** Begin Patch" LF');
    expect(APPLY_PATCH_LARK_GRAMMAR).toContain('eof_line: "*** End of File" LF');
  });
});

describe("seekSequence", () => {
  it("matches exactly, then ignoring whitespace, then normalising punctuation", () => {
    expect(seekSequence(["a", "b", "c"], ["b", "c"], 0, false)).toBe(1);
    expect(seekSequence(["foo   ", "bar\t"], ["foo", "bar"], 0, false)).toBe(0);
    expect(seekSequence(["   foo  "], ["foo"], 0, false)).toBe(0);
    expect(seekSequence(["say \u201Chi\u201D \u2014 ok"], ['say "hi" - ok'], 0, false)).toBe(0);
    expect(seekSequence(["one"], ["too", "many"], 0, false)).toBeUndefined();
    expect(seekSequence(["x", "y", "x"], ["x"], 0, true)).toBe(2);
  });
});

describe("apply_patch tool on real files", () => {
  let t: TestContext;
  afterEach(() => t?.cleanup());

  const file = (rel: string) => path.join(t.dir, rel);
  const read = (rel: string) => readFileSync(file(rel), "utf8");

  it("adds, updates, moves and deletes files (function form)", async () => {
    t = makeContext();
    writeFileSync(file("modify.txt"), "line1\nline2\nline3\n");
    writeFileSync(file("delete.txt"), "bye\n");
    mkdirSync(file("old"));
    writeFileSync(file("old/name.txt"), "keep\nchange me\n");
    const patch = wrap(
      [
        "*** Add File: nested/new.txt",
        "+created",
        "*** Update File: modify.txt",
        "@@",
        " line1",
        "-line2",
        "+changed",
        "*** Delete File: delete.txt",
        "*** Update File: old/name.txt",
        "*** Move to: renamed/dir/name.txt",
        "@@",
        " keep",
        "-change me",
        "+changed me",
      ].join("\n"),
    );
    const result = await applyPatchHandler("function").handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(result.success).toBe(true);
    expect(result.output).toBe(
      "Success. Updated the following files:\nA nested/new.txt\nM modify.txt\nM renamed/dir/name.txt\nD delete.txt\n",
    );
    expect(read("nested/new.txt")).toBe("created\n");
    expect(read("modify.txt")).toBe("line1\nchanged\nline3\n");
    expect(existsSync(file("delete.txt"))).toBe(false);
    expect(existsSync(file("old/name.txt"))).toBe(false);
    expect(read("renamed/dir/name.txt")).toBe("keep\nchanged me\n");

    const started = t.events.find((e) => e.type === "item_started");
    const completed = t.events.find((e) => e.type === "item_completed");
    expect(started?.type === "item_started" && started.item).toMatchObject({
      type: "file_change",
      status: "in_progress",
    });
    expect(completed?.type === "item_completed" && completed.item).toMatchObject({
      type: "file_change",
      status: "completed",
      changes: {
        [file("nested/new.txt")]: { type: "add", content: "created\n" },
        [file("delete.txt")]: { type: "delete", content: "bye\n" },
        [file("modify.txt")]: { type: "update", unified_diff: "@@ -1,3 +1,3 @@\n line1\n-line2\n+changed\n line3\n" },
        [file("old/name.txt")]: { type: "update", move_path: file("renamed/dir/name.txt") },
      },
    });
    expect(t.approvals).toHaveLength(0); // all inside the workspace under on-request
  });

  it("applies a freeform patch with @@ context, fuzzy whitespace and end of file", async () => {
    t = makeContext();
    writeFileSync(file("code.py"), "class A:\n    def f(self):\n        return 1   \n\ndef g():\n    return 1\n");
    const patch = wrap(
      [
        "*** Update File: code.py",
        "@@ def g():",
        "-    return 1",
        "+    return 2",
        "*** End of File",
        "@@ class A:",
        "-        return 1",
        "+        return 3",
      ].join("\n"),
    );
    // Chunks are located in order, so the second chunk after the first cannot find its context.
    const failed = await applyPatchHandler("freeform").handle(customCall("apply_patch", patch), t.ctx);
    expect(failed.success).toBe(false);
    expect(failed.output).toContain("Failed to find context 'class A:' in code.py");

    const good = wrap(
      [
        "*** Update File: code.py",
        "@@ class A:",
        "-        return 1",
        "+        return 3",
        "@@ def g():",
        "-    return 1",
        "+    return 2",
        "*** End of File",
      ].join("\n"),
    );
    const ok = await applyPatchHandler("freeform").handle(customCall("apply_patch", good), t.ctx);
    expect(ok).toEqual({ output: "Success. Updated the following files:\nM code.py\n", success: true });
    expect(read("code.py")).toBe("class A:\n    def f(self):\n        return 3\n\ndef g():\n    return 2\n");
  });

  it("appends a trailing newline and supports pure additions", async () => {
    t = makeContext();
    writeFileSync(file("n.txt"), "no newline");
    const r = await applyPatchHandler("function").handle(
      fnCall("apply_patch", { input: wrap("*** Update File: n.txt\n@@\n+added") }),
      t.ctx,
    );
    expect(r.success).toBe(true);
    expect(read("n.txt")).toBe("no newline\nadded\n");
  });

  it("validates every hunk before writing anything", async () => {
    t = makeContext();
    writeFileSync(file("a.txt"), "alpha\n");
    const patch = wrap(
      ["*** Add File: created.txt", "+x", "*** Update File: a.txt", "@@", "-missing line", "+beta"].join("\n"),
    );
    const r = await applyPatchHandler("function").handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(r.success).toBe(false);
    expect(r.output).toBe("apply_patch verification failed: Failed to find expected lines in a.txt:\nmissing line");
    expect(existsSync(file("created.txt"))).toBe(false);
    expect(read("a.txt")).toBe("alpha\n");
    expect(t.events).toHaveLength(0);
  });

  it("reports missing files, directories and bad arguments clearly", async () => {
    t = makeContext();
    mkdirSync(file("dir"));
    const h = applyPatchHandler("function");
    const missing = await h.handle(fnCall("apply_patch", { input: wrap("*** Delete File: nope.txt") }), t.ctx);
    expect(missing.output).toBe(
      "apply_patch verification failed: Failed to delete file nope.txt: No such file or directory",
    );
    const dir = await h.handle(fnCall("apply_patch", { input: wrap("*** Delete File: dir") }), t.ctx);
    expect(dir.output).toContain("Is a directory");
    const update = await h.handle(
      fnCall("apply_patch", { input: wrap("*** Update File: nope.txt\n@@\n-a\n+b") }),
      t.ctx,
    );
    expect(update.output).toContain("Failed to read file to update nope.txt: No such file or directory");
    const badJson = await h.handle(
      { callId: "c", name: "apply_patch", payload: { type: "function", arguments: "{not json" } },
      t.ctx,
    );
    expect(badJson.success).toBe(false);
    expect(badJson.output).toMatch(/^failed to parse function arguments/);
    const wrongShape = await h.handle(fnCall("apply_patch", { patch: "x" }), t.ctx);
    expect(wrongShape.output).toContain("input");
    const empty = await h.handle(fnCall("apply_patch", { input: "*** Begin Patch\n*** End Patch" }), t.ctx);
    expect(empty.output).toBe("apply_patch verification failed: No files were modified.");
  });

  it("sequential hunks see earlier ones (add then update the same file)", async () => {
    t = makeContext();
    const patch = wrap(["*** Add File: f.txt", "+a", "*** Update File: f.txt", "@@", "-a", "+b"].join("\n"));
    const r = await applyPatchHandler("function").handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(r.success).toBe(true);
    expect(read("f.txt")).toBe("b\n");
  });
});

describe("apply_patch approvals", () => {
  let t: TestContext;
  afterEach(() => t?.cleanup());
  const patch = wrap("*** Add File: out.txt\n+hello");

  it("asks under untrusted; approved applies, denied declines, abort ends the turn", async () => {
    t = makeContext({ approvalPolicy: "untrusted", decide: () => "approved" });
    const h = applyPatchHandler("function");
    const ok = await h.handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(ok.success).toBe(true);
    expect(t.approvals).toHaveLength(1);
    expect(t.approvals[0]).toMatchObject({
      kind: "patch",
      callId: "call-1",
      turnId: "turn-1",
      availableDecisions: ["approved", "approved_for_session", "denied", "abort"],
    });
    expect(t.approvals[0]?.approvalId).toMatch(/^[0-9a-f-]{36}$/);
    t.cleanup();

    t = makeContext({ approvalPolicy: "untrusted", decide: () => "denied" });
    const denied = await h.handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(denied).toEqual({ output: "patch rejected by user", success: false });
    expect(existsSync(path.join(t.dir, "out.txt"))).toBe(false);
    const last = t.events[t.events.length - 1];
    expect(last?.type === "item_completed" && last.item.type === "file_change" && last.item.status).toBe(
      "declined",
    );
    t.cleanup();

    t = makeContext({ approvalPolicy: "untrusted", decide: () => "abort" });
    const aborted = await h.handle(fnCall("apply_patch", { input: patch }), t.ctx);
    expect(aborted).toEqual({ output: "patch rejected by user", success: false, abortTurn: true });
  });

  it("remembers approved_for_session per path", async () => {
    t = makeContext({ approvalPolicy: "untrusted", decide: () => "approved_for_session" });
    const h = applyPatchHandler("function");
    await h.handle(fnCall("apply_patch", { input: patch }), t.ctx);
    const again = await h.handle(
      fnCall("apply_patch", { input: wrap("*** Update File: out.txt\n@@\n-hello\n+bye") }),
      t.ctx,
    );
    expect(again.success).toBe(true);
    expect(t.approvals).toHaveLength(1);
    expect(readFileSync(path.join(t.dir, "out.txt"), "utf8")).toBe("bye\n");
  });

  it("protected .git inside the workspace needs approval", async () => {
    t = makeContext({ approvalPolicy: "on-request", decide: () => "denied" });
    mkdirSync(path.join(t.dir, ".git"));
    const r = await applyPatchHandler("function").handle(
      fnCall("apply_patch", { input: wrap("*** Add File: .git/hooks-evil\n+x") }),
      t.ctx,
    );
    expect(r.success).toBe(false);
    expect(t.approvals).toHaveLength(1);
    expect(existsSync(path.join(t.dir, ".git/hooks-evil"))).toBe(false);
  });

  it("outside writable roots: asks under on-request, rejects under never, always asks in read-only", async () => {
    const outside = makeContext();
    const outsidePath = path.join(outside.dir, "x.txt");
    try {
      const ws = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };
      t = makeContext({ approvalPolicy: "never", sandboxPolicy: ws });
      const h = applyPatchHandler("function");
      const rejected = await h.handle(fnCall("apply_patch", { input: wrap(`*** Add File: ${outsidePath}\n+x`) }), t.ctx);
      expect(rejected.success).toBe(false);
      expect(rejected.output).toContain("rejected by user approval settings");
      expect(existsSync(outsidePath)).toBe(false);
      t.cleanup();

      t = makeContext({ approvalPolicy: "on-request", sandboxPolicy: ws, decide: () => "approved" });
      const asked = await h.handle(fnCall("apply_patch", { input: wrap(`*** Add File: ${outsidePath}\n+x`) }), t.ctx);
      expect(asked.success).toBe(true);
      expect(t.approvals).toHaveLength(1);
      expect(readFileSync(outsidePath, "utf8")).toBe("x\n");
      t.cleanup();

      t = makeContext({ approvalPolicy: "on-request", sandboxPolicy: { type: "read-only" }, decide: () => "denied" });
      const ro = await h.handle(fnCall("apply_patch", { input: wrap("*** Add File: inside.txt\n+x") }), t.ctx);
      expect(ro.success).toBe(false);
      expect(t.approvals).toHaveLength(1);
      expect(existsSync(path.join(t.dir, "inside.txt"))).toBe(false);
    } finally {
      outside.cleanup();
    }
  });
});
