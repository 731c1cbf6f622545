import * as z from "zod";
import { type PlainObject, isPlainObject } from "./util.js";

/**
 * Core (snake_case) permission shapes, as codex-rs writes them in rollouts, core ops and
 * config-derived state: `PermissionProfile`, `AdditionalPermissionProfile`, filesystem
 * entries, special paths, network policy, and the legacy `SandboxPolicy` (exported as
 * `CoreSandboxPolicy`). The conversions between them are in ./convert.ts.
 *
 * Reading is tolerant (legacy shapes and aliases are upgraded on read); what a parse returns
 * is always the canonical shape, so writing it back out is canonical.
 */

// ---------------------------------------------------------------------------------------------
// small helpers

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
