/**
 * Parent-death cleanup for the commands this process spawns.
 *
 * Every command runs in its own session (pipe commands are spawned `detached`, pty commands lead
 * their terminal's session), so its id names the whole tree the command starts. One small `/bin/sh`
 * per Node process — the reaper — keeps the ids of the sessions still running, told over its stdin
 * (`+ <sid>` when a command starts, `- <sid>` when it ends). Nothing else holds the write end of that
 * pipe, so when this process dies, however it dies (SIGKILL included), the reaper reads end-of-file
 * and kills every session left: its process group (`kill -KILL -<sid>`) and, with `pkill -s`, the
 * groups job control made inside it (an interactive shell on a pty).
 *
 * Sandboxed commands are covered twice: bwrap runs with `--die-with-parent` in its own pid
 * namespace. What still escapes: a process that starts a new session of its own (`setsid`, a
 * daemon) — only a cgroup or pid namespace would hold it — and anything spawned while the reaper
 * is unavailable (no `/bin/sh`): the command then runs as before, without the guard.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const SHELL = "/bin/sh";

/**
 * The reaper's program (POSIX sh; `set -f` so ids are never globbed). `$1` is our pid: besides the
 * end-of-file on its stdin, a watcher checks once a second that we are alive and signals the
 * reaper (USR1 interrupts its `read`) when we are not — an end-of-file that never comes (a process
 * that kept the pipe's write end) must not let a dead parent's commands live on.
 */
const SCRIPT = `set -f
trap '' HUP INT QUIT TERM PIPE
parent=$1
live=" "
reap() {
  for id in $live; do kill -KILL -- "-$id" 2>/dev/null; done
  for id in $live; do pkill -KILL -s "$id" 2>/dev/null; done
  kill "$watcher" 2>/dev/null
  exit 0
}
trap reap USR1
(while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -USR1 $$) &
watcher=$!
while IFS=' ' read -r op id; do
  case $id in ''|*[!0-9]*) continue ;; esac
  case $op in
    +) live="$live$id " ;;
    -) case $live in *" $id "*) live="\${live%% $id *} \${live#* $id }" ;; esac ;;
  esac
done
reap
`;

let reaper: ChildProcess | undefined;
const live = new Set<number>();

function start(): ChildProcess | undefined {
  if (!existsSync(SHELL)) return undefined;
  let child: ChildProcess;
  try {
    // Its own session, so a terminal's Ctrl-C (aimed at our foreground group) does not reach it.
    child = spawn(SHELL, ["-c", SCRIPT, "codex-reaper", String(process.pid)], { cwd: "/", stdio: ["pipe", "ignore", "ignore"], detached: true });
  } catch {
    return undefined;
  }
  child.on("error", () => {
    if (reaper === child) reaper = undefined;
  });
  child.on("exit", () => {
    if (reaper === child) reaper = undefined;
  });
  child.stdin?.on("error", () => {});
  // Never keeps this process alive: the reaper's whole point is to outlive it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  if (live.size > 0) child.stdin?.write([...live].map((id) => `+ ${id}\n`).join(""));
  return child;
}

/** Kill the session `sid` (and everything in it) if this process dies while it is registered. */
export function guardSession(sid: number | undefined): void {
  if (sid === undefined || process.platform === "win32" || live.has(sid)) return;
  live.add(sid);
  // A fresh reaper is told every live session as it starts.
  if (reaper) reaper.stdin?.write(`+ ${sid}\n`);
  else reaper = start();
}

/** The command's leader ended: stop guarding its session (whatever it left behind lives on, as before). */
export function releaseSession(sid: number | undefined): void {
  if (sid === undefined || !live.delete(sid)) return;
  reaper?.stdin?.write(`- ${sid}\n`);
}

