import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Fingerprint of everything in a plugin's root: every regular file's relative path and bytes,
 * in path order (symlinks by their target text, never followed). A plugin hook's trust hash is
 * `<handler hash>/<this>`, as in Codex 0.169, so editing any file of the plugin (the script a hook
 * runs, its hooks.json, a new file) asks for trust again. Codex's own bundle fingerprint
 * (`codex-plugin-bundle-v1`) is computed differently, so trust recorded by one for a plugin hook
 * reads as `modified` in the other (fail closed).
 */
export function pluginContentHash(root: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() || stat.isSymbolicLink()) files.push(path);
    }
  };
  walk(root);
  const hash = createHash("sha256").update("codex-ts-plugin-bundle-v1\0");
  for (const path of files.sort()) {
    const rel = relative(root, path).split("\\").join("/");
    const stat = lstatSync(path);
    const bytes = stat.isSymbolicLink() ? Buffer.from(`symlink:${readlinkSync(path)}`) : readFileSync(path);
    hash.update(`${rel}\0${stat.mode & 0o111 ? "x" : "-"}\0${bytes.length}\0`).update(bytes);
  }
  return `sha256:${hash.digest("hex")}`;
}

