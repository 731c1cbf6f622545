import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import {
  type PermissionProfile,
  readOnlyPermissionProfile,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import { resolvePolicy } from "./policy.js";
import { removeMountPoints } from "./linux.js";
import { prepareSandboxedCommand } from "./prepare.js";

export interface SandboxCliIo {
  stdout: Writable;
  stderr: Writable;
  /** Fed to the command's stdin (default: nothing — stdin is closed). */
  stdin?: Readable;
  env?: Record<string, string | undefined>;
  /** Base directory for `-C` and relative `--add-dir` (default: `process.cwd()`). */
  cwd?: string;
  /** Explicit bwrap binary (default: `bwrap` on `env.PATH`). */
  bwrapPath?: string;
}

export const SANDBOX_USAGE = `Usage: codex-ts sandbox <linux|macos> [-s read-only|workspace-write|danger-full-access] [--add-dir DIR]... [-C DIR] -- COMMAND [ARGS]...

Runs one command under the sandbox Codex would use and exits with its exit code.
  -s, --sandbox MODE   read-only (default), workspace-write or danger-full-access
      --full-auto      same as -s workspace-write
      --add-dir DIR    extra writable root (workspace-write; repeatable)
  -C, --cd DIR         working directory and workspace root (default: current directory)
`;

interface ParsedArgs {
  platform: "linux" | "macos";
  mode: "read-only" | "workspace-write" | "danger-full-access";
  addDirs: string[];
  cd: string | undefined;
  command: string[];
}

function parseArgs(args: string[]): ParsedArgs | { error: string } | { help: true } {
  const [platform, ...rest] = args;
  if (platform === "-h" || platform === "--help") return { help: true };
  if (platform !== "linux" && platform !== "macos") {
    return {
      error: `expected \`linux\` or \`macos\`, got ${platform === undefined ? "nothing" : `\`${platform}\``}`,
    };
  }
  const out: ParsedArgs = { platform, mode: "read-only", addDirs: [], cd: undefined, command: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "--") {
        out.command = rest.slice(i + 1);
        break;
      } else if (a === "-h" || a === "--help") return { help: true };
      else if (a === "-s" || a === "--sandbox") {
        const m = value();
        if (m !== "read-only" && m !== "workspace-write" && m !== "danger-full-access") {
          return { error: `unknown sandbox mode \`${m}\` (read-only, workspace-write, danger-full-access)` };
        }
        out.mode = m;
      } else if (a.startsWith("--sandbox=")) {
        const m = a.slice("--sandbox=".length);
        if (m !== "read-only" && m !== "workspace-write" && m !== "danger-full-access") {
          return { error: `unknown sandbox mode \`${m}\`` };
        }
        out.mode = m;
      } else if (a === "--full-auto") out.mode = "workspace-write";
      else if (a === "--add-dir") out.addDirs.push(value());
      else if (a === "-C" || a === "--cd") out.cd = value();
      else if (a.startsWith("-")) return { error: `unknown option \`${a}\`` };
      else {
        out.command = rest.slice(i);
        break;
      }
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  if (out.command.length === 0) return { error: "no command given (put it after `--`)" };
  return out;
}

