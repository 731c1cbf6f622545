import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSandboxCommand, type SandboxCliIo } from "./cli.js";
import { outsideDir, removeDir, tempDir } from "./test-util.js";

let dir: string;
let other: string;
beforeEach(() => {
  dir = tempDir("sbx-cli-");
  other = tempDir("sbx-cli-other-");
  fs.mkdirSync(path.join(dir, ".git"));
});
afterEach(() => {
  removeDir(dir);
  removeDir(other);
});

function capture(extra: Partial<SandboxCliIo> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  err.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const io: SandboxCliIo = {
    stdout: out,
    stderr: err,
    cwd: dir,
    env: { PATH: process.env.PATH, TMPDIR: other },
    ...extra,
  };
  return { io, text: () => ({ stdout, stderr }) };
}

describe("runSandboxCommand: argument errors", () => {
  it("prints usage and returns 2 for bad arguments", async () => {
    for (const args of [
      [],
      ["windows", "--", "true"],
      ["linux"],
      ["linux", "-s", "yolo", "--", "true"],
      ["linux", "--bogus"],
    ]) {
      const c = capture();
      expect(await runSandboxCommand(args, c.io)).toBe(2);
      expect(c.text().stderr).toContain("Usage: codex-ts sandbox");
    }
    const h = capture();
    expect(await runSandboxCommand(["--help"], h.io)).toBe(0);
    expect(h.text().stdout).toContain("--add-dir");
  });

  it.skipIf(process.platform === "darwin")(
    "refuses the macOS sandbox off macOS (fail closed, command not run)",
    async () => {
      const c = capture();
      const marker = path.join(dir, "ran");
      expect(await runSandboxCommand(["macos", "--", "touch", marker], c.io)).toBe(1);
      expect(c.text().stderr).toContain("unsupported");
      expect(fs.existsSync(marker)).toBe(false);
    },
  );
});

describe.skipIf(process.platform !== "linux")("runSandboxCommand linux under real bwrap", () => {
  it("returns the command's exit code and passes its output through", async () => {
    const c = capture();
    expect(
      await runSandboxCommand(["linux", "--", "sh", "-c", "echo hello; echo oops >&2; exit 7"], c.io),
    ).toBe(7);
    expect(c.text()).toEqual({ stdout: "hello\n", stderr: "oops\n" });
  });

  it("feeds stdin when given", async () => {
    const c = capture({ stdin: Readable.from(["piped input\n"]) });
    expect(await runSandboxCommand(["linux", "--", "cat"], c.io)).toBe(0);
    expect(c.text().stdout).toBe("piped input\n");
  });

  it("read-only by default: writes fail", async () => {
    const c = capture();
    const code = await runSandboxCommand(["linux", "--", "sh", "-c", "echo x > f"], c.io);
    expect(code).not.toBe(0);
    expect(c.text().stderr).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(dir, "f"))).toBe(false);
  });

  it("-s workspace-write with -C and --add-dir: writes in the workspace and added dir, not in .git, not elsewhere", async () => {
    // Not under /tmp: workspace-write lets commands write /tmp.
    const outside = outsideDir("sbx-cli-outside-");
    try {
      const c = capture({ cwd: "/" });
      const code = await runSandboxCommand(
        [
          "linux",
          "-s",
          "workspace-write",
          "-C",
          dir,
          "--add-dir",
          other,
          "--",
          "sh",
          "-c",
          `echo a > a.txt && echo b > "${other}/b.txt" && echo ok; echo g > .git/g || echo git-refused; echo o > "${outside}/o" || echo outside-refused`,
        ],
        c.io,
      );
      expect(code).toBe(0);
      expect(c.text().stdout).toBe("ok\ngit-refused\noutside-refused\n");
      expect(fs.existsSync(path.join(dir, "a.txt"))).toBe(true);
      expect(fs.existsSync(path.join(other, "b.txt"))).toBe(true);
      expect(fs.existsSync(path.join(dir, ".git/g"))).toBe(false);
      expect(fs.existsSync(path.join(outside, "o"))).toBe(false);
    } finally {
      removeDir(outside);
    }
  });

  it("bwrap missing: one readable line, exit 1, the command does not run", async () => {
    const c = capture({ env: { PATH: path.join(other, "empty-bin") } });
    const marker = path.join(dir, "ran");
    expect(
      await runSandboxCommand(["linux", "-s", "workspace-write", "--", "/usr/bin/touch", marker], c.io),
    ).toBe(1);
    expect(c.text().stderr).toMatch(/^codex-ts sandbox: bubblewrap \(bwrap\) was not found/);
    expect(fs.existsSync(marker)).toBe(false);
    const c2 = capture({ bwrapPath: "/nonexistent/bwrap" });
    expect(await runSandboxCommand(["linux", "--", "/usr/bin/touch", marker], c2.io)).toBe(1);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("--full-auto means workspace-write", async () => {
    const c = capture();
    expect(await runSandboxCommand(["linux", "--full-auto", "--", "sh", "-c", "echo x > f"], c.io)).toBe(0);
    expect(fs.existsSync(path.join(dir, "f"))).toBe(true);
  });

  it("danger-full-access runs unsandboxed", async () => {
    const c = capture();
    expect(
      await runSandboxCommand(["linux", "-s", "danger-full-access", "--", "sh", "-c", "echo x > f"], c.io),
    ).toBe(0);
    expect(fs.existsSync(path.join(dir, "f"))).toBe(true);
  });

  it("a command killed by a signal maps to 128 + signal number", async () => {
    const c = capture();
    expect(await runSandboxCommand(["linux", "--", "sh", "-c", "kill -TERM $$"], c.io)).toBe(143);
  });
});
