import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";

export interface ExpandOptions {
  /** Directory levels scanned below a pattern's static base (≥ 1). */
  maxDepth: number;
  /** Upper bound on directory entries looked at across all patterns. */
  maxVisited?: number;
}

/**
 * Expand absolute deny-read glob patterns into the concrete paths that exist now, scanning at
 * most `maxDepth` directory levels below each pattern's static base. A matching directory is
 * denied as a whole (not descended into). A pattern without glob characters is its own path.
 */
export function expandDenyGlobs(
  patterns: string[],
  options: ExpandOptions,
): { paths: string[]; warnings: string[] } {
  const maxDepth = Math.max(1, options.maxDepth);
  let budget = options.maxVisited ?? 50_000;
  const paths = new Set<string>();
  const warnings: string[] = [];

  for (const pattern of patterns) {
    const scan = picomatch.scan(pattern);
    if (!scan.isGlob) {
      paths.add(path.resolve(pattern));
      continue;
    }
    const base = path.resolve(scan.base || "/");
    const isMatch = picomatch(pattern, { dot: true });
    let capped = false;
    const walk = (dir: string, level: number) => {
      if (level > maxDepth) return;
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of names) {
        if (budget-- <= 0) {
          capped = true;
          return;
        }
        const full = path.join(dir, d.name);
        if (isMatch(full)) {
          paths.add(full);
          continue;
        }
        if (d.isDirectory() && !d.isSymbolicLink()) walk(full, level + 1);
      }
    };
    walk(base, 1);
    if (capped)
      warnings.push(`deny glob ${pattern}: scan stopped after the visit limit; later matches are not denied`);
  }
  return { paths: [...paths], warnings };
}
