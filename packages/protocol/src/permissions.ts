import path from "node:path";
import * as z from "zod";

/**
 * Core (snake_case) permission shapes, as codex-rs writes them in rollouts, core ops and
 * config-derived state: `PermissionProfile`, `AdditionalPermissionProfile`, filesystem
 * entries, special paths, network policy, and the legacy `SandboxPolicy` (exported as `CoreSandboxPolicy`) — plus the
 * conversions between the legacy policy and the profile.
 *
 * Reading is tolerant (legacy shapes and aliases are upgraded on read); what a parse returns
 * is always the canonical shape, so writing it back out is canonical.
 */

// ---------------------------------------------------------------------------------------------
// small helpers

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Run `upgrade` before `schema`; `upgrade` may validate a legacy shape itself and report
 * its issues (with their paths) instead of handing it on.
 */
function withUpgrade<T extends z.ZodType>(
  schema: T,
  upgrade: (value: unknown, report: (issues: readonly z.core.$ZodIssue[]) => void) => unknown,
) {
  return z.preprocess((value, ctx) => {
    let failed = false;
    const out = upgrade(value, (issues) => {
      failed = true;
      for (const issue of issues) ctx.issues.push({ ...issue, input: value } as never);
    });
    return failed ? value : out;
  }, schema);
}

/** Absolute POSIX (`/x`) or Windows (`C:\x`, `\\server\x`) path. */
export function isAbsolutePathString(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/** A path string that must be absolute (app-server payloads; relative → invalid params). */
export const AbsolutePathString = z
  .string()
  .refine(isAbsolutePathString, { message: "path must be absolute" });
export type AbsolutePathString = z.infer<typeof AbsolutePathString>;

// ---------------------------------------------------------------------------------------------
// network

/** Network policy of a profile: `restricted` (off, or only through a managed proxy) or `enabled`. */
export const NetworkSandboxPolicy = z.enum(["restricted", "enabled"]);
export type NetworkSandboxPolicy = z.infer<typeof NetworkSandboxPolicy>;

/** Legacy `SandboxPolicy::ExternalSandbox` network field (core spelling; v2 has its own `NetworkAccess`). */
export const CoreNetworkAccess = z.enum(["restricted", "enabled"]);
export type CoreNetworkAccess = z.infer<typeof CoreNetworkAccess>;

/** Network part of an additional-permission overlay: `{enabled}`; `null` leaves it unchanged. */
export const NetworkPermissions = z.object({
  enabled: z.boolean().nullable().default(null),
});
export type NetworkPermissions = z.infer<typeof NetworkPermissions>;

// ---------------------------------------------------------------------------------------------
// filesystem entries

/**
 * Access of one filesystem entry. `none` is read as the legacy spelling of `deny`; `deny` is
 * what gets written. Between two equally specific entries, deny beats write beats read.
 */
export const FileSystemAccessMode = withUpgrade(z.enum(["read", "write", "deny"]), (v) =>
  v === "none" ? "deny" : v,
);
export type FileSystemAccessMode = z.infer<typeof FileSystemAccessMode>;

const SpecialRoot = z.object({ kind: z.literal("root") });
const SpecialMinimal = z.object({ kind: z.literal("minimal") });
const SpecialProjectRoots = z.object({
  kind: z.literal("project_roots"),
  /** Relative subpath under each project root. */
  subpath: z.string().optional(),
});
const SpecialTmpdir = z.object({ kind: z.literal("tmpdir") });
const SpecialSlashTmp = z.object({ kind: z.literal("slash_tmp") });
/** A special-path token from a newer Codex: kept so it round-trips, ignored when enforcing. */
const SpecialUnknown = z.object({
  kind: z.literal("unknown"),
  path: z.string(),
  subpath: z.string().optional(),
});

const KNOWN_SPECIAL_KINDS = new Set(["root", "minimal", "project_roots", "tmpdir", "slash_tmp", "unknown"]);

/**
 * Symbolic paths resolved at enforcement time: `:root` (the filesystem root), `:minimal`
 * (platform-minimal reads), `:project_roots` (the thread's runtime workspace roots, with an
 * optional subpath; nothing when there are none), `:tmpdir` ($TMPDIR), `/tmp` (`slash_tmp`).
 * The old `current_working_directory` tag is read as `project_roots`; other unknown kinds are
 * kept as `unknown`.
 */
export const FileSystemSpecialPath = withUpgrade(
  z.discriminatedUnion("kind", [
    SpecialRoot,
    SpecialMinimal,
    SpecialProjectRoots,
    SpecialTmpdir,
    SpecialSlashTmp,
    SpecialUnknown,
  ]),
  (v) => {
    if (!isPlainObject(v) || typeof v.kind !== "string") return v;
    if (v.kind === "current_working_directory" || v.kind === "cwd") {
      const { kind: _kind, ...rest } = v;
      return { ...rest, kind: "project_roots" };
    }
    if (!KNOWN_SPECIAL_KINDS.has(v.kind)) {
      const out: PlainObject = { kind: "unknown", path: `:${v.kind}` };
      if (typeof v.subpath === "string") out.subpath = v.subpath;
      return out;
    }
    return v;
  },
);
export type FileSystemSpecialPath = z.infer<typeof FileSystemSpecialPath>;

/** Where an entry points: a concrete path, a glob pattern (deny-read globs), or a special path. */
export const FileSystemPath = z.discriminatedUnion("type", [
  z.object({ type: z.literal("path"), path: z.string().min(1) }),
  z.object({ type: z.literal("glob_pattern"), pattern: z.string().min(1) }),
  z.object({ type: z.literal("special"), value: FileSystemSpecialPath }),
]);
export type FileSystemPath = z.infer<typeof FileSystemPath>;

export const FileSystemSandboxEntry = z.object({
  path: FileSystemPath,
  access: FileSystemAccessMode,
});
export type FileSystemSandboxEntry = z.infer<typeof FileSystemSandboxEntry>;

const GlobScanMaxDepth = z.number().int().min(1);

/** Filesystem part of a profile Codex enforces itself. */
export const ManagedFileSystemPermissions = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("restricted"),
    entries: z.array(FileSystemSandboxEntry),
    /** How deep deny-read glob patterns are expanded when scanning (≥ 1). */
    glob_scan_max_depth: GlobScanMaxDepth.optional(),
  }),
  z.object({ type: z.literal("unrestricted") }),
]);
export type ManagedFileSystemPermissions = z.infer<typeof ManagedFileSystemPermissions>;

