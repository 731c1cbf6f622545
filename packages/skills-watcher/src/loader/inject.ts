import { readFile } from "node:fs/promises";
import path from "node:path";
import type { MessageItem } from "@codex-ts/protocol";
import type { Skill } from "./model.js";

const SKILL_PATH_PREFIX = "skill://";
const APP_PATH_PREFIX = "app://";
const MCP_PATH_PREFIX = "mcp://";

/** `$NAME`s that are shell variables, not skill mentions. */
const COMMON_ENV_VARS = new Set([
  "PATH",
  "HOME",
  "USER",
  "SHELL",
  "PWD",
  "TMPDIR",
  "TEMP",
  "TMP",
  "LANG",
  "TERM",
  "XDG_CONFIG_HOME",
]);

const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_-]/.test(c);
const isEnvVar = (name: string) => COMMON_ENV_VARS.has(name.toUpperCase());

/** Mentions found in one text: `$name` (plain) and `[$name](path)` (linked). */
export interface SkillMentions {
  /** Every mentioned name (plain and linked). */
  names: Set<string>;
  /** Names mentioned as plain `$name`. */
  plainNames: Set<string>;
  /** Paths of linked mentions (a leading `skill://` stripped), excluding app/MCP links. */
  paths: Set<string>;
}

function readName(text: string, start: number): number {
  let end = start;
  while (isNameChar(text[end])) end++;
  return end;
}

