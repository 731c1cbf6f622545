/**
 * Capturing a login shell's state once: run `<bash> -lc` with a script that writes what the
 * profile left behind (exported environment, shell options, aliases, functions) to files, and turn
 * that into a script that recreates it when sourced by a plain `<bash> -c`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Variables a shell sets for itself at start (not the profile's doing). */
const SHELL_OWN = new Set(["PWD", "OLDPWD", "SHLVL", "_"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// $1 = the directory to write to. `env -0` sees exactly the exported environment.
const CAPTURE_SCRIPT = [
  'env -0 > "$1/env"',
  'set +o > "$1/options"',
  'shopt -p >> "$1/options"',
  'alias -p > "$1/aliases"',
  'declare -f > "$1/functions"',
  'printf ok > "$1/done"',
].join("\n");

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** Runs `argv` with no stdin and discarded output; resolves with whether it exited 0 in time. */
function run(argv: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const [file, ...args] = argv as [string, ...string[]];
    const child = spawn(file, args, { env, cwd, stdio: "ignore", detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/**
 * The snapshot script for `shell` started with `env`, or undefined when the capture fails (the
 * caller then runs commands as login shells, as without a snapshot).
 */
export async function captureBashSnapshot(
  shell: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codex-shell-snapshot-"));
  try {
    const ok = await run([shell, "-lc", CAPTURE_SCRIPT, "codex-shell-snapshot", dir], env, cwd, timeoutMs);
    if (!ok) return undefined;
    const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
    if (read("done") !== "ok") return undefined;
    const after = new Map<string, string>();
    for (const entry of read("env").split("\0")) {
      const eq = entry.indexOf("=");
      if (eq > 0) after.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    const lines = [`# codex-ts shell snapshot of \`${shell} -l\`, taken ${new Date().toISOString()}`];
    for (const name of Object.keys(env))
      if (!after.has(name) && !SHELL_OWN.has(name) && NAME.test(name)) lines.push(`unset ${name}`);
    for (const [name, value] of after)
      if (env[name] !== value && !SHELL_OWN.has(name) && NAME.test(name))
        lines.push(`export ${name}=${quote(value)}`);
    // `login_shell` is read-only: the sourcing shell is not one.
    lines.push(
      ...read("options")
        .split("\n")
        .filter((l) => l !== "" && !/\blogin_shell$/.test(l)),
    );
    lines.push(read("aliases").trimEnd(), read("functions").trimEnd(), "true", "");
    return lines.filter((l, i) => l !== "" || i === lines.length - 1).join("\n");
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
