// Context assembly: the context messages the model has not seen yet for the current settings, laid
// out as Codex 0.169 sends them (checked against the real binary): one developer message whose parts
// are the developer instructions, skills section, permissions and collaboration mode; one user
// message whose parts are AGENTS.md and <environment_context>; a model switch is a developer
// message of its own. The base instructions are not here: they open every request (see sampling).
import { type ModeKind, type ResponseItem, sandboxPolicyToPermissionProfileForCwd } from "@codex-ts/protocol";
import { renderSkillsSection } from "@codex-ts/skills-watcher";
import {
  currentEnvironment,
  DEFAULT_MODE_INSTRUCTIONS,
  environmentContextText,
  loadProjectDocs,
  modelSwitchMessage,
  PLAN_MODE_INSTRUCTIONS,
  permissionsText,
  projectDocsText,
} from "../session/context.js";
import type { SessionState } from "../session/state.js";
import type { Told } from "./history.js";
import { environmentKey, toldFromHistory } from "./told.js";

type InputText = { type: "input_text"; text: string };

function message(role: "developer" | "user", texts: readonly string[]): ResponseItem[] {
  if (texts.length === 0) return [];
  return [{ type: "message", role, content: texts.map((text): InputText => ({ type: "input_text", text })) }];
}

/**
 * Model switch, then the developer message (developer instructions, skills, permissions,
 * collaboration mode), then the user message (AGENTS.md, environment context) — each part only
 * when it changed since the model was last told (everything on a fresh history; on a resumed or
 * rolled-back one, what the history last told it counts). Updates `history.told`.
 */
export function contextUpdates(s: SessionState): ResponseItem[] {
  const history = s.history;
  if (history.told.permissions === undefined && history.told.environment === undefined) {
    // A resumed (or rolled back) history already told the model something: start from that.
    history.told = { ...toldFromHistory(history.items), ...(history.told.model ? { model: history.told.model } : {}) };
  }
  return contextItems(s, history.told);
}

/**
 * The history a compaction leaves, laid out as Codex 0.169 does: the user messages kept, with the
 * whole context (as on a fresh history) inserted before the last of them, then the summary.
 */
export function compactedHistory(s: SessionState, kept: readonly ResponseItem[], summary: ResponseItem): ResponseItem[] {
  const context = contextItems(s, { model: s.settingsState.model });
  const last = kept.length > 0 ? [kept[kept.length - 1]!] : [];
  return [...kept.slice(0, kept.length - last.length), ...context, ...last, summary];
}

function contextItems(s: SessionState, told: Told): ResponseItem[] {
  const settings = s.settingsState;
  const fresh = told.permissions === undefined && told.environment === undefined;
  const items: ResponseItem[] = [];

  if (told.model !== undefined && told.model !== settings.model) {
    items.push(modelSwitchMessage(s.options.modelInstructions?.(settings.model) ?? s.baseInstructions));
  }
  told.model = settings.model;

  const developer: string[] = [];
  if (fresh && s.options.developerInstructions) developer.push(s.options.developerInstructions);
  const skills = renderSkillsSection(s.skills) ?? "";
  if (skills && skills !== told.skills) developer.push(skills);
  told.skills = skills;
  const permissions = permissionsText(
    settings.sandboxPolicy,
    settings.approvalPolicy,
    s.options.execPolicy?.allowPrefixes() ?? [],
  );
  if (permissions !== told.permissions) developer.push(permissions);
  told.permissions = permissions;
  const mode: ModeKind = s.modeKind();
  if (mode !== (told.mode ?? "default") || (fresh && mode === "plan")) {
    const custom = settings.collaborationMode?.settings.developer_instructions;
    developer.push(custom ?? (mode === "plan" ? PLAN_MODE_INSTRUCTIONS : DEFAULT_MODE_INSTRUCTIONS));
  }
  told.mode = mode;
  items.push(...message("developer", developer));

  const user: string[] = [];
  const profile =
    settings.permissionProfile ?? sandboxPolicyToPermissionProfileForCwd(settings.sandboxPolicy, settings.cwd);
  const environment = environmentContextText(
    currentEnvironment(settings.cwd, shownWorkspaceRoots(s), s.env, profile),
  );
  const key = environmentKey(environment);
  if (key !== told.environment) {
    if (fresh || told.cwd !== settings.cwd) {
      const docs = loadProjectDocs(
        settings.cwd,
        s.options.projectDocMaxBytes ?? 32 * 1024,
        s.options.projectDocFallbackFilenames,
      );
      if (docs) user.push(projectDocsText(settings.cwd, docs));
    }
    user.push(environment);
    told.environment = key;
    told.cwd = settings.cwd;
  }
  items.push(...message("user", user));
  return items;
}

/**
 * The roots shown in `<workspace_roots>`: the thread's workspace roots, then a workspace-write
 * sandbox's extra writable roots (Codex 0.169 lists `writable_roots` there too).
 */
function shownWorkspaceRoots(s: SessionState): string[] {
  const settings = s.settingsState;
  const extra = settings.sandboxPolicy.type === "workspace-write" ? settings.sandboxPolicy.writable_roots : [];
  return [...new Set([...settings.workspaceRoots, ...extra])];
}
