import fs from "node:fs";
import path from "node:path";
import type {
  AdditionalPermissionProfile,
  FileSystemAccessMode,
  FileSystemSandboxEntry,
  FileSystemSpecialPath,
  PermissionProfile,
} from "@codex-ts/protocol";
import { expandDenyGlobs } from "./globs.js";

/** How commands reach the network. `proxied`: only through a managed proxy on loopback. */
export type NetworkMode =
  | { mode: "enabled" }
  | { mode: "disabled" }
  | { mode: "proxied"; proxy: { host: string; port: number } };

/** One concrete filesystem rule after resolution. */
export interface ResolvedEntry {
  /** Absolute, normalized (symlinks resolved where the path exists). */
  path: string;
  access: FileSystemAccessMode;
  /** Where the rule came from. */
  origin: "profile" | "overlay" | "protected" | "glob" | "platform";
}

export type ResolvedPolicy =
  /** No sandbox: the command runs as is. */
  | { kind: "disabled"; cwd: string; network: NetworkMode }
  /** Someone else isolates the filesystem; we only apply nothing (network is theirs to enforce). */
  | { kind: "external"; cwd: string; network: NetworkMode }
  | {
      kind: "restricted";
      cwd: string;
      /** Sorted shallow → deep; at most one rule per path (the effective one). */
      entries: ResolvedEntry[];
      network: NetworkMode;
      /** Things that were ignored and only narrow access (e.g. a read glob: nothing is granted). */
      warnings: string[];
      /**
       * Rules that cannot be enforced as written and would widen access if ignored (a deny on an
       * unknown special path, a deny glob whose scan hit its limit). Non-empty → the sandbox must
       * not be built (fail closed); see `unenforceableReason`.
       */
      unenforceable: string[];
    };

export interface ResolveOptions {
  /** The command's working directory (absolute). Relative overlay paths resolve against it. */
  cwd: string;
  /** The thread's runtime workspace roots; `:project_roots` resolves to nothing when empty. */
  workspaceRoots?: string[];
  /** Additional-permission overlays, applied in order (session grants, turn grants, command request). */
  overlays?: (AdditionalPermissionProfile | null | undefined)[];
  /** `$TMPDIR` for `:tmpdir` (default: `process.env.TMPDIR`; unset → `:tmpdir` resolves to nothing). */
  tmpdir?: string;
  /** Platform whose minimal read set `:minimal` means (default: the current one). */
  platform?: NodeJS.Platform;
  /** When set, a restricted network goes through this proxy instead of being cut off. */
  networkProxy?: { host: string; port: number };
  /** Deny-glob scan depth when the profile does not say (default 8). */
  defaultGlobScanMaxDepth?: number;
}

/** Entries under a writable root that stay read-only unless a rule grants write on them. */
export const PROTECTED_NAMES = [".git", ".agents", ".codex"] as const;

const PLATFORM_MINIMAL_READS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    "/bin",
    "/sbin",
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc",
    "/nix/store",
    "/run/current-system/sw",
  ],
  darwin: [
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/libexec",
    "/usr/share",
    "/System",
    "/Library/Apple",
    "/private/etc",
    "/private/var/db/timezone",
    "/dev",
    "/opt/homebrew",
  ],
};

export function platformMinimalReads(platform: NodeJS.Platform): string[] {
  return PLATFORM_MINIMAL_READS[platform] ?? [];
}

const PRECEDENCE: Record<FileSystemAccessMode, number> = { read: 0, write: 1, deny: 2 };

/** Resolve symlinks of the longest existing prefix; the rest is appended as is. */
export function canonicalPath(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = fs.realpathSync.native(head);
      return tail.length ? path.join(real, ...tail.reverse()) : real;
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      tail.push(path.basename(head));
      head = parent;
    }
  }
}

export function isWithin(child: string, parent: string): boolean {
  if (parent === "/") return child.startsWith("/");
  return child === parent || child.startsWith(`${parent}/`);
}

