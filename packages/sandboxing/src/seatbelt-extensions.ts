// macOS permission extensions of a permission profile (`macos` in Codex's profiles and additional
// permissions): preferences, Apple Events automation, accessibility and calendar, and the Seatbelt
// clauses they add to a command's profile. Enforced on macOS only: Linux has no Apple Events or
// these services, so the extensions change nothing there (Codex does not refuse them either).
import type { SeatbeltCommand } from "./macos.js";
import { SANDBOX_EXEC_PATH } from "./macos.js";

export type MacOsPreferencesPermission = "none" | "read_only" | "read_write";
/** `none`, `all`, or only these applications (bundle ids, normalized: trimmed, valid, sorted, unique). */
export type MacOsAutomationPermission = "none" | "all" | { bundleIds: string[] };

export interface MacOsSeatbeltExtensions {
  preferences: MacOsPreferencesPermission;
  automation: MacOsAutomationPermission;
  accessibility: boolean;
  calendar: boolean;
}

/** What a profile without `macos` gets: read-only preferences, nothing else (the safe default). */
export const DEFAULT_MACOS_EXTENSIONS: MacOsSeatbeltExtensions = {
  preferences: "read_only",
  automation: "none",
  accessibility: false,
  calendar: false,
};

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const BUNDLE_ID = /^[A-Za-z0-9._-]+$/;

function normalizeBundleIds(ids: readonly string[]): MacOsAutomationPermission {
  const valid = new Set(
    ids.map((id) => id.trim()).filter((id) => id.length >= 3 && id.includes(".") && BUNDLE_ID.test(id)),
  );
  return valid.size === 0 ? "none" : { bundleIds: [...valid].sort() };
}

/**
 * `automations` as it comes on the wire: `"none"`, `"all"`, a list of bundle ids, or
 * `{ "bundle_ids": [...] }` (both list forms are accepted, as Codex does since approval payloads
 * carry the object form). Ids are trimmed; invalid ones are dropped; an empty list is `none`.
 */
export function parseMacOsAutomation(value: unknown): Parsed<MacOsAutomationPermission> {
  if (value === "none" || value === "all") return { ok: true, value };
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" &&
        value !== null &&
        Array.isArray((value as { bundle_ids?: unknown }).bundle_ids)
      ? (value as { bundle_ids: unknown[] }).bundle_ids
      : null;
  if (list === null || list.some((id) => typeof id !== "string"))
    return {
      ok: false,
      error: 'macos.automations must be "none", "all", a list of bundle ids or { bundle_ids: [...] }',
    };
  return { ok: true, value: normalizeBundleIds(list as string[]) };
}

/** A profile's `macos` table (`preferences`, `automations`, `accessibility`, `calendar`); absent fields keep the defaults. */
export function parseMacOsExtensions(value: unknown): Parsed<MacOsSeatbeltExtensions> {
  if (value === undefined || value === null) return { ok: true, value: { ...DEFAULT_MACOS_EXTENSIONS } };
  if (typeof value !== "object" || Array.isArray(value)) return { ok: false, error: "macos must be a table" };
  const v = value as Record<string, unknown>;
  const out: MacOsSeatbeltExtensions = { ...DEFAULT_MACOS_EXTENSIONS };
  for (const key of Object.keys(v)) {
    if (!["preferences", "automations", "accessibility", "calendar"].includes(key))
      return { ok: false, error: `unknown macos permission \`${key}\`` };
  }
  if (v.preferences !== undefined) {
    if (v.preferences !== "none" && v.preferences !== "read_only" && v.preferences !== "read_write")
      return { ok: false, error: 'macos.preferences must be "none", "read_only" or "read_write"' };
    out.preferences = v.preferences;
  }
  if (v.automations !== undefined) {
    const automation = parseMacOsAutomation(v.automations);
    if (!automation.ok) return automation;
    out.automation = automation.value;
  }
  for (const key of ["accessibility", "calendar"] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== "boolean") return { ok: false, error: `macos.${key} must be true or false` };
    out[key] = v[key];
  }
  return { ok: true, value: out };
}

