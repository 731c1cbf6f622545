/**
 * Mention parsing shared by skills and plugins, generalised over the sigil (default `$`, as in
 * Codex): plain `$name` mentions and linked `[$name](target)` mentions. A link's target says what
 * is mentioned — `skill://` or a path (a skill), `plugin://<plugin>@<marketplace>` (a plugin),
 * `app://` / `mcp://` (tools, never skills). Plain `@name` text is not a plugin mention: plugins
 * are mentioned structurally (a `mention` input with a `plugin://` path, or a link).
 */

const SKILL_PREFIX = "skill://";
const PLUGIN_PREFIX = "plugin://";
const TOOL_PREFIXES = ["app://", "mcp://"];

/** `$NAME`s that are shell variables, not mentions. */
const COMMON_ENV_VARS = new Set(["PATH", "HOME", "USER", "SHELL", "PWD", "TMPDIR", "TEMP", "TMP", "LANG", "TERM", "XDG_CONFIG_HOME"]);

const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_-]/.test(c);
const isEnvVar = (name: string) => COMMON_ENV_VARS.has(name.toUpperCase());

/** Mentions found in one text. */
export interface Mentions {
  /** Every name mentioned as a skill (plain and linked). */
  names: Set<string>;
  /** Names mentioned plainly (`$name`). */
  plainNames: Set<string>;
  /** Skill paths of linked mentions (a leading `skill://` stripped). */
  paths: Set<string>;
  /** Plugin ids (`name@marketplace`) of `plugin://` links, in order. */
  plugins: string[];
}

function readName(text: string, start: number): number {
  let end = start;
  while (isNameChar(text[end])) end++;
  return end;
}

/** A linked mention `[<sigil>name](target)` at `i`: its name, target and end, or undefined. */
function linkAt(text: string, i: number, sigil: string): { name: string; target: string; end: number } | undefined {
  if (text[i] !== "[" || !text.startsWith(sigil, i + 1) || !isNameChar(text[i + 1 + sigil.length])) return undefined;
  const nameStart = i + 1 + sigil.length;
  const nameEnd = readName(text, nameStart);
  if (text[nameEnd] !== "]") return undefined;
  let p = nameEnd + 1;
  while (p < text.length && /\s/.test(text[p] as string)) p++;
  if (text[p] !== "(") return undefined;
  const close = text.indexOf(")", p + 1);
  const target = close === -1 ? "" : text.slice(p + 1, close).trim();
  if (target === "") return undefined;
  return { name: text.slice(nameStart, nameEnd), target, end: close + 1 };
}

/** Finds the mentions of one text; common environment variables (`$PATH`, `$HOME`, …) are not mentions. */
export function extractMentions(text: string, sigil = "$"): Mentions {
  const out: Mentions = { names: new Set(), plainNames: new Set(), paths: new Set(), plugins: [] };
  let i = 0;
  while (i < text.length) {
    const link = linkAt(text, i, sigil);
    if (link) {
      if (link.target.startsWith(PLUGIN_PREFIX)) {
        const id = link.target.slice(PLUGIN_PREFIX.length);
        if (id && !out.plugins.includes(id)) out.plugins.push(id);
      } else if (!isEnvVar(link.name) && !TOOL_PREFIXES.some((prefix) => link.target.startsWith(prefix))) {
        out.names.add(link.name);
        out.paths.add(link.target.startsWith(SKILL_PREFIX) ? link.target.slice(SKILL_PREFIX.length) : link.target);
      }
      i = link.end;
      continue;
    }
    if (text.startsWith(sigil, i) && isNameChar(text[i + sigil.length])) {
      const end = readName(text, i + sigil.length);
      const name = text.slice(i + sigil.length, end);
      if (!isEnvVar(name)) {
        out.names.add(name);
        out.plainNames.add(name);
      }
      i = end;
      continue;
    }
    i++;
  }
  return out;
}

/** The input items mention parsing looks at. */
export type MentionInput = { type: string; text?: string; name?: string; path?: string };

/**
 * The plugins a user mentioned, in order and once each: structured `mention` inputs whose path is
 * `plugin://<id>`, then `[<sigil>name](plugin://<id>)` links in text inputs.
 */
export function pluginMentions(input: string | readonly MentionInput[], sigil = "$"): string[] {
  const inputs: readonly MentionInput[] = typeof input === "string" ? [{ type: "text", text: input }] : input;
  const out: string[] = [];
  const add = (id: string) => {
    if (id && !out.includes(id)) out.push(id);
  };
  for (const item of inputs) {
    if (item.type === "mention" && item.path?.startsWith(PLUGIN_PREFIX)) add(item.path.slice(PLUGIN_PREFIX.length));
  }
  for (const item of inputs) {
    if (item.type === "text" && item.text !== undefined) for (const id of extractMentions(item.text, sigil).plugins) add(id);
  }
  return out;
}
