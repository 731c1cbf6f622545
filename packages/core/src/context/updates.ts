// Context assembly: the context messages the model has not seen yet for the current settings.
import type { ResponseItem } from "@codex-ts/protocol";
import { skillsSectionMessage } from "@codex-ts/skills-watcher";
import {
  currentEnvironment,
  DEFAULT_MODE_INSTRUCTIONS,
  developerMessage,
  environmentContextText,
  loadProjectDocs,
  modelSwitchMessage,
  PLAN_MODE_INSTRUCTIONS,
  permissionsMessage,
  projectDocsMessage,
  userTextMessage,
} from "../session/context.js";
import type { SessionState } from "../session/state.js";

/**
 * Permissions, developer instructions, skills section, collaboration mode, model switch,
 * AGENTS.md and environment context — each only when it changed since the model was last told
 * (everything on a fresh or compacted history). Updates `history.told`.
 */
export function contextUpdates(s: SessionState): ResponseItem[] {
  const settings = s.settingsState;
  const told = s.history.told;
  const items: ResponseItem[] = [];
  const fresh = told.permissions === undefined && told.environment === undefined;
  const permissions = permissionsMessage(
    settings.sandboxPolicy,
    settings.approvalPolicy,
    s.options.execPolicy?.allowPrefixes() ?? [],
  );
  const permissionsKey = JSON.stringify(permissions);
  if (permissionsKey !== told.permissions) {
    items.push(permissions);
    told.permissions = permissionsKey;
  }
  if (fresh && s.options.developerInstructions) items.push(developerMessage(s.options.developerInstructions));
  const skillsSection = skillsSectionMessage(s.skills);
  const skillsKey = skillsSection ? JSON.stringify(skillsSection) : "";
  if (skillsSection && skillsKey !== told.skills) items.push(skillsSection);
  told.skills = skillsKey;
  const mode = s.modeKind();
  if (mode !== (told.mode ?? "default") || (fresh && mode === "plan")) {
    const custom = settings.collaborationMode?.settings.developer_instructions;
    items.push(
      developerMessage(custom ?? (mode === "plan" ? PLAN_MODE_INSTRUCTIONS : DEFAULT_MODE_INSTRUCTIONS)),
    );
  }
  told.mode = mode;
  if (told.model !== undefined && told.model !== settings.model) {
    items.push(modelSwitchMessage(s.options.modelInstructions?.(settings.model) ?? s.baseInstructions));
  }
  told.model = settings.model;
  const environmentKey = JSON.stringify([settings.cwd, settings.workspaceRoots]);
  if (environmentKey !== told.environment) {
    if (fresh || told.environment === undefined || JSON.parse(told.environment)[0] !== settings.cwd) {
      const docs = loadProjectDocs(
        settings.cwd,
        s.options.projectDocMaxBytes ?? 32 * 1024,
        s.options.projectDocFallbackFilenames,
      );
      if (docs) items.push(projectDocsMessage(settings.cwd, docs));
    }
    items.push(
      userTextMessage(
        environmentContextText(currentEnvironment(settings.cwd, settings.workspaceRoots, s.env)),
      ),
    );
    told.environment = environmentKey;
  }
  return items;
}
