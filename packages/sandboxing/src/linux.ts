import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { accessFor, canonicalPath, isWithin, type ResolvedPolicy } from "./policy.js";
import { hostBridgeSocket, INNER_BRIDGE_SCRIPT } from "./proxy-bridge.js";

/**
 * Linux enforcement with bubblewrap. The argv is built from the resolved rules, shallow → deep,
 * so a deeper rule re-mounts over a shallower one:
 *
 *   --new-session --die-with-parent --unshare-pid --cap-drop ALL
 *   --ro-bind / /   (or --bind / / for a `:root` write, or --tmpfs / when reads are restricted)
 *   --dev /dev --proc /proc
 *   per rule:  read  → --ro-bind P P      write → --bind P P
 *              deny  → dir: --perms 0111 --tmpfs P (… --remount-ro P after all mounts);
 *                      file: --ro-bind <mode-000 file> P
 *   --unshare-net   when the network is off or proxied
 *   --chdir CWD -- CMD…       (proxied: -- node -e BRIDGE -- SOCKET PORT CMD…, see proxy-bridge.ts)
 *
 * Rules whose path does not exist are skipped (bwrap cannot mount over nothing); `canWritePath`
 * still answers for them.
 */
export interface BwrapBuildOptions {
  bwrapPath: string;
  /** An empty file with mode 000, bound over denied files. */
  denyFile: string;
  /** Proxied network: the host relay's directory and the node binary that runs the inner relay. */
  proxyBridge?: { dir: string; nodePath: string };
  /** Load a seccomp program from this fd (`--seccomp FD`; see seccomp.ts). */
  seccompFd?: number;
}

export type BuildResult =
  | {
      ok: true;
      argv: string[];
      /**
       * Protected names (`.git`, `.codex`, `.agents`) missing under a writable root are mounted as
       * empty read-only dirs, so the command cannot create them; bwrap leaves the empty mount
       * points behind on the host. Remove them (`removeMountPoints`) once the command exited.
       */
      mountPoints: string[];
    }
  | { ok: false; error: string };

export function buildBwrapArgv(
  policy: ResolvedPolicy,
  command: string[],
  options: BwrapBuildOptions,
): BuildResult {
  if (policy.kind !== "restricted") return { ok: true, argv: command, mountPoints: [] };
  const net = policy.network;
  let inner = command;
  if (net.mode === "proxied") {
    const bridge = options.proxyBridge;
    if (!bridge) return { ok: false, error: "unsupported: proxy-only networking needs the proxy bridge" };
    const nodeAccess = accessFor(policy, bridge.nodePath);
    if (nodeAccess !== "read" && nodeAccess !== "write") {
      return {
        ok: false,
        error: `unsupported: proxy-only networking needs ${bridge.nodePath} to be readable in the sandbox`,
      };
    }
    inner = [
      bridge.nodePath,
      "-e",
      INNER_BRIDGE_SCRIPT,
      "--",
      hostBridgeSocket(bridge.dir),
      String(net.proxy.port),
      ...command,
    ];
  }
  const args: string[] = [
    options.bwrapPath,
    "--new-session",
    "--die-with-parent",
    "--unshare-pid",
    "--cap-drop",
    "ALL",
  ];
  const rootRule = policy.entries.find((e) => e.path === "/");
  if (rootRule?.access === "write") args.push("--bind", "/", "/");
  else if (rootRule?.access === "read") args.push("--ro-bind", "/", "/");
  else args.push("--tmpfs", "/");
  args.push("--dev", "/dev", "--proc", "/proc");
  if (!rootRule) args.push(...topLevelSymlinks(policy));

  const remountReadOnly: string[] = [];
  const mountPoints: string[] = [];
  const mounted: { path: string; access: string }[] = [{ path: "/", access: rootRule?.access ?? "none" }];
  for (const entry of policy.entries) {
    if (entry.path === "/" || isWithin(entry.path, "/dev") || isWithin(entry.path, "/proc")) continue;
    // A rule that repeats what its nearest enclosing mount already gives needs no mount of its own.
    const enclosing = mounted.filter((m) => isWithin(entry.path, m.path)).at(-1);
    if (enclosing && enclosing.access === entry.access && entry.access !== "deny") continue;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(entry.path);
    } catch {
      if (entry.origin === "protected" && enclosing?.access === "write" && isPrivateDirectory(path.dirname(entry.path))) {
        // A missing protected name stays uncreatable: an empty read-only dir over it.
        args.push("--perms", "0555", "--tmpfs", entry.path);
        remountReadOnly.push(entry.path);
        mountPoints.push(entry.path);
        mounted.push({ path: entry.path, access: "read" });
      }
      continue;
    }
    if (entry.access === "deny") {
      if (st.isDirectory()) {
        // Made read-only only after every deeper mount exists (a grant inside a denied dir needs a mount point).
        args.push("--perms", "0111", "--tmpfs", entry.path);
        remountReadOnly.push(entry.path);
      } else args.push("--ro-bind", options.denyFile, entry.path);
      mounted.push({ path: entry.path, access: "deny" });
      continue;
    }
    args.push(entry.access === "write" ? "--bind" : "--ro-bind", entry.path, entry.path);
    mounted.push({ path: entry.path, access: entry.access });
  }

  if (net.mode === "proxied" && options.proxyBridge)
    args.push("--ro-bind", options.proxyBridge.dir, options.proxyBridge.dir);
  for (const p of remountReadOnly.reverse()) args.push("--remount-ro", p);
  if (net.mode !== "enabled") args.push("--unshare-net");
  if (options.seccompFd !== undefined) args.push("--seccomp", String(options.seccompFd));
  args.push("--chdir", policy.cwd, "--", ...inner);
  return { ok: true, argv: args, mountPoints };
}

