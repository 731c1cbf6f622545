import type { MessageItem } from "@codex-ts/protocol";
import type { Skill } from "./model.js";

export const SKILLS_INSTRUCTIONS_OPEN_TAG = "<skills_instructions>";
export const SKILLS_INSTRUCTIONS_CLOSE_TAG = "</skills_instructions>";

const USAGE = [
  "- When the user names a skill (`$name` or in plain words), or the task clearly fits a skill's description, use that skill for this turn; use every skill that is named. Skills do not carry over to later turns unless they are named again.",
  "- Open the skill's SKILL.md first and read just enough of it to follow the workflow. Load the files it points to (references/, scripts/, assets/) only when the request needs them; prefer running or adapting its scripts over retyping them, and reuse its templates.",
  "- If a named skill is not listed or its file cannot be read, say so in one line and carry on with the best alternative.",
  "- When several skills apply, use the smallest set that covers the request and state in one line which ones you use and in what order.",
].join("\n");

/** Skills the model is told about: enabled ones whose policy does not forbid implicit use. */
export function modelVisibleSkills(skills: readonly Skill[]): Skill[] {
  return skills.filter((s) => s.enabled && s.policy?.allowImplicitInvocation !== false);
}

/**
 * The skills section of the model's developer context (wrapped in `<skills_instructions>`),
 * listing each visible skill as `- name: description (file: path)`; undefined when none is visible.
 */
export function renderSkillsSection(skills: readonly Skill[]): string | undefined {
  const visible = modelVisibleSkills(skills);
  if (visible.length === 0) return undefined;
  const lines = [
    SKILLS_INSTRUCTIONS_OPEN_TAG,
    "## Skills",
    "A skill is a folder of local instructions described by a `SKILL.md` file. These skills are available in this session; each entry gives the skill's name, what it is for, and the path of its SKILL.md.",
    "### Available skills",
    ...visible.map((s) => `- ${s.name}: ${s.description} (file: ${s.path.replaceAll("\\", "/")})`),
    "### How to use skills",
    USAGE,
    SKILLS_INSTRUCTIONS_CLOSE_TAG,
  ];
  return lines.join("\n");
}

/** The skills section as a developer message, ready for the prompt; undefined when empty. */
export function skillsSectionMessage(skills: readonly Skill[]): MessageItem | undefined {
  const text = renderSkillsSection(skills);
  return text === undefined
    ? undefined
    : { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}