function depth(p: string): number {
  return p === "/" ? 0 : p.split("/").length - 1;
}

interface RawEntry {
  path: string;
  access: FileSystemAccessMode;
  origin: ResolvedEntry["origin"];
}

/**
 * Turn a profile plus overlays into concrete rules for one cwd. Never throws: unknown or
 * unresolvable things end up in `warnings` (and grant nothing).
 */
export function resolvePolicy(profile: PermissionProfile, options: ResolveOptions): ResolvedPolicy {
  const cwd = canonicalPath(options.cwd);
  const overlays = (options.overlays ?? []).filter((o): o is AdditionalPermissionProfile => o != null);
  const networkWanted =
    profile.type === "disabled" ||
    profile.network === "enabled" ||
    overlays.some((o) => o.network?.enabled === true);
  const network: NetworkMode = networkWanted
    ? { mode: "enabled" }
    : options.networkProxy
      ? { mode: "proxied", proxy: options.networkProxy }
      : { mode: "disabled" };

  if (profile.type === "disabled") return { kind: "disabled", cwd, network: { mode: "enabled" } };
  if (profile.type === "external") return { kind: "external", cwd, network };

  const warnings: string[] = [];
  const unenforceable: string[] = [];
  const platform = options.platform ?? process.platform;
  const workspaceRoots = (options.workspaceRoots ?? []).map((r) => canonicalPath(path.resolve(cwd, r)));
  const tmpdir = options.tmpdir ?? process.env.TMPDIR;
  const raw: RawEntry[] = [];
  const denyGlobs: string[] = [];

  const addSpecial = (
    value: FileSystemSpecialPath,
    access: FileSystemAccessMode,
    origin: RawEntry["origin"],
  ) => {
    switch (value.kind) {
      case "root":
        raw.push({ path: "/", access, origin });
        return;
      case "minimal":
        if (access === "deny") return;
        for (const p of platformMinimalReads(platform))
          raw.push({ path: p, access: "read", origin: "platform" });
        return;
      case "project_roots":
        for (const root of workspaceRoots) {
          raw.push({ path: value.subpath ? path.resolve(root, value.subpath) : root, access, origin });
        }
        return;
      case "tmpdir":
        if (tmpdir && path.isAbsolute(tmpdir)) raw.push({ path: tmpdir, access, origin });
        return;
      case "slash_tmp":
        raw.push({ path: "/tmp", access, origin });
        return;
      case "unknown":
        if (access === "deny") unenforceable.push(`deny on unknown special path ${value.path}`);
        else warnings.push(`ignored unknown special path ${value.path}`);
        return;
    }
  };

  const addEntries = (entries: FileSystemSandboxEntry[], origin: RawEntry["origin"]) => {
    for (const entry of entries) {
      const p = entry.path;
      if (p.type === "path") raw.push({ path: path.resolve(cwd, p.path), access: entry.access, origin });
      else if (p.type === "special") addSpecial(p.value, entry.access, origin);
      else if (entry.access === "deny") {
        // A relative deny glob applies under every project root and the cwd (denying more is safe).
        if (path.isAbsolute(p.pattern)) denyGlobs.push(p.pattern);
        else for (const base of new Set([cwd, ...workspaceRoots])) denyGlobs.push(path.join(base, p.pattern));
      }
      else warnings.push(`ignored ${entry.access} glob ${p.pattern}: only deny globs are supported`);
    }
  };

  let globDepth = options.defaultGlobScanMaxDepth ?? 8;
  if (profile.file_system.type === "unrestricted")
    raw.push({ path: "/", access: "write", origin: "profile" });
  else {
    addEntries(profile.file_system.entries, "profile");
    if (profile.file_system.glob_scan_max_depth !== undefined)
      globDepth = profile.file_system.glob_scan_max_depth;
  }
  for (const overlay of overlays) {
    if (overlay.file_system) {
      addEntries(overlay.file_system.entries, "overlay");
      if (overlay.file_system.glob_scan_max_depth !== undefined) {
        globDepth = Math.max(globDepth, overlay.file_system.glob_scan_max_depth);
      }
    }
  }

  // Canonicalize, then keep one rule per path (the strongest by precedence).
  const byPath = new Map<string, RawEntry>();
  const put = (e: RawEntry) => {
    const p = canonicalPath(e.path);
    const prev = byPath.get(p);
    if (!prev || PRECEDENCE[e.access] > PRECEDENCE[prev.access]) byPath.set(p, { ...e, path: p });
  };
  for (const e of raw) put(e);

  // Deny-read globs, expanded to concrete paths with a bounded scan.
  if (denyGlobs.length > 0) {
    const expanded = expandDenyGlobs(denyGlobs, { maxDepth: globDepth });
    unenforceable.push(...expanded.warnings);
    for (const p of expanded.paths) put({ path: p, access: "deny", origin: "glob" });
  }

  // Protected subpaths under each writable root (not the filesystem root itself).
  for (const e of [...byPath.values()]) {
    if (e.access !== "write" || e.path === "/") continue;
    for (const name of PROTECTED_NAMES) {
      const p = canonicalPath(path.join(e.path, name));
      if (!byPath.has(p)) byPath.set(p, { path: p, access: "read", origin: "protected" });
      if (name === ".git") {
        const gitdir = worktreeGitDir(p);
        if (gitdir && !byPath.has(gitdir))
          byPath.set(gitdir, { path: gitdir, access: "read", origin: "protected" });
      }
    }
  }

  const entries = [...byPath.values()].sort(
    (a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path),
  );
  return { kind: "restricted", cwd, entries, network, warnings, unenforceable };
}

