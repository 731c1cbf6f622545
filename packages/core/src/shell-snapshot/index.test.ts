import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ShellSnapshots, snapshotKey } from "./index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A HOME whose ~/.profile counts its runs, exports, unsets, defines a function and sets an option. */
function home(): { home: string; env: Record<string, string>; runs: () => number } {
  const h = mkdtempSync(path.join(os.tmpdir(), "shell-snapshot-"));
  dirs.push(h);
  writeFileSync(
    path.join(h, ".profile"),
    [
      `echo run >> "$HOME/runs"`,
      `export GREETING="it's a \\"quoted\\" value"`,
      'export PATH="$HOME/bin:$PATH"',
      "unset DROP_ME",
      'greet() { echo "hello $1"; }',
      "set -o pipefail",
      "echo profile output",
    ].join("\n"),
  );
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: h, DROP_ME: "1", TERM: "dumb" };
  return {
    home: h,
    env,
    runs: () => readFileSync(path.join(h, "runs"), "utf8").split("\n").filter(Boolean).length,
  };
}

const run = (argv: string[], env: Record<string, string>, cwd: string) =>
  execFileSync(argv[0] as string, argv.slice(1), { env, cwd, encoding: "utf8" });

const script =
  'echo "$GREETING|${DROP_ME-unset}|${PATH%%:*}"; greet you; set -o | grep pipefail; echo line $LINENO';

describe("ShellSnapshots", () => {
  it("runs a bash -lc command as the login shell would, without running the profile again", async () => {
    const { home: h, env, runs } = home();
    const snapshots = new ShellSnapshots(path.join(h, "snapshots"));
    const login = run(["/bin/bash", "-lc", script], env, h);
    expect(runs()).toBe(1);
    const argv = await snapshots.wrap(["/bin/bash", "-lc", script], env, h);
    expect(argv[1]).toBe("-c");
    expect(runs()).toBe(2); // the capture
    const fromSnapshot = run(argv, env, h);
    const again = run(await snapshots.wrap(["/bin/bash", "-lc", script], env, h), env, h);
    expect(runs()).toBe(2);
    // Same output, except that the profile's own output is not repeated and the script is on line 2.
    expect(login).toBe(`profile output\n${fromSnapshot.replace("line 2", "line 1")}`);
    expect(again).toBe(fromSnapshot);
    expect(fromSnapshot).toContain(`it's a "quoted" value|unset|${h}/bin\nhello you\npipefail`);
    const [file] = readdirSync(path.join(h, "snapshots"));
    expect(statSync(path.join(h, "snapshots", file as string)).mode & 0o777).toBe(0o600);
  });

  it("captures again when a profile file changes, and shares one capture per process", async () => {
    const { home: h, env, runs } = home();
    const snapshots = new ShellSnapshots(path.join(h, "snapshots"));
    const key = snapshotKey("/bin/bash", env);
    await Promise.all([1, 2, 3].map(() => snapshots.wrap(["/bin/bash", "-lc", "true"], env, h)));
    expect(runs()).toBe(1);
    appendFileSync(path.join(h, ".profile"), "\nexport GREETING=changed\n");
    expect(snapshotKey("/bin/bash", env)).not.toBe(key);
    const argv = await snapshots.wrap(["/bin/bash", "-lc", 'echo "$GREETING"'], env, h);
    expect(runs()).toBe(2);
    expect(run(argv, env, h)).toBe("changed\n");
    // A new bash in another process reuses the file written on disk.
    const other = new ShellSnapshots(path.join(h, "snapshots"));
    await other.wrap(["/bin/bash", "-lc", "true"], env, h);
    expect(runs()).toBe(2);
    // A different environment is a different snapshot.
    expect(snapshotKey("/bin/bash", { ...env, EXTRA: "1" })).not.toBe(snapshotKey("/bin/bash", env));
  });

  it("falls back to a login shell when the snapshot is gone, and leaves other commands alone", async () => {
    const { home: h, env, runs } = home();
    const dir = path.join(h, "snapshots");
    const snapshots = new ShellSnapshots(dir);
    const argv = await snapshots.wrap(["/bin/bash", "-lc", 'echo "$GREETING"'], env, h);
    rmSync(dir, { recursive: true });
    expect(run(argv, env, h)).toBe(`profile output\nit's a "quoted" value\n`);
    expect(runs()).toBe(2);
    for (const plain of [
      ["/bin/bash", "-c", "true"],
      ["/bin/sh", "-lc", "true"],
      ["ls", "-la"],
    ])
      expect(await snapshots.wrap(plain, env, h)).toEqual(plain);
  });

  it("runs commands as before when the capture fails", async () => {
    const { home: h, env } = home();
    writeFileSync(path.join(h, ".profile"), "exit 3\n");
    const snapshots = new ShellSnapshots(path.join(h, "snapshots"));
    expect(await snapshots.wrap(["/bin/bash", "-lc", "true"], env, h)).toEqual(["/bin/bash", "-lc", "true"]);
  });
});
