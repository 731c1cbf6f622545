// The `<filesystem>` line of <environment_context>: the thread's workspace roots and the permission
// profile commands run under, one line of XML as Codex 0.169 renders it (seen against the real binary:
// `<filesystem><workspace_roots><root>…</root></workspace_roots><permission_profile type="managed">
// <file_system type="restricted"><entry access="read"><special>:root</special></entry>…`).
import type { FileSystemSandboxEntry, FileSystemSpecialPath, PermissionProfile } from "@codex-ts/protocol";

export const escapeXml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** A special path as its `:token` (`:root`, `:tmpdir`, `:project_roots/sub` …). */
function specialToken(value: FileSystemSpecialPath): string {
  switch (value.kind) {
    case "unknown":
      return value.subpath ? `${value.path}/${value.subpath}` : value.path;
    case "project_roots":
      return value.subpath ? `:project_roots/${value.subpath}` : ":project_roots";
    default:
      return `:${value.kind}`;
  }
}

function entryXml(entry: FileSystemSandboxEntry): string {
  const p = entry.path;
  const target =
    p.type === "path"
      ? `<path>${escapeXml(p.path)}</path>`
      : p.type === "glob_pattern"
        ? `<glob_pattern>${escapeXml(p.pattern)}</glob_pattern>`
        : `<special>${escapeXml(specialToken(p.value))}</special>`;
  return `<entry access="${entry.access}">${target}</entry>`;
}

const UNRESTRICTED = '<file_system type="unrestricted" />';

/** `<permission_profile type="…">` with its filesystem entries (an entry listed twice is shown once). */
export function permissionProfileXml(profile: PermissionProfile): string {
  if (profile.type !== "managed") return `<permission_profile type="${profile.type}">${UNRESTRICTED}</permission_profile>`;
  const fs = profile.file_system;
  if (fs.type === "unrestricted") return `<permission_profile type="managed">${UNRESTRICTED}</permission_profile>`;
  const entries = [...new Set(fs.entries.map(entryXml))].join("");
  return `<permission_profile type="managed"><file_system type="restricted">${entries}</file_system></permission_profile>`;
}

/** The whole `<filesystem>` element (workspace roots, then the profile). */
export function filesystemXml(workspaceRoots: readonly string[], profile: PermissionProfile): string {
  const roots = workspaceRoots.length
    ? `<workspace_roots>${workspaceRoots.map((root) => `<root>${escapeXml(root)}</root>`).join("")}</workspace_roots>`
    : "";
  return `<filesystem>${roots}${permissionProfileXml(profile)}</filesystem>`;
}
