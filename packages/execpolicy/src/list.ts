/**
 * Rendering the allowed prefixes for the model's instructions: bounded, shortest/broadest first,
 * capped, with the number left out. The text matches Codex's `format_allow_prefixes`.
 */

export const MAX_RENDERED_PREFIXES = 100;
export const MAX_ALLOW_PREFIX_TEXT_CHARS = 5000;
export const TRUNCATED_MARKER = "...\n[Some commands were truncated]";

export interface RenderedPrefixes {
  /** `- ["git", "status"]` lines, truncated with Codex's marker when needed. */
  text: string;
  /** Prefixes rendered in full. */
  shown: number;
  /** Prefixes left out (not rendered, or cut by the character cap). */
  omitted: number;
}

function combinedLength(prefix: readonly string[]): number {
  let n = 0;
  for (const t of prefix) n += t.length;
  return n;
}

/** Token by token (code unit order), a prefix before its extensions. */
export function compareLex(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Shortest first (token count), then total length, then lexicographic. */
export function sortPrefixesBroadestFirst(prefixes: readonly (readonly string[])[]): string[][] {
  return prefixes
    .map((p) => [...p])
    .sort((a, b) => a.length - b.length || combinedLength(a) - combinedLength(b) || compareLex(a, b));
}

export function renderCommandPrefix(prefix: readonly string[]): string {
  return `[${prefix.map((t) => JSON.stringify(t)).join(", ")}]`;
}

/**
 * Returns undefined when there is nothing to list. With `countOmitted`, the truncation marker says
 * how many prefixes were left out instead of Codex's generic marker.
 */
export function formatAllowPrefixes(
  prefixes: readonly (readonly string[])[],
  limits: { maxPrefixes?: number; maxChars?: number; countOmitted?: boolean } = {},
): RenderedPrefixes | undefined {
  if (prefixes.length === 0) return undefined;
  const maxPrefixes = limits.maxPrefixes ?? MAX_RENDERED_PREFIXES;
  const maxChars = limits.maxChars ?? MAX_ALLOW_PREFIX_TEXT_CHARS;
  const sorted = sortPrefixesBroadestFirst(prefixes);
  const lines = sorted.slice(0, maxPrefixes).map((p) => `- ${renderCommandPrefix(p)}`);
  let truncated = sorted.length > maxPrefixes;
  let text = lines.join("\n");
  let shown = lines.length;
  const chars = Array.from(text);
  if (chars.length > maxChars) {
    truncated = true;
    text = chars.slice(0, maxChars).join("");
    // count only lines that survived whole
    let kept = 0;
    let used = 0;
    for (const line of lines) {
      used += Array.from(line).length + (kept > 0 ? 1 : 0);
      if (used > maxChars) break;
      kept += 1;
    }
    shown = kept;
  }
  const omitted = sorted.length - shown;
  const marker = limits.countOmitted
    ? `...\n[${omitted} more command prefix${omitted === 1 ? " was" : "es were"} not listed]`
    : TRUNCATED_MARKER;
  return {
    text: truncated ? `${text}${marker}` : text,
    shown,
    omitted,
  };
}
