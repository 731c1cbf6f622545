/**
 * Permission profile ids (experimental `thread/start.permissions` / `turn/start.permissions`) →
 * the legacy v2 `SandboxPolicy` a session runs under.
 *
 * Codex's built-in ids are `:read-only`, `:workspace` and `:danger-full-access`; user profiles live
 * in config.toml under `[permissions.<name>]` and are selected by that name. This server resolves a
 * user profile through its `extends` chain down to a built-in and understands `network.enabled`
 * and `[permissions.<name>.workspace_roots]` (`"<abs path>" = true` → extra writable root). A profile
 * carrying other rules (filesystem tables, domain lists, …) is refused with -32602 rather than run
 * with fewer restrictions than it asks for.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { type MacOsSeatbeltExtensions, parseMacOsExtensions } from "@codex-ts/sandboxing";
import { parse as parseToml } from "smol-toml";
import * as z from "zod";
import { invalidParams } from "./errors.js";

/** The wire selection: a bare id, or `{type: "profile", id, modifications}` (older Codex shape). */
export const PermissionsSelection = z.union([
  z.string().min(1),
  z.object({
    type: z.literal("profile"),
    id: z.string().min(1),
    modifications: z
      .array(z.object({ type: z.literal("additionalWritableRoot"), path: z.string().min(1) }))
      .nullish(),
  }),
]);
export type PermissionsSelection = z.infer<typeof PermissionsSelection>;

export const BUILTIN_PERMISSION_PROFILES = [":read-only", ":workspace", ":danger-full-access"] as const;
type Builtin = (typeof BUILTIN_PERMISSION_PROFILES)[number];

/** How a user profile resolved: its built-in base plus what it adds. */
interface Resolved {
  base: Builtin;
  network: boolean | undefined;
  writableRoots: string[];
  /** The `macos` table, merged down the `extends` chain (a child's keys win). */
  macos: Record<string, unknown> | undefined;
}

const NamedProfile = z
  .object({
    extends: z.string().min(1).optional(),
    description: z.string().optional(),
    network: z.object({ enabled: z.boolean().optional() }).strict().optional(),
    workspace_roots: z.record(z.string(), z.boolean()).optional(),
    // macOS extensions (preferences, automations, accessibility, calendar): checked by sandboxing.
    macos: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const isBuiltin = (id: string): id is Builtin =>
  (BUILTIN_PERMISSION_PROFILES as readonly string[]).includes(id);

function resolveId(id: string, profiles: Record<string, unknown>, seen: string[] = []): Resolved {
  if (isBuiltin(id)) return { base: id, network: undefined, writableRoots: [], macos: undefined };
  if (seen.includes(id))
    throw invalidParams(`permission profile \`${id}\` extends itself: ${[...seen, id].join(" → ")}`);
  const raw = Object.hasOwn(profiles, id) ? profiles[id] : undefined;
  if (raw === undefined) {
    const known = [...BUILTIN_PERMISSION_PROFILES, ...Object.keys(profiles)].join(", ");
    throw invalidParams(`unknown permission profile: \`${id}\` (known: ${known})`);
  }
  const parsed = NamedProfile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : (issue?.path.join(".") ?? "");
    throw invalidParams(
      `permission profile \`${id}\` uses settings this server does not support: ${where || issue?.message || "?"}`,
    );
  }
  const profile = parsed.data;
  const parent = resolveId(profile.extends ?? ":read-only", profiles, [...seen, id]);
  const roots = Object.entries(profile.workspace_roots ?? {})
    .filter(([, on]) => on)
    .map(([root]) => root);
  for (const root of roots) {
    if (!path.isAbsolute(root))
      throw invalidParams(`permission profile \`${id}\`: workspace root must be absolute: ${root}`);
  }
  return {
    base: parent.base,
    network: profile.network?.enabled ?? parent.network,
    writableRoots: [...parent.writableRoots, ...roots],
    macos: profile.macos || parent.macos ? { ...parent.macos, ...profile.macos } : undefined,
  };
}

/**
 * The v2 sandbox policy for a selection, and the profile's macOS extensions when it names any
 * (`[permissions.<name>.macos]`: Seatbelt clauses on macOS; on other platforms they grant nothing,
 * as in Codex). `profiles` is config's `permissions` table (user profiles by name). Unknown ids,
 * unsupported rules and malformed macOS values → -32602 naming the profile.
 */
export function sandboxPolicyForPermissions(
  selection: PermissionsSelection,
  profiles: Record<string, unknown>,
): { id: string; policy: v2.SandboxPolicy; macos?: MacOsSeatbeltExtensions } {
  const { id, policy, resolved } = resolveSelection(selection, profiles);
  if (resolved.macos === undefined) return { id, policy };
  const macos = parseMacOsExtensions(resolved.macos);
  if (!macos.ok) throw invalidParams(`permission profile \`${id}\`: ${macos.error}`);
  return { id, policy, macos: macos.value };
}

function resolveSelection(
  selection: PermissionsSelection,
  profiles: Record<string, unknown>,
): { id: string; policy: v2.SandboxPolicy; resolved: Resolved } {
  const id = typeof selection === "string" ? selection : selection.id;
  const extra = typeof selection === "string" ? [] : (selection.modifications ?? []).map((m) => m.path);
  for (const root of extra) {
    if (!path.isAbsolute(root))
      throw invalidParams(`permissions.modifications: path must be absolute: ${root}`);
  }
  const resolved = resolveId(id, profiles);
  const writableRoots = [...resolved.writableRoots, ...extra];
  switch (resolved.base) {
    case ":danger-full-access":
      return { id, resolved, policy: { type: "dangerFullAccess" } };
    case ":read-only":
      if (writableRoots.length > 0) {
        throw invalidParams(
          `permission profile \`${id}\`: writable roots need a profile based on :workspace`,
        );
      }
      return { id, resolved, policy: { type: "readOnly", networkAccess: resolved.network ?? false } };
    case ":workspace":
      return {
        id,
        resolved,
        policy: {
          type: "workspaceWrite",
          writableRoots,
          networkAccess: resolved.network ?? false,
          excludeTmpdirEnvVar: false,
          excludeSlashTmp: false,
        },
      };
  }
}

/**
 * The `[permissions]` table user profiles come from: `<codexHome>/config.toml`'s, with a
 * thread's `config` overrides (`{"permissions.<name>.extends": …}` or a nested `permissions`
 * object) applied on top. An unreadable file reads as no profiles (config loading reports it).
 */
export function permissionProfilesTable(
  codexHome: string,
  overrides: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  let root: Record<string, unknown> = {};
  try {
    root = parseToml(readFileSync(path.join(codexHome, "config.toml"), "utf8")) as Record<string, unknown>;
  } catch {
    root = {};
  }
  const table: Record<string, unknown> = isTable(root.permissions) ? structuredClone(root.permissions) : {};
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const parts = key.split(".");
    if (parts[0] !== "permissions") continue;
    if (parts.length === 1) {
      if (isTable(value)) Object.assign(table, value);
      continue;
    }
    let cursor = table;
    for (const part of parts.slice(1, -1)) {
      if (part === "__proto__" || part === "constructor" || part === "prototype") return table;
      if (!isTable(cursor[part])) cursor[part] = {};
      cursor = cursor[part] as Record<string, unknown>;
    }
    cursor[parts[parts.length - 1] as string] = value;
  }
  return table;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
