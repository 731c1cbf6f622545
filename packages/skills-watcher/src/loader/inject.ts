import { readFile } from "node:fs/promises";
import path from "node:path";
import type { MessageItem } from "@codex-ts/protocol";
import { extractMentions, type MentionInput, type Mentions } from "./mentions.js";
import type { Skill } from "./model.js";

/** Mentions found in one text (see ./mentions.ts): skill names, plain names, skill paths, plugins. */
export type SkillMentions = Mentions;

/** Finds `$name` and `[$name](path)` mentions (the `$` sigil); see `extractMentions`. */
export function extractSkillMentions(text: string): SkillMentions {
  return extractMentions(text);
}

export type { MentionInput };

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