/** Why this policy cannot be enforced as written, or null when it can. */
export function unenforceableReason(policy: ResolvedPolicy): string | null {
  if (policy.kind !== "restricted" || policy.unenforceable.length === 0) return null;
  return `unsupported: the permission profile cannot be enforced (${policy.unenforceable.join("; ")}); refusing to run rather than widen it`;
}

/** A `.git` *file* (worktree / submodule) points at the real git dir; protect that too. */
function worktreeGitDir(dotGit: string): string | null {
  try {
    if (!fs.statSync(dotGit).isFile()) return null;
    const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, "utf8"));
    return m?.[1] ? canonicalPath(path.resolve(path.dirname(dotGit), m[1].trim())) : null;
  } catch {
    return null;
  }
}

/** The effective access for a path: the most specific rule wins; between equals deny > write > read. */
export function accessFor(policy: ResolvedPolicy, target: string): FileSystemAccessMode | "none" {
  if (policy.kind !== "restricted") return "write";
  const p = canonicalPath(path.resolve(policy.cwd, target));
  let best: ResolvedEntry | undefined;
  for (const e of policy.entries) {
    if (!isWithin(p, e.path)) continue;
    if (!best || depth(e.path) > depth(best.path)) best = e;
  }
  return best?.access ?? "none";
}

/** May a command under this policy write `target` (relative paths resolve against the policy's cwd)? */
export function canWritePath(policy: ResolvedPolicy, target: string): boolean {
  return accessFor(policy, target) === "write";
}

/** May a command under this policy read `target`? */
export function canReadPath(policy: ResolvedPolicy, target: string): boolean {
  const a = accessFor(policy, target);
  return a === "read" || a === "write";
}

/** True when every path is readable (no restricted reads, no deny rules). */
export function hasFullDiskRead(policy: ResolvedPolicy): boolean {
  if (policy.kind !== "restricted") return true;
  const root = policy.entries.find((e) => e.path === "/");
  return !!root && root.access !== "deny" && policy.entries.every((e) => e.access !== "deny");
}

/** True when every path is writable (nothing narrows a `:root` write). */
export function hasFullDiskWrite(policy: ResolvedPolicy): boolean {
  if (policy.kind !== "restricted") return true;
  return policy.entries.every((e) => e.access === "write");
}
