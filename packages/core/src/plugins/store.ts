// Where installed plugins live, as Codex lays them out under CODEX_HOME:
//   plugins/cache/<marketplace>/<plugin>/<version>/   the plugin's files (one active version)
//   plugins/data/<plugin>-<marketplace>/               its data folder (PLUGIN_DATA)
import { readdirSync } from "node:fs";
import path from "node:path";

/** The version folder Codex uses for a plugin installed from a local source without a version. */
export const LOCAL_PLUGIN_VERSION = "local";

/** A plugin key `name@marketplace`, split. */
export interface PluginId {
  name: string;
  marketplace: string;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const VERSION = /^[A-Za-z0-9_.+-]+$/;

/** Parse `name@marketplace`; an error names what is wrong with the key. */
export function parsePluginId(key: string): { ok: true; value: PluginId } | { ok: false; error: string } {
  const at = key.lastIndexOf("@");
  if (at <= 0 || at === key.length - 1)
    return { ok: false, error: `invalid plugin key \`${key}\`: expected <plugin>@<marketplace>` };
  const name = key.slice(0, at);
  const marketplace = key.slice(at + 1);
  for (const [what, value] of [
    ["plugin name", name],
    ["marketplace name", marketplace],
  ] as const) {
    if (!SEGMENT.test(value) || value === "." || value === "..")
      return { ok: false, error: `invalid plugin key \`${key}\`: bad ${what} \`${value}\`` };
  }
  return { ok: true, value: { name, marketplace } };
}

export function pluginCacheRoot(codexHome: string): string {
  return path.join(codexHome, "plugins", "cache");
}

/** `plugins/data/<plugin>-<marketplace>` (it is not created here). */
export function pluginDataRoot(codexHome: string, id: PluginId): string {
  return path.join(codexHome, "plugins", "data", `${id.name}-${id.marketplace}`);
}

/**
 * The active version folder of an installed plugin: `local` when present, else the highest version
 * (semver order when both parse, text order otherwise); null when nothing is installed.
 */
export function activePluginRoot(codexHome: string, id: PluginId): string | null {
  const base = path.join(pluginCacheRoot(codexHome), id.marketplace, id.name);
  let versions: string[];
  try {
    versions = readdirSync(base, { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && VERSION.test(entry.name) && entry.name !== "." && entry.name !== "..",
      )
      .map((entry) => entry.name);
  } catch {
    return null;
  }
  if (versions.length === 0) return null;
  const active = versions.includes(LOCAL_PLUGIN_VERSION)
    ? LOCAL_PLUGIN_VERSION
    : versions.sort(compareVersions)[versions.length - 1];
  return active === undefined ? null : path.join(base, active);
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semver order when both parse (a pre-release sorts before its release), text order otherwise. */
export function compareVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}
