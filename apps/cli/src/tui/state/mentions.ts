/**
 * The `@` file and `$` skill mentions being typed: which token the cursor is in, what the popup
 * lists for it, and what choosing an entry does to the text. Pure.
 */

export type Sigil = "@" | "$";

export interface ActiveToken {
  sigil: Sigil;
  /** What follows the sigil. */
  query: string;
  /** The token's span in the text (sigil included). */
  start: number;
  end: number;
}

/** The `@…` or `$…` word the cursor is in or right after; null otherwise. */
export function activeToken(text: string, cursor: number): ActiveToken | null {
  let start = cursor;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  let end = cursor;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  const sigil = text[start];
  if ((sigil !== "@" && sigil !== "$") || cursor === start) return null;
  return { sigil, query: text.slice(start + 1, end), start, end };
}

/** One row of a mention popup. */
export interface MentionEntry {
  label: string;
  detail?: string;
  /** The text that replaces the token. */
  insert: string;
}

/** The text after choosing `entry` for `token`: the token replaced, a space after, the cursor past it. */
export function completeToken(
  text: string,
  token: ActiveToken,
  entry: MentionEntry,
): { text: string; cursor: number } {
  const after = text.slice(token.end);
  const spaced = after.startsWith(" ") ? after : ` ${after}`;
  const next = text.slice(0, token.start) + entry.insert + spaced;
  return { text: next, cursor: token.start + entry.insert.length + 1 };
}

export interface SkillInfo {
  name: string;
  description: string;
  path: string;
}

/** Skills whose name matches the query: prefix matches first, then names containing it. */
export function skillEntries(skills: readonly SkillInfo[], query: string): MentionEntry[] {
  const q = query.toLowerCase();
  const prefix = skills.filter((s) => s.name.toLowerCase().startsWith(q));
  const inner = skills.filter((s) => !s.name.toLowerCase().startsWith(q) && s.name.toLowerCase().includes(q));
  return [...prefix, ...inner].map((s) => ({
    label: `$${s.name}`,
    detail: s.description,
    insert: `$${s.name}`,
  }));
}

/** A path as it is inserted after `@`: quoted when it has spaces. */
export function filePathInsert(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}

/** The skills named with `$name` in a prompt (each once), for the turn's `skill` inputs. */
export function mentionedSkills<T extends SkillInfo>(text: string, skills: readonly T[]): T[] {
  const names = new Set([...text.matchAll(/(?:^|\s)\$([A-Za-z0-9_.:-]+)/g)].map((m) => m[1]!));
  return skills.filter((s) => names.has(s.name));
}
