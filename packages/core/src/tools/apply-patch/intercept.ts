/**
 * Models sometimes run `apply_patch` through the shell (`apply_patch <<'EOF' … EOF`, optionally
 * after `cd <dir> &&`). There is no such program; like Codex, the exec tools recognise these
 * invocations and apply the patch through the apply_patch path instead.
 */
import path from "node:path";

const HEREDOC =
  /^\s*(?:cd\s+(?:'([^']+)'|"([^"]+)"|([^\s;&|'"]+))\s*&&\s*)?(?:apply_patch|applypatch)\s*<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\4[ \t]*\n([\s\S]*?)\n[ \t]*\5[ \t]*\n?\s*$/;

/** The patch text and directory of a shell `apply_patch` heredoc invocation, if `script` is one. */
export function extractApplyPatchInvocation(script: string, cwd: string): { patch: string; cwd: string } | undefined {
  const m = HEREDOC.exec(script);
  if (!m) return undefined;
  const dir = m[1] ?? m[2] ?? m[3];
  const patch = m[6] ?? "";
  if (!patch.trimStart().startsWith("*** Begin Patch")) return undefined;
  return { patch, cwd: dir ? path.resolve(cwd, dir) : cwd };
}