/**
 * Filesystem part of an additional-permission overlay: `{entries, glob_scan_max_depth?}`.
 * The legacy `{read: [paths], write: [paths]}` shape is read and upgraded to entries.
 */
export const FileSystemPermissions = withUpgrade(
  z.object({
    entries: z.array(FileSystemSandboxEntry).default([]),
    glob_scan_max_depth: GlobScanMaxDepth.optional(),
  }),
  (v, report) => {
    if (!isPlainObject(v) || "entries" in v || !("read" in v || "write" in v)) return v;
    const r = LegacyFileSystemPermissions.safeParse(v);
    if (!r.success) {
      report(r.error.issues);
      return v;
    }
    return { entries: legacyReadWriteEntries(r.data.read ?? [], r.data.write ?? []) };
  },
);
export type FileSystemPermissions = z.infer<typeof FileSystemPermissions>;

const LegacyFileSystemPermissions = z.strictObject({
  read: z.array(z.string().min(1)).nullish(),
  write: z.array(z.string().min(1)).nullish(),
});

function legacyReadWriteEntries(read: string[], write: string[]): FileSystemSandboxEntry[] {
  return [
    ...read.map((path) => ({ path: { type: "path" as const, path }, access: "read" as const })),
    ...write.map((path) => ({ path: { type: "path" as const, path }, access: "write" as const })),
  ];
}

// ---------------------------------------------------------------------------------------------
// profiles

