import { describe, expect, it } from "vitest";
import { runInProcess } from "../../test/helpers.js";
import { threadSettings } from "./command.js";

describe("codex-ts [PROMPT] / resume / fork arguments", () => {
  it("refuses to open without a terminal on stdin or stdout, in one line, exit 1", async () => {
    for (const argv of [[], ["fix the tests"], ["resume", "--last"], ["fork", "abc"]]) {
      const piped = await runInProcess(argv, { stdin: "", stdoutIsTTY: true });
      expect(piped.code).toBe(1);
      expect(piped.stderr.trim().split("\n")).toHaveLength(1);
      expect(piped.stderr).toContain("needs a TTY");
      const redirected = await runInProcess(argv);
      expect(redirected.code).toBe(1);
    }
  });

  it("keeps --help working and lists resume and fork", async () => {
    const r = await runInProcess(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("[PROMPT]");
    expect(r.stdout).toMatch(/resume/);
    expect(r.stdout).toMatch(/fork/);
    const resume = await runInProcess(["resume", "--help"]);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain("--last");
  });

  it("names a bad flag value before anything opens, exit 2", async () => {
    const r = await runInProcess(["-s", "sideways", "hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("sideways");
  });

  it("turns flags and -c/--enable overrides into thread settings", () => {
    const built = threadSettings({
      config: ['model_reasoning_effort="high"', "x.y=3", "plain=some text"],
      enable: ["f1"],
      model: "m1",
      sandbox: "read-only",
    });
    expect(built).toEqual({
      ok: true,
      explicit: true,
      settings: {
        model: "m1",
        sandbox: "read-only",
        config: { model_reasoning_effort: "high", "x.y": 3, plain: "some text", "features.f1": true },
      },
    });
    expect(threadSettings({ yolo: true, "dangerously-bypass-approvals-and-sandbox": true })).toMatchObject({
      settings: { sandbox: "danger-full-access", approvalPolicy: "never" },
    });
    expect(threadSettings({ config: ["novalue"] })).toMatchObject({ ok: false });
  });
});