/**
 * A directory we may put a transient mount point in: not a shared sticky temp dir like /tmp, where
 * an empty `.git` would make every other directory below it look like part of one repository.
 */
function isPrivateDirectory(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isDirectory() && (st.mode & 0o1000) === 0;
  } catch {
    return false;
  }
}

/** Remove the empty mount points bwrap created for missing protected names (never a non-empty dir). */
export function removeMountPoints(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      fs.rmdirSync(p);
    } catch {
      // in use by another sandbox's mount namespace is fine; non-empty means someone made it real
    }
  }
}

/**
 * Over a tmpfs root, recreate the host's top-level symlinks (/bin → usr/bin, /lib64 → usr/lib64…)
 * whose targets the policy lets the command read; rules hold canonical paths, so the links
 * themselves would otherwise be missing.
 */
function topLevelSymlinks(policy: ResolvedPolicy): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync("/");
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const link = `/${name}`;
    try {
      if (!fs.lstatSync(link).isSymbolicLink()) continue;
      const target = fs.readlinkSync(link);
      const access = accessFor(policy, canonicalPath(path.resolve("/", target)));
      if (access === "read" || access === "write") out.push("--symlink", target, link);
    } catch {
      // unreadable entry: skip
    }
  }
  return out;
}

/** Find an executable on a PATH string (no fallback: a PATH without bwrap means no bwrap). */
export function findOnPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

const probeCache = new Map<string, Promise<string | null>>();

/**
 * Check once per bwrap binary that it can actually build a sandbox here (user namespaces
 * allowed, mounts permitted…). Resolves to null when usable, else to a readable reason.
 */
export function probeBwrap(bwrapPath: string): Promise<string | null> {
  let cached = probeCache.get(bwrapPath);
  if (!cached) {
    cached = runProbe(bwrapPath);
    probeCache.set(bwrapPath, cached);
    // A failed probe is retried next time (the machine may get fixed); a good one is kept.
    cached.then((r) => r !== null && probeCache.delete(bwrapPath));
  }
  return cached;
}

function runProbe(bwrapPath: string): Promise<string | null> {
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn(
      bwrapPath,
      [
        "--new-session",
        "--die-with-parent",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--unshare-pid",
        "--unshare-net",
        "--",
        "true",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve(`cannot run ${bwrapPath}: ${err.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else
        resolve(
          `${bwrapPath} cannot create a sandbox here (${signal ?? `exit ${code}`}): ${stderr.trim() || "no output"}`,
        );
    });
  });
}

let denyFile: string | null = null;

function isUsableDenyFile(file: string): boolean {
  try {
    const st = fs.lstatSync(file);
    const uid = process.getuid?.();
    return st.isFile() && st.size === 0 && (st.mode & 0o777) === 0 && (uid === undefined || st.uid === uid);
  } catch {
    return false;
  }
}

/**
 * The empty mode-000 file bound over denied files. One per user in the temp dir, shared by every
 * process (created atomically, checked before use: a regular, empty, mode-000 file we own).
 */
export function denyFilePath(): string {
  if (denyFile && isUsableDenyFile(denyFile)) return denyFile;
  const file = path.join(os.tmpdir(), `codex-ts-sandbox-denied-${process.getuid?.() ?? "user"}`);
  if (!isUsableDenyFile(file)) {
    const tmp = `${file}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(tmp, "", { mode: 0o600, flag: "wx" });
    fs.chmodSync(tmp, 0o000);
    try {
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
    if (!isUsableDenyFile(file)) throw new Error(`cannot create the deny placeholder ${file}`);
  }
  denyFile = file;
  return file;
}