function line(stream: Writable, text: string) {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

/**
 * `codex-ts sandbox linux|macos …`: run one command under the resolved sandbox and resolve to
 * its exit code (128 + signal number when killed). Usage errors → 2; a sandbox that cannot be
 * built → 1 with one readable line, and the command is not run.
 */
export async function runSandboxCommand(args: string[], io: SandboxCliIo): Promise<number> {
  const parsed = parseArgs(args);
  if ("help" in parsed) {
    io.stdout.write(SANDBOX_USAGE);
    return 0;
  }
  if ("error" in parsed) {
    line(io.stderr, `codex-ts sandbox: ${parsed.error}`);
    io.stderr.write(SANDBOX_USAGE);
    return 2;
  }
  const host = process.platform === "darwin" ? "macos" : process.platform;
  if (parsed.platform !== host) {
    line(io.stderr, `codex-ts sandbox: unsupported: the ${parsed.platform} sandbox cannot run on ${host}`);
    return 1;
  }
  const base = io.cwd ?? process.cwd();
  const cwd = path.resolve(base, parsed.cd ?? ".");
  const addDirs = parsed.addDirs.map((d) => path.resolve(base, d));
  if (parsed.mode !== "workspace-write" && addDirs.length > 0) {
    line(io.stderr, `codex-ts sandbox: --add-dir is ignored in ${parsed.mode} mode`);
  }
  const profile: PermissionProfile =
    parsed.mode === "danger-full-access"
      ? { type: "disabled" }
      : parsed.mode === "workspace-write"
        ? workspaceWritePermissionProfile({ writableRoots: addDirs })
        : readOnlyPermissionProfile();
  return runUnderProfile({ profile, cwd, workspaceRoots: [cwd], command: parsed.command, platform: parsed.platform }, io);
}

export interface ProfileRun {
  profile: PermissionProfile;
  /** Working directory of the command (relative profile entries resolve here too). */
  cwd: string;
  /** `:project_roots` (the writable workspace of workspace-write profiles). */
  workspaceRoots: string[];
  command: string[];
  /** Default: the current platform. */
  platform?: "linux" | "macos";
}

/**
 * Run one command under a permission profile (bubblewrap / Seatbelt) and resolve to its exit
 * code. A sandbox that cannot be built → 1 with one readable line, and the command is not run.
 */
export async function runUnderProfile(run: ProfileRun, io: SandboxCliIo): Promise<number> {
  const platform: string = run.platform ?? (process.platform === "darwin" ? "macos" : process.platform);
  const env = io.env ?? process.env;
  const policy = resolvePolicy(run.profile, {
    cwd: run.cwd,
    workspaceRoots: run.workspaceRoots,
    tmpdir: env.TMPDIR,
    platform: platform === "macos" ? "darwin" : "linux",
  });
  const prepared = await prepareSandboxedCommand({
    policy,
    command: run.command,
    env,
    platform,
    bwrapPath: io.bwrapPath,
  });
  if (!prepared.ok) {
    line(io.stderr, `codex-ts sandbox: ${prepared.error.message}`);
    return 1;
  }

  return new Promise<number>((resolve) => {
    const [file, ...rest] = prepared.argv;
    // The process's own streams are handed over as they are (TTYs stay TTYs); others are piped.
    const stdinMode = io.stdin === undefined ? "ignore" : io.stdin === process.stdin ? "inherit" : "pipe";
    const outMode = io.stdout === process.stdout ? "inherit" : "pipe";
    const errMode = io.stderr === process.stderr ? "inherit" : "pipe";
    const child = spawn(file!, rest, {
      cwd: prepared.cwd,
      env: prepared.env,
      stdio: [stdinMode, outMode, errMode],
    });
    if (stdinMode === "pipe" && io.stdin && child.stdin) {
      child.stdin.on("error", () => {}); // EPIPE when the command does not read its input
      io.stdin.pipe(child.stdin);
    }
    child.stdout?.on("data", (d: Buffer) => io.stdout.write(d));
    child.stderr?.on("data", (d: Buffer) => io.stderr.write(d));
    const finish = (code: number) => {
      removeMountPoints(prepared.mountPoints);
      // Stop feeding the command so a still-open input stream does not keep the process alive.
      if (stdinMode === "pipe" && io.stdin && child.stdin) io.stdin.unpipe(child.stdin);
      resolve(code);
    };
    child.on("error", (err) => {
      line(io.stderr, `codex-ts sandbox: cannot run ${file}: ${err.message}`);
      finish(1);
    });
    child.on("close", (code, signal) => {
      if (signal) finish(128 + (os.constants.signals[signal] ?? 0));
      else finish(code ?? 1);
    });
  });
}
