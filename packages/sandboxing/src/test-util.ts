import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FileSystemSandboxEntry, PermissionProfile } from "@codex-ts/protocol";

/** Shared by the tests only (not exported from the package). */

/** A PATH-only environment for the commands the tests run. */
export const testEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

/** Workspace-write options that leave /tmp and $TMPDIR unwritable (the test dirs live there). */
export const noTmp = { excludeSlashTmp: true, excludeTmpdirEnvVar: true };

/**
 * A managed profile with a restricted network whose filesystem rules are exactly `entries`,
 * parsed like wire input (so raw JSON entries get the same upgrades a config file's would).
 */
export function restrictedProfile(
  entries: ReadonlyArray<FileSystemSandboxEntry | Record<string, unknown>>,
  globScanMaxDepth?: number,
): PermissionProfile {
  return PermissionProfile.parse({
    type: "managed",
    network: "restricted",
    file_system: {
      type: "restricted",
      ...(globScanMaxDepth ? { glob_scan_max_depth: globScanMaxDepth } : {}),
      entries,
    },
  });
}

export function tempDir(prefix = "sbx-test-"): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/**
 * A fresh directory that no default sandbox policy makes writable: not under /tmp, $TMPDIR or the
 * checkout (which may itself live in /tmp, as a CI clone does). Tries /var/tmp, then $HOME.
 */
export function outsideDir(prefix = "sbx-outside-"): string {
  const tmpRoots = ["/tmp", os.tmpdir()].map((p) => fs.realpathSync(p));
  for (const base of ["/var/tmp", os.homedir()]) {
    try {
      const real = fs.realpathSync(base);
      if (tmpRoots.some((t) => real === t || real.startsWith(`${t}${path.sep}`))) continue;
      return fs.realpathSync(fs.mkdtempSync(path.join(real, prefix)));
    } catch {
      // not usable; try the next one
    }
  }
  throw new Error("no directory outside /tmp and $TMPDIR is writable for the test");
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface RunOutput {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function run(
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
