/**
 * apply_patch's file replacement: a SIGKILL at any instant leaves each file old or new (never
 * truncated), and replacing keeps what in-place writing kept (mode, symlinks).
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { replaceFile } from "./apply.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** tsx from the workspace root (vite/tsup bring it): runs apply.ts's source in a plain subprocess. */
const TSX = path.resolve(here, "../../../node_modules/.bin/tsx");

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "replace-file-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("replaceFile", () => {
  it("keeps the mode, follows a symlink, creates new files and leaves no temp file", async () => {
    const dir = tempDir();
    const script = path.join(dir, "run.sh");
    writeFileSync(script, "old\n");
    chmodSync(script, 0o750);
    await replaceFile(script, "new\n");
    expect(readFileSync(script, "utf8")).toBe("new\n");
    expect(statSync(script).mode & 0o777).toBe(0o750);

    writeFileSync(path.join(dir, "target.txt"), "t-old\n");
    symlinkSync("target.txt", path.join(dir, "link.txt"));
    await replaceFile(path.join(dir, "link.txt"), "t-new\n");
    expect(lstatSync(path.join(dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, "link.txt"))).toBe("target.txt");
    expect(readFileSync(path.join(dir, "target.txt"), "utf8")).toBe("t-new\n");

    await replaceFile(path.join(dir, "fresh.txt"), "hello\n");
    expect(readFileSync(path.join(dir, "fresh.txt"), "utf8")).toBe("hello\n");
    expect(readdirSync(dir).sort()).toEqual(["fresh.txt", "link.txt", "run.sh", "target.txt"]);
  });

  it("a writer SIGKILLed mid-write leaves every file old or new, never partial", { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const files = Array.from({ length: 40 }, (_, i) => path.join(dir, `f${i}.txt`));
    const OLD = `${"old line\n".repeat(200_000)}`; // 1.8 MB: writing takes a while
    const NEW = `${"new line!\n".repeat(200_000)}`;
    const apply = JSON.stringify(path.join(here, "apply.ts"));
    const writer = `
import { replaceFile } from ${apply};
const files = ${JSON.stringify(files)};
const NEW = "new line!\\n".repeat(200_000);
for (const f of files) await replaceFile(f, NEW);
`;
    let torn = 0;
    let killedMidway = 0;
    for (let round = 0; round < 6; round++) {
      for (const f of files) writeFileSync(f, OLD);
      const child = spawn(TSX, ["--input-type=module", "-e", writer], { stdio: ["ignore", "ignore", "inherit"], detached: true });
      const exited = new Promise((r) => child.once("exit", r));
      // Once the first file changed, the writer is busy with the rest: kill it a moment later.
      const first = files[0] as string;
      while (statSync(first).size === OLD.length && child.exitCode === null) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, randomInt(30)));
      process.kill(-(child.pid as number), "SIGKILL");
      await exited;
      const contents = files.map((f) => readFileSync(f, "utf8"));
      torn += contents.filter((c) => c !== OLD && c !== NEW).length;
      if (contents.includes(NEW) && contents.includes(OLD)) killedMidway++;
    }
    expect(torn).toBe(0);
    // The kills really landed between the first and the last file.
    expect(killedMidway).toBeGreaterThan(0);
  });
});
