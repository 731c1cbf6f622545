// What the model was last told about the settings, read back from a history (a resumed thread, or
// what is left after a rollback): the last permissions, skills, collaboration mode and environment
// context parts it contains. Context the history already holds is then not sent again.
import type { ModeKind, ResponseItem } from "@codex-ts/protocol";
import { SKILLS_INSTRUCTIONS_OPEN_TAG } from "@codex-ts/skills-watcher";
import type { Told } from "./history.js";

const PERMISSIONS_OPEN_TAG = "<permissions instructions>";
const ENVIRONMENT_OPEN_TAG = "<environment_context>";
const MODE_TAG = /^<collaboration_mode>(\w+)<\/collaboration_mode>/;

/** The environment context without its date line: a new day alone does not re-send it. */
export function environmentKey(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("<current_date>"))
    .join("\n");
}

const unescapeXml = (text: string) => text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

function texts(item: ResponseItem): string[] {
  if (item.type !== "message") return [];
  return item.content.flatMap((part) => (part.type === "input_text" ? [part.text] : []));
}

/** The told state a history implies (empty when it holds no context messages). */
export function toldFromHistory(items: readonly ResponseItem[]): Told {
  const told: Told = {};
  for (const item of items) {
    if (item.type !== "message") continue;
    for (const text of texts(item)) {
      if (item.role === "developer") {
        if (text.startsWith(PERMISSIONS_OPEN_TAG)) told.permissions = text;
        else if (text.startsWith(SKILLS_INSTRUCTIONS_OPEN_TAG)) told.skills = text;
        else {
          const mode = MODE_TAG.exec(text)?.[1];
          if (mode === "plan" || mode === "default") told.mode = mode satisfies ModeKind;
        }
      } else if (item.role === "user" && text.startsWith(ENVIRONMENT_OPEN_TAG)) {
        told.environment = environmentKey(text);
        const cwd = /<cwd>([^<]*)<\/cwd>/.exec(text)?.[1];
        if (cwd !== undefined) told.cwd = unescapeXml(cwd);
      }
    }
  }
  return told;
}