const TaggedPermissionProfile = z.discriminatedUnion("type", [
  /** Codex builds the sandbox for this profile. */
  z.object({
    type: z.literal("managed"),
    file_system: ManagedFileSystemPermissions,
    network: NetworkSandboxPolicy,
  }),
  /** No sandbox at all. */
  z.object({ type: z.literal("disabled") }),
  /** Filesystem isolation is enforced by an external caller. */
  z.object({ type: z.literal("external"), network: NetworkSandboxPolicy }),
]);

/** The pre-tagged `{network, file_system}` shape older rollouts hold. */
const LegacyPermissionProfile = z.strictObject({
  network: NetworkPermissions.nullish(),
  file_system: FileSystemPermissions.nullish(),
});

/**
 * The active runtime permissions of a thread, turn or command: `managed` / `disabled` /
 * `external`, tagged on `type`. The untagged legacy `{network, file_system}` shape is read
 * and upgraded to `managed` with a restricted filesystem.
 */
export const PermissionProfile = withUpgrade(TaggedPermissionProfile, (v, report) => {
  if (!isPlainObject(v) || "type" in v) return v;
  const r = LegacyPermissionProfile.safeParse(v);
  if (!r.success) {
    report(r.error.issues);
    return v;
  }
  const fs = r.data.file_system;
  const file_system: PlainObject = { type: "restricted", entries: fs?.entries ?? [] };
  if (fs?.glob_scan_max_depth !== undefined) file_system.glob_scan_max_depth = fs.glob_scan_max_depth;
  return {
    type: "managed",
    file_system,
    network: r.data.network?.enabled === true ? "enabled" : "restricted",
  };
});
export type PermissionProfile = z.infer<typeof PermissionProfile>;

/**
 * A partial overlay granted per command, turn or session (and what `request_permissions` asks
 * for). `null` fields leave the base profile unchanged.
 */
export const AdditionalPermissionProfile = z.object({
  network: NetworkPermissions.nullable().default(null),
  file_system: FileSystemPermissions.nullable().default(null),
});
export type AdditionalPermissionProfile = z.infer<typeof AdditionalPermissionProfile>;

// ---------------------------------------------------------------------------------------------
// legacy SandboxPolicy (core, kebab-case tags, snake_case fields). Exported as `CoreSandboxPolicy`
// because the app-server v2 camelCase `SandboxPolicy` (src/v2) owns the plain name.

/**
 * Older Codex carried a read-access setting on the legacy policy (`access` on read-only,
 * `readOnlyAccess` / `read_only_access` on workspace-write). Its `fullAccess` form is the
 * default and is accepted and dropped; any other form (`restricted` readable roots) is
 * rejected with an issue on that field — it is never read as full access. Restricted reads are
 * expressed with a permission profile instead.
 */
export const LEGACY_READ_ACCESS_FIELDS = ["access", "readOnlyAccess", "read_only_access"] as const;

const FULL_READ_ACCESS = new Set(["fullAccess", "full-access", "full_access"]);

/** Wrap a legacy policy schema so the read-access fields are dropped (full) or rejected (anything else). */
export function rejectRestrictedReadAccess<T extends z.ZodType>(schema: T) {
  return z.preprocess<unknown, T, z.input<T>>((value, ctx) => {
    if (!isPlainObject(value)) return value;
    let out: PlainObject | undefined;
    for (const field of LEGACY_READ_ACCESS_FIELDS) {
      if (!(field in value)) continue;
      const access = value[field];
      const type = isPlainObject(access) ? access.type : access;
      if (access == null || (typeof type === "string" && FULL_READ_ACCESS.has(type))) {
        out ??= { ...value };
        delete out[field];
        continue;
      }
      ctx.issues.push({
        code: "custom",
        path: [field],
        input: access,
        message: `${field}: restricted read access (${JSON.stringify(type ?? access)}) is not supported on the legacy sandbox policy and is never widened to full read; use a permission profile with restricted reads instead`,
      });
    }
    return out ?? value;
  }, schema);
}