/** Finds `$name` and `[$name](path)` mentions; common env vars (`$PATH`, `$HOME`, …) are not mentions. */
export function extractSkillMentions(text: string): SkillMentions {
  const out: SkillMentions = { names: new Set(), plainNames: new Set(), paths: new Set() };
  let i = 0;
  while (i < text.length) {
    if (text[i] === "[" && text[i + 1] === "$" && isNameChar(text[i + 2])) {
      const nameEnd = readName(text, i + 2);
      let p = nameEnd + 1;
      if (text[nameEnd] === "]") {
        while (p < text.length && /\s/.test(text[p] as string)) p++;
        if (text[p] === "(") {
          const close = text.indexOf(")", p + 1);
          const target = close === -1 ? "" : text.slice(p + 1, close).trim();
          if (target !== "") {
            const name = text.slice(i + 2, nameEnd);
            if (!isEnvVar(name)) {
              const isTool = target.startsWith(APP_PATH_PREFIX) || target.startsWith(MCP_PATH_PREFIX);
              if (!isTool) {
                out.names.add(name);
                out.paths.add(
                  target.startsWith(SKILL_PATH_PREFIX) ? target.slice(SKILL_PATH_PREFIX.length) : target,
                );
              }
            }
            i = close + 1;
            continue;
          }
        }
      }
    }
    if (text[i] === "$" && isNameChar(text[i + 1])) {
      const end = readName(text, i + 1);
      const name = text.slice(i + 1, end);
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

/** The input items this module looks at: text items and structured skill selections. */
export type MentionInput = { type: string; text?: string; name?: string; path?: string };

/**
 * The skills a user explicitly selected, in order: structured `skill` inputs first (matched by
 * path), then text mentions — linked `[$name](path)` by path, plain `$name` only when exactly one
 * enabled skill has that name and no structured input already used the name. Disabled skills
 * are never selected; each skill at most once. A plain string counts as one text input.
 */
export function resolveSkillMentions(
  input: string | readonly MentionInput[],
  skills: readonly Skill[],
): Skill[] {
  const inputs: readonly MentionInput[] = typeof input === "string" ? [{ type: "text", text: input }] : input;
  const enabled = skills.filter((s) => s.enabled);
  const nameCounts = new Map<string, number>();
  for (const s of enabled) nameCounts.set(s.name, (nameCounts.get(s.name) ?? 0) + 1);

  const selected: Skill[] = [];
  const seenPaths = new Set<string>();
  const seenNames = new Set<string>();
  const blockedNames = new Set<string>();
  const take = (skill: Skill) => {
    seenPaths.add(skill.path);
    seenNames.add(skill.name);
    selected.push(skill);
  };

  for (const item of inputs) {
    if (item.type !== "skill" || item.path === undefined) continue;
    if (item.name !== undefined) blockedNames.add(item.name);
    const wanted = path.resolve(item.path);
    const skill = enabled.find((s) => s.path === wanted);
    if (skill && !seenPaths.has(skill.path)) take(skill);
  }

  for (const item of inputs) {
    if (item.type !== "text" || item.text === undefined) continue;
    const mentions = extractSkillMentions(item.text);
    for (const skill of enabled) {
      if (!seenPaths.has(skill.path) && mentions.paths.has(skill.path)) take(skill);
    }
    for (const skill of enabled) {
      if (seenPaths.has(skill.path) || seenNames.has(skill.name) || blockedNames.has(skill.name)) continue;
      if (mentions.plainNames.has(skill.name) && nameCounts.get(skill.name) === 1) take(skill);
    }
  }
  return selected;
}

/**
 * Adds the skills that the selected skills' own SKILL.md files mention (`$name` when unambiguous,
 * or `[$name](path)`), transitively, after the ones already selected. Unreadable files add nothing.
 */
export async function expandSkillMentions(
  selected: readonly Skill[],
  skills: readonly Skill[],
): Promise<Skill[]> {
  const out = [...selected];
  const seen = new Set(out.map((s) => s.path));
  for (let i = 0; i < out.length; i++) {
    let contents: string;
    try {
      contents = await readFile((out[i] as Skill).path, "utf8");
    } catch {
      continue;
    }
    for (const skill of resolveSkillMentions(contents, skills)) {
      if (seen.has(skill.path)) continue;
      seen.add(skill.path);
      out.push(skill);
    }
  }
  return out;
}

/**
 * Everything a turn needs from skills in one call: the explicitly selected skills (see
 * `resolveSkillMentions`), those their SKILL.md files mention in turn, and the messages to add
 * to the turn after the user's message.
 */
export async function skillInjectionsForTurn(
  input: string | readonly MentionInput[],
  skills: readonly Skill[],
): Promise<{ selected: Skill[]; items: MessageItem[]; warnings: string[] }> {
  const selected = await expandSkillMentions(resolveSkillMentions(input, skills), skills);
  return { selected, ...(await buildSkillInjections(selected)) };
}

/** The text that carries one skill's SKILL.md into the turn. */
export function skillInstructionsText(skill: Pick<Skill, "name" | "path">, contents: string): string {
  return `<skill>\n<name>${skill.name}</name>\n<path>${skill.path}</path>\n${contents}\n</skill>`;
}

export type SkillInjection = { ok: true; item: MessageItem } | { ok: false; warning: string };

/**
 * Reads the skill's SKILL.md and wraps it as the user message Codex adds to the turn
 * (`<skill><name>…</name><path>…</path>…</skill>`). An unreadable file is a warning value.
 */
export async function skillInjection(skill: Pick<Skill, "name" | "path">): Promise<SkillInjection> {
  try {
    const contents = await readFile(skill.path, "utf8");
    return {
      ok: true,
      item: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: skillInstructionsText(skill, contents) }],
      },
    };
  } catch (error) {
    return {
      ok: false,
      warning: `Failed to load skill ${skill.name} at ${skill.path}: ${(error as Error).message}`,
    };
  }
}

/** `skillInjection` for each selected skill: the items to add to the turn plus any warnings. */
export async function buildSkillInjections(
  selected: readonly Skill[],
): Promise<{ items: MessageItem[]; warnings: string[] }> {
  const items: MessageItem[] = [];
  const warnings: string[] = [];
  for (const skill of selected) {
    const result = await skillInjection(skill);
    if (result.ok) items.push(result.item);
    else warnings.push(result.warning);
  }
  return { items, warnings };
}
