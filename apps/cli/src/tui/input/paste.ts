/**
 * A paste that names an image file (what a terminal sends when a file is dropped on it, or a
 * copied path): its absolute path when the file exists, else null.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]);

export function pastedImagePath(pasted: string, cwd: string): string | null {
  let candidate = pasted.trim();
  if (candidate === "" || candidate.includes("\n")) return null;
  if (/^(['"]).*\1$/.test(candidate)) candidate = candidate.slice(1, -1);
  if (candidate.startsWith("file://")) {
    try {
      candidate = fileURLToPath(candidate);
    } catch {
      return null;
    }
  } else {
    // Shells and terminals escape spaces and the like with a backslash.
    candidate = candidate.replace(/\\(.)/g, "$1");
  }
  if (candidate.startsWith("~/")) candidate = path.join(process.env.HOME ?? "", candidate.slice(2));
  if (!IMAGE_EXTENSIONS.has(path.extname(candidate).toLowerCase())) return null;
  const absolute = path.resolve(cwd, candidate);
  try {
    return statSync(absolute).isFile() ? absolute : null;
  } catch {
    return null;
  }
}