const CoreSandboxPolicyVariants = z.discriminatedUnion("type", [
  z.object({ type: z.literal("danger-full-access") }),
  z.object({
    type: z.literal("read-only"),
    network_access: z.boolean().default(false),
  }),
  z.object({
    type: z.literal("external-sandbox"),
    network_access: CoreNetworkAccess.default("restricted"),
  }),
  z.object({
    type: z.literal("workspace-write"),
    writable_roots: z.array(z.string().min(1)).default([]),
    network_access: z.boolean().default(false),
    exclude_tmpdir_env_var: z.boolean().default(false),
    exclude_slash_tmp: z.boolean().default(false),
  }),
]);
export const CoreSandboxPolicy = rejectRestrictedReadAccess(CoreSandboxPolicyVariants);
export type CoreSandboxPolicy = z.infer<typeof CoreSandboxPolicy>;

/** `sandbox_mode` in config and `-s` on the CLI. */
export const CoreSandboxMode = z.enum(["read-only", "workspace-write", "danger-full-access"]);
export type CoreSandboxMode = z.infer<typeof CoreSandboxMode>;

// ---------------------------------------------------------------------------------------------
// builders

export const PROTECTED_SUBPATH_NAMES = [".git", ".agents", ".codex"] as const;

export function specialEntry(
  value: FileSystemSpecialPath,
  access: FileSystemAccessMode,
): FileSystemSandboxEntry {
  return { path: { type: "special", value }, access };
}

export function pathEntry(path: string, access: FileSystemAccessMode): FileSystemSandboxEntry {
  return { path: { type: "path", path }, access };
}

export function globEntry(pattern: string, access: FileSystemAccessMode): FileSystemSandboxEntry {
  return { path: { type: "glob_pattern", pattern }, access };
}

/** Managed, read-only everywhere, network restricted. */
export function readOnlyPermissionProfile(network: NetworkSandboxPolicy = "restricted"): PermissionProfile {
  return {
    type: "managed",
    file_system: { type: "restricted", entries: [specialEntry({ kind: "root" }, "read")] },
    network,
  };
}

export interface WorkspaceWriteOptions {
  writableRoots?: string[];
  network?: NetworkSandboxPolicy;
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
}

/** Managed workspace-write: read everywhere, write `:project_roots`, /tmp, $TMPDIR and extra roots. */
export function workspaceWritePermissionProfile(opts: WorkspaceWriteOptions = {}): PermissionProfile {
  const entries: FileSystemSandboxEntry[] = [
    specialEntry({ kind: "root" }, "read"),
    specialEntry({ kind: "project_roots" }, "write"),
  ];
  if (!opts.excludeSlashTmp) entries.push(specialEntry({ kind: "slash_tmp" }, "write"));
  if (!opts.excludeTmpdirEnvVar) entries.push(specialEntry({ kind: "tmpdir" }, "write"));
  for (const root of opts.writableRoots ?? []) entries.push(pathEntry(root, "write"));
  return {
    type: "managed",
    file_system: { type: "restricted", entries },
    network: opts.network ?? "restricted",
  };
}

/** The network policy a profile runs with (`disabled` means full network). */
export function profileNetworkPolicy(profile: PermissionProfile): NetworkSandboxPolicy {
  return profile.type === "disabled" ? "enabled" : profile.network;
}

// ---------------------------------------------------------------------------------------------
// config `:special` tokens

/**
 * Parse a config path token: `:root`, `:minimal`, `:project_roots`, `:cwd` (legacy alias of
 * `:project_roots`), `:tmpdir`, `:slash_tmp`; other `:x` tokens become `unknown`. Returns null
 * for a non-token (a plain path).
 */
export function parseSpecialPathToken(token: string, subpath?: string): FileSystemSpecialPath | null {
  if (!token.startsWith(":")) return null;
  const withSub = subpath === undefined ? {} : { subpath };
  switch (token) {
    case ":root":
      return { kind: "root" };
    case ":minimal":
      return { kind: "minimal" };
    case ":cwd":
    case ":project_roots":
      return { kind: "project_roots", ...withSub };
    case ":tmpdir":
      return { kind: "tmpdir" };
    case ":slash_tmp":
      return { kind: "slash_tmp" };
    default:
      return { kind: "unknown", path: token, ...withSub };
  }
}

