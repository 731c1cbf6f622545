import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();
let other: string;

function gitInit(dir: string): void {
  execFileSync("git", ["init", "-q"], { cwd: dir });
}

beforeEach(() => {
  writeFileSync(path.join(fx.work, "old.txt"), "one\ntwo\nthree\n");
  writeFileSync(path.join(fx.work, "gone.txt"), "bye\n");
  other = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-apply-")));
  gitInit(other);
  writeFileSync(path.join(other, "old.txt"), "one\ntwo\nthree\n");
  writeFileSync(path.join(other, "gone.txt"), "bye\n");
});
afterEach(() => rmSync(other, { recursive: true, force: true }));

const PATCH = [
  "*** Begin Patch",
  "*** Add File: new.txt",
  "+hello",
  "*** Update File: old.txt",
  "@@",
  " one",
  "-two",
  "+TWO",
  "*** Delete File: gone.txt",
  "*** End Patch",
].join("\n");

describe("codex-ts apply", () => {
  it("applies the last turn's changes of a session to another working tree with git apply", async () => {
    fx.server.enqueue(turn(sse.customToolCall("apply_patch", PATCH, { callId: "p1" })), turn(sse.message("patched")));
    const run = await runBin(["exec", "--json", "-s", "danger-full-access", ...fx.providerArgs(), "edit"], { cwd: fx.work, env: fx.env() });
    expect(run.code).toBe(0);
    const id = JSON.parse(run.stdout.split("\n")[0]!).thread_id;

    const r = await runBin(["apply", id], { cwd: other, env: fx.env() });
    expect(r.stderr).toBe("");
    expect(r).toMatchObject({ code: 0, stdout: `Successfully applied the last turn's changes of session ${id}.\n` });
    expect(readFileSync(path.join(other, "new.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(path.join(other, "old.txt"), "utf8")).toBe("one\nTWO\nthree\n");
    expect(() => readFileSync(path.join(other, "gone.txt"))).toThrow();

    // Applying again fails in one line: git says the patch no longer applies.
    const again = await runBin(["apply", id], { cwd: other, env: fx.env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Error: git apply failed: /);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a session that changed nothing, or none at all, is one line and exit 1", async () => {
    fx.server.enqueue(turn(sse.message("nothing to do")));
    await runBin(["exec", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    const r = await runBin(["apply"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: session \S+ changed no files\n$/);
    const none = await runBin(["apply", "no-such-thread"], { cwd: fx.work, env: fx.env() });
    expect(none).toMatchObject({ code: 1, stderr: "Error: No session found matching 'no-such-thread'.\n" });
  });
});