const PREF_RANK: Record<MacOsPreferencesPermission, number> = { none: 0, read_only: 1, read_write: 2 };

function intersectAutomation(
  a: MacOsAutomationPermission,
  b: MacOsAutomationPermission,
): MacOsAutomationPermission {
  if (a === "none" || b === "none") return "none";
  if (a === "all") return b;
  if (b === "all") return a;
  const keep = new Set(b.bundleIds);
  return normalizeBundleIds(a.bundleIds.filter((id) => keep.has(id)));
}

/** Both sides must allow it: the lower preferences level, the common automation targets, and-ed flags. */
export function intersectMacOsExtensions(
  a: MacOsSeatbeltExtensions,
  b: MacOsSeatbeltExtensions,
): MacOsSeatbeltExtensions {
  return {
    preferences: PREF_RANK[a.preferences] <= PREF_RANK[b.preferences] ? a.preferences : b.preferences,
    automation: intersectAutomation(a.automation, b.automation),
    accessibility: a.accessibility && b.accessibility,
    calendar: a.calendar && b.calendar,
  };
}

const CFPREFS_READ = [
  '(allow ipc-posix-shm-read* (ipc-posix-name-prefix "apple.cfprefs."))',
  '(allow mach-lookup (global-name "com.apple.cfprefsd.daemon") (global-name "com.apple.cfprefsd.agent") (local-name "com.apple.cfprefsd.agent"))',
  "(allow user-preference-read)",
];
const CFPREFS_WRITE = [
  "(allow user-preference-write)",
  '(allow ipc-posix-shm-write-data ipc-posix-shm-write-create (ipc-posix-name-prefix "apple.cfprefs."))',
];

/** The Seatbelt clauses the extensions add ("" when they add nothing). Bundle ids are validated, so quoting is safe. */
export function seatbeltExtensionClauses(extensions: MacOsSeatbeltExtensions): string {
  const lines: string[] = [];
  if (extensions.preferences !== "none") lines.push(...CFPREFS_READ);
  if (extensions.preferences === "read_write") lines.push(...CFPREFS_WRITE);
  const automation = extensions.automation;
  if (automation === "all") {
    lines.push(
      '(allow mach-lookup (global-name "com.apple.coreservices.launchservicesd") (global-name "com.apple.coreservices.appleevents"))',
      "(allow appleevent-send)",
    );
  } else if (automation !== "none") {
    const ids = normalizeBundleIds(automation.bundleIds);
    if (ids !== "none" && ids !== "all") {
      lines.push(
        '(allow mach-lookup (global-name "com.apple.coreservices.appleevents"))',
        "(allow appleevent-send",
      );
      for (const id of ids.bundleIds) lines.push(`  (appleevent-destination "${id}")`);
      lines.push(")");
    }
  }
  if (extensions.accessibility) lines.push('(allow mach-lookup (local-name "com.apple.axserver"))');
  if (extensions.calendar) lines.push('(allow mach-lookup (global-name "com.apple.CalendarAgent"))');
  return lines.length === 0 ? "" : `; macOS permission extensions\n${lines.join("\n")}\n`;
}

/** `command` with the extension clauses appended to its profile (argv rebuilt around the new profile). */
export function withSeatbeltExtensions(
  command: SeatbeltCommand,
  extensions: MacOsSeatbeltExtensions,
): SeatbeltCommand {
  const clauses = seatbeltExtensionClauses(extensions);
  if (clauses === "") return command;
  const profile = `${command.profile}\n${clauses}`;
  const separator = command.argv.indexOf("--");
  const argv = [
    SANDBOX_EXEC_PATH,
    "-p",
    profile,
    ...command.params.map(([k, v]) => `-D${k}=${v}`),
    ...command.argv.slice(separator),
  ];
  return { profile, params: command.params, argv };
}