/** The config token for a special path (`/tmp` is written `:slash_tmp`). */
export function formatSpecialPathToken(value: FileSystemSpecialPath): string {
  return value.kind === "unknown" ? value.path : `:${value.kind}`;
}

// ---------------------------------------------------------------------------------------------
// conversions between the legacy SandboxPolicy and PermissionProfile

/**
 * The cwd-free symbolic projection of a legacy policy: workspace-write becomes
 * `:project_roots` = write (resolved later against the runtime workspace roots).
 * danger-full-access ↔ disabled, external-sandbox ↔ external.
 */
export function sandboxPolicyToPermissionProfile(policy: CoreSandboxPolicy): PermissionProfile {
  switch (policy.type) {
    case "danger-full-access":
      return { type: "disabled" };
    case "external-sandbox":
      return { type: "external", network: policy.network_access };
    case "read-only":
      return readOnlyPermissionProfile(policy.network_access ? "enabled" : "restricted");
    case "workspace-write":
      return workspaceWritePermissionProfile({
        writableRoots: policy.writable_roots,
        network: policy.network_access ? "enabled" : "restricted",
        excludeTmpdirEnvVar: policy.exclude_tmpdir_env_var,
        excludeSlashTmp: policy.exclude_slash_tmp,
      });
  }
}

