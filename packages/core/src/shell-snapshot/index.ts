/**
 * Shell snapshots: run the user's login profile once, not once per command.
 *
 * Commands the model runs are `<shell> -lc <script>`: a login shell, so that the user's profile
 * (PATH additions, version managers, exported tokens) applies. A profile that takes 100 ms costs
 * every command 100 ms. A `ShellSnapshots` captures what `bash -l` leaves behind once (see
 * `capture.ts`), keeps it in `<dir>/<key>.sh` (CODEX_HOME/shell_snapshots), and rewrites
 * `bash -lc <script>` into `bash -c '. <snapshot> || exec bash -lc <script>' + <script>`.
 * The key hashes the shell, the command environment and the size, mtime and inode of every file a
 * bash login reads (/etc/profile, /etc/profile.d/*, ~/.bash_profile, ~/.bash_login, ~/.profile,
 * ~/.bashrc, /etc/bash.bashrc): edit one and the next command captures again. Shells other than
 * bash, and captures that fail, run as before.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { captureBashSnapshot } from "./capture.js";

export { captureBashSnapshot } from "./capture.js";

const VOLATILE = new Set(["PWD", "OLDPWD", "SHLVL", "_"]);
/** Snapshots not used for this long are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3_600_000;

function fileState(file: string): string {
  try {
    const s = statSync(file);
    return `${file}:${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return `${file}:-`;
  }
}

/** The files a bash login shell may read, for `home`. */
export function bashProfileFiles(home: string | undefined): string[] {
  const files = ["/etc/profile", "/etc/bash.bashrc", "/etc/bashrc"];
  try {
    for (const name of readdirSync("/etc/profile.d").sort()) files.push(path.join("/etc/profile.d", name));
  } catch {
    // no profile.d
  }
  if (home)
    for (const name of [".bash_profile", ".bash_login", ".profile", ".bashrc"])
      files.push(path.join(home, name));
  return files;
}

/** The cache key of a snapshot of `shell` for commands started with `env`. */
export function snapshotKey(shell: string, env: Record<string, string>): string {
  const hash = createHash("sha256");
  hash.update(`v1\0${shell}\0`);
  for (const name of Object.keys(env).sort()) if (!VOLATILE.has(name)) hash.update(`${name}=${env[name]}\0`);
  for (const file of bashProfileFiles(env.HOME)) hash.update(`${fileState(file)}\0`);
  return hash.digest("hex").slice(0, 32);
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export class ShellSnapshots {
  readonly #pending = new Map<string, Promise<string | undefined>>();

  /** `dir`: where snapshots are kept (CODEX_HOME/shell_snapshots). */
  constructor(readonly dir: string) {}

  /**
   * `argv` to run instead: a `bash -lc <script>` that sources the snapshot (captured now if
   * needed, falling back to a login shell if it has gone), or `argv` itself for anything else.
   */
  async wrap(argv: readonly string[], env: Record<string, string>, cwd: string): Promise<string[]> {
    const [shell, flag, script] = argv;
    if (argv.length !== 3 || flag !== "-lc" || shell === undefined || script === undefined) return [...argv];
    if (path.basename(shell) !== "bash") return [...argv];
    const file = await this.snapshot(shell, env, cwd);
    if (!file) return [...argv];
    const prologue = `[ -r ${quote(file)} ] && . ${quote(file)} || exec ${quote(shell)} -lc ${quote(script)}`;
    return [shell, "-c", `${prologue}\n${script}`];
  }

  /** The snapshot file for `shell` and `env`, captured (once per key and process) when missing. */
  snapshot(shell: string, env: Record<string, string>, cwd: string): Promise<string | undefined> {
    const key = snapshotKey(shell, env);
    const file = path.join(this.dir, `${key}.sh`);
    const known = this.#pending.get(key);
    if (known) return known;
    const made = (async () => {
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // not captured yet
      }
      const text = await captureBashSnapshot(shell, env, cwd);
      if (text === undefined) return undefined;
      try {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, text, { mode: 0o600 });
        renameSync(temp, file);
        this.#prune(file);
        return file;
      } catch {
        return undefined;
      }
    })();
    this.#pending.set(key, made);
    return made;
  }

  /** Removes snapshots other than `keep` that have not changed for a week. */
  #prune(keep: string): void {
    const now = Date.now();
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      if (file === keep || !name.endsWith(".sh")) continue;
      try {
        if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
      } catch {
        // removed meanwhile
      }
    }
  }
}

const shared = new Map<string, ShellSnapshots>();

/** One `ShellSnapshots` per directory in this process (threads of one server share captures). */
export function shellSnapshotsIn(dir: string): ShellSnapshots {
  let snapshots = shared.get(dir);
  if (!snapshots) {
    snapshots = new ShellSnapshots(dir);
    shared.set(dir, snapshots);
  }
  return snapshots;
}