function joinPath(base: string, sub: string): string {
  return `${base.replace(/\/+$/, "") || ""}/${sub}`.replace(/^\/\//, "/");
}

/**
 * The explicit cwd-bound projection: workspace-write writes `cwd` itself (a concrete path
 * entry) and carries the protected `.git` / `.agents` / `.codex` subpaths of cwd and of every
 * writable root as explicit read entries.
 */
export function sandboxPolicyToPermissionProfileForCwd(
  policy: CoreSandboxPolicy,
  cwd: string,
): PermissionProfile {
  if (policy.type !== "workspace-write") return sandboxPolicyToPermissionProfile(policy);
  const entries: FileSystemSandboxEntry[] = [specialEntry({ kind: "root" }, "read"), pathEntry(cwd, "write")];
  if (!policy.exclude_slash_tmp) entries.push(specialEntry({ kind: "slash_tmp" }, "write"));
  if (!policy.exclude_tmpdir_env_var) entries.push(specialEntry({ kind: "tmpdir" }, "write"));
  const roots = [cwd, ...policy.writable_roots.filter((r) => r !== cwd)];
  for (const root of policy.writable_roots) if (root !== cwd) entries.push(pathEntry(root, "write"));
  for (const root of roots) {
    for (const name of PROTECTED_SUBPATH_NAMES) entries.push(pathEntry(joinPath(root, name), "read"));
  }
  return {
    type: "managed",
    file_system: { type: "restricted", entries },
    network: policy.network_access ? "enabled" : "restricted",
  };
}

export type ToSandboxPolicyResult = { ok: true; policy: CoreSandboxPolicy } | { ok: false; error: string };

/**
 * Project a profile back onto the legacy policy for `cwd` (for clients that only speak the
 * legacy shape). `:project_roots` (no subpath) or a write on `cwd` itself marks the workspace
 * writable; other writes become `writable_roots`. Fails (as a value) when the profile writes
 * outside any workspace, which the legacy shape cannot express.
 */
export function permissionProfileToSandboxPolicy(
  profile: PermissionProfile,
  cwd: string,
): ToSandboxPolicyResult {
  switch (profile.type) {
    case "disabled":
      return { ok: true, policy: { type: "danger-full-access" } };
    case "external":
      return { ok: true, policy: { type: "external-sandbox", network_access: profile.network } };
    case "managed":
      break;
  }
  const network = profile.network === "enabled";
  const fullAccess = (): ToSandboxPolicyResult =>
    network
      ? { ok: true, policy: { type: "danger-full-access" } }
      : { ok: true, policy: { type: "external-sandbox", network_access: "restricted" } };
  if (profile.file_system.type === "unrestricted") return fullAccess();

  let workspaceWritable = false;
  let rootWrite = false;
  let tmpdirWritable = false;
  let slashTmpWritable = false;
  const writableRoots: string[] = [];
  for (const entry of profile.file_system.entries) {
    if (entry.access !== "write") continue;
    const p = entry.path;
    if (p.type === "path") {
      if (p.path === cwd) workspaceWritable = true;
      else if (!writableRoots.includes(p.path)) writableRoots.push(p.path);
    } else if (p.type === "special") {
      const v = p.value;
      if (v.kind === "root") rootWrite = true;
      else if (v.kind === "project_roots") {
        if (v.subpath === undefined) workspaceWritable = true;
        else {
          const abs = joinPath(cwd, v.subpath);
          if (!writableRoots.includes(abs)) writableRoots.push(abs);
        }
      } else if (v.kind === "tmpdir") tmpdirWritable = true;
      else if (v.kind === "slash_tmp") slashTmpWritable = true;
    }
  }
  if (rootWrite) return fullAccess();
  if (workspaceWritable) {
    return {
      ok: true,
      policy: {
        type: "workspace-write",
        writable_roots: writableRoots,
        network_access: network,
        exclude_tmpdir_env_var: !tmpdirWritable,
        exclude_slash_tmp: !slashTmpWritable,
      },
    };
  }
  if (writableRoots.length > 0 || tmpdirWritable || slashTmpWritable) {
    return {
      ok: false,
      error:
        "permission profile grants filesystem writes outside the workspace root, which a legacy SandboxPolicy cannot express",
    };
  }
  return { ok: true, policy: { type: "read-only", network_access: network } };
}

// ---------------------------------------------------------------------------------------------
// additional-permission overlays: validation, materialization, merge, intersection

/**
 * Paths in an overlay that are not absolute. App-server payloads must not have any (relative →
 * invalid params); `shell_command` / `exec_command` requests may, relative to the command's workdir.
 */
export function relativeOverlayPaths(profile: AdditionalPermissionProfile): string[] {
  return (profile.file_system?.entries ?? []).flatMap((e) =>
    e.path.type === "path" && !isAbsolutePathString(e.path.path) ? [e.path.path] : [],
  );
}

/**
 * Bind an overlay to a directory: relative paths and `:project_roots` (± subpath) become absolute
 * path entries under `cwd`, so a grant keeps meaning the same thing when reused later elsewhere.
 */
export function materializeAdditionalPermissions(
  profile: AdditionalPermissionProfile,
  cwd: string,
): AdditionalPermissionProfile {
  if (!profile.file_system) return profile;
  const entries = profile.file_system.entries.map((e): FileSystemSandboxEntry => {
    const p = e.path;
    if (p.type === "path") return pathEntry(path.resolve(cwd, p.path), e.access);
    if (p.type === "special" && p.value.kind === "project_roots") {
      return pathEntry(p.value.subpath ? path.resolve(cwd, p.value.subpath) : path.resolve(cwd), e.access);
    }
    return e;
  });
  return { ...profile, file_system: { ...profile.file_system, entries } };
}

function entryKey(e: FileSystemSandboxEntry): string {
  return JSON.stringify([e.path, e.access]);
}

/** Union of overlays (session grants accumulate): network on if any turns it on; entries deduplicated. */
export function mergeAdditionalPermissions(
  ...profiles: (AdditionalPermissionProfile | null | undefined)[]
): AdditionalPermissionProfile {
  let enabled: boolean | null = null;
  let fs: FileSystemPermissions | null = null;
  const seen = new Set<string>();
  for (const p of profiles) {
    if (!p) continue;
    if (p.network?.enabled != null) enabled = enabled === true || p.network.enabled;
    if (p.file_system) {
      fs ??= { entries: [] };
      for (const e of p.file_system.entries) {
        const k = entryKey(e);
        if (!seen.has(k)) {
          seen.add(k);
          fs.entries.push(e);
        }
      }
      const depth = p.file_system.glob_scan_max_depth;
      if (depth !== undefined) fs.glob_scan_max_depth = Math.max(fs.glob_scan_max_depth ?? 0, depth);
    }
  }
  return { network: enabled === null ? null : { enabled }, file_system: fs };
}

const ACCESS_RANK: Record<FileSystemAccessMode, number> = { deny: 0, read: 1, write: 2 };

/**
 * What a client's answer to a permissions request actually grants: only what was requested.
 * Network is on only when both ask for it; a granted entry survives when the request has the
 * same (materialized) path with at least that access. Deny entries always survive (they narrow).
 */
export function intersectAdditionalPermissions(
  requested: AdditionalPermissionProfile,
  granted: AdditionalPermissionProfile,
  cwd: string,
): AdditionalPermissionProfile {
  const req = materializeAdditionalPermissions(requested, cwd);
  const got = materializeAdditionalPermissions(granted, cwd);
  const network =
    got.network?.enabled != null
      ? { enabled: got.network.enabled === true && req.network?.enabled === true }
      : null;
  let file_system: FileSystemPermissions | null = null;
  if (got.file_system) {
    const allowed = req.file_system?.entries ?? [];
    const entries = got.file_system.entries.filter(
      (g) =>
        g.access === "deny" ||
        allowed.some(
          (r) =>
            JSON.stringify(r.path) === JSON.stringify(g.path) &&
            ACCESS_RANK[r.access] >= ACCESS_RANK[g.access],
        ),
    );
    file_system = { entries };
    const depth = got.file_system.glob_scan_max_depth;
    if (depth !== undefined) file_system.glob_scan_max_depth = depth;
  }
  return { network, file_system };
}

// ---------------------------------------------------------------------------------------------
// named permission profiles from config.toml (`[permissions.<name>]`)

/** Built-in profile ids. */
export const BUILTIN_PERMISSION_PROFILE_IDS = [":read-only", ":workspace", ":danger-full-access"] as const;

export type NamedProfileResult = { ok: true; profile: PermissionProfile } | { ok: false; error: string };

function builtinProfile(id: string): PermissionProfile | undefined {
  if (id === ":read-only") return readOnlyPermissionProfile();
  if (id === ":workspace") return workspaceWritePermissionProfile();
  if (id === ":danger-full-access") return { type: "disabled" };
  return undefined;
}

const ACCESS_WORDS: Record<string, FileSystemAccessMode> = { read: "read", write: "write", deny: "deny", none: "deny" };
const GLOB_CHARS = /[*?[\]{}]/;

/**
 * A `[permissions.<name>]` table → a profile: `extends` (a built-in or another name; default
 * `:read-only`), `network.enabled`, `workspace_roots` (`"<abs>" = true` → writable), and
 * `filesystem` (`"<path or :special>" = "read"|"write"|"deny"`, or a table of sub-paths — `"."`
 * for the path itself, globs allowed — to access; `glob_scan_max_depth`). A `filesystem` table
 * replaces the inherited entries. Anything this cannot express is an error, never ignored.
 */
export function permissionProfileFromConfig(
  id: string,
  profiles: Record<string, unknown>,
  seen: string[] = [],
): NamedProfileResult {
  const builtin = builtinProfile(id);
  if (builtin) return { ok: true, profile: builtin };
  if (seen.includes(id)) return { ok: false, error: `permission profile \`${id}\` extends itself: ${[...seen, id].join(" → ")}` };
  const raw = Object.hasOwn(profiles, id) ? profiles[id] : undefined;
  if (!isPlainObject(raw)) {
    const known = [...BUILTIN_PERMISSION_PROFILE_IDS, ...Object.keys(profiles)].join(", ");
    return { ok: false, error: `unknown permission profile: \`${id}\` (known: ${known})` };
  }
  const unknownKeys = Object.keys(raw).filter((k) => !["extends", "description", "network", "workspace_roots", "filesystem"].includes(k));
  if (unknownKeys.length > 0) return { ok: false, error: `permission profile \`${id}\` uses settings this build does not support: ${unknownKeys.join(", ")}` };
  const parent = permissionProfileFromConfig(typeof raw.extends === "string" ? raw.extends : ":read-only", profiles, [...seen, id]);
  if (!parent.ok) return parent;
  if (parent.profile.type !== "managed") {
    return raw.filesystem || raw.workspace_roots
      ? { ok: false, error: `permission profile \`${id}\`: filesystem rules cannot extend ${String(raw.extends)}` }
      : parent;
  }
  let entries = parent.profile.file_system.type === "restricted" ? [...parent.profile.file_system.entries] : [specialEntry({ kind: "root" }, "write")];
  let globDepth = parent.profile.file_system.type === "restricted" ? parent.profile.file_system.glob_scan_max_depth : undefined;
  if (raw.filesystem !== undefined) {
    if (!isPlainObject(raw.filesystem)) return { ok: false, error: `permission profile \`${id}\`: filesystem must be a table` };
    entries = [];
    for (const [key, value] of Object.entries(raw.filesystem)) {
      if (key === "glob_scan_max_depth") {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
          return { ok: false, error: `permission profile \`${id}\`: glob_scan_max_depth must be a positive integer` };
        globDepth = value;
        continue;
      }
      const subs: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [[".", value]];
      for (const [sub, word] of subs) {
        const access = typeof word === "string" ? ACCESS_WORDS[word] : undefined;
        if (!access) return { ok: false, error: `permission profile \`${id}\`: filesystem.${key}: unknown access ${JSON.stringify(word)} (read, write, deny)` };
        const entry = filesystemEntry(key, sub, access);
        if (typeof entry === "string") return { ok: false, error: `permission profile \`${id}\`: filesystem.${key}: ${entry}` };
        entries.push(entry);
      }
    }
  }
  if (raw.workspace_roots !== undefined) {
    if (!isPlainObject(raw.workspace_roots)) return { ok: false, error: `permission profile \`${id}\`: workspace_roots must be a table` };
    for (const [root, on] of Object.entries(raw.workspace_roots)) {
      if (!isAbsolutePathString(root)) return { ok: false, error: `permission profile \`${id}\`: workspace root must be absolute: ${root}` };
      if (on === true) entries.push(pathEntry(root, "write"));
    }
  }
  let network = parent.profile.network;
  if (raw.network !== undefined) {
    const enabled = isPlainObject(raw.network) ? raw.network.enabled : undefined;
    if (!isPlainObject(raw.network) || Object.keys(raw.network).some((k) => k !== "enabled") || (enabled !== undefined && typeof enabled !== "boolean"))
      return { ok: false, error: `permission profile \`${id}\`: only network.enabled (a boolean) is supported` };
    if (enabled !== undefined) network = enabled ? "enabled" : "restricted";
  }
  return {
    ok: true,
    profile: {
      type: "managed",
      network,
      file_system: { type: "restricted", entries, ...(globDepth !== undefined ? { glob_scan_max_depth: globDepth } : {}) },
    },
  };
}

/** One `filesystem` rule: `key` is a path or `:special`, `sub` a sub-path (`.` = itself) or glob. */
function filesystemEntry(key: string, sub: string, access: FileSystemAccessMode): FileSystemSandboxEntry | string {
  const special = parseSpecialPathToken(key);
  const isGlob = GLOB_CHARS.test(sub);
  if (special) {
    if (special.kind === "unknown") return `unknown special path ${key}`;
    if (sub === ".") return specialEntry(special, access);
    if (special.kind !== "project_roots") return `sub-paths are only supported under :project_roots`;
    if (isGlob) {
      if (access !== "deny") return `only deny globs are supported (${sub} = ${access})`;
      return globEntry(sub, access);
    }
    return specialEntry({ kind: "project_roots", subpath: sub }, access);
  }
  if (!isAbsolutePathString(key)) return `path must be absolute or a :special token`;
  if (sub === ".") return pathEntry(key, access);
  const joined = joinPath(key, sub);
  if (isGlob) return access === "deny" ? globEntry(joined, access) : `only deny globs are supported (${sub} = ${access})`;
  return pathEntry(joined, access);
}
