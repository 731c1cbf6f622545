export { SkillsCache, type SkillsCacheOptions, toSkillsListEntry, toWireSkill } from "./loader/cache.js";
export {
  applySkillsConfig,
  SkillConfigEntry,
  SkillsConfig,
  type SkillsConfigWrite,
  skillConfigEntries,
  writeSkillsConfigEntry,
} from "./loader/config.js";
export {
  buildSkillInjections,
  expandSkillMentions,
  extractSkillMentions,
  type MentionInput,
  resolveSkillMentions,
  type SkillInjection,
  type SkillMentions,
  skillInjection,
  skillInjectionsForTurn,
  skillInstructionsText,
} from "./loader/inject.js";
export { type LoadSkillsOptions, loadSkills } from "./loader/load.js";
export { extractMentions, type Mentions, pluginMentions } from "./loader/mentions.js";
export type {
  PluginSkillRoot,
  Skill,
  SkillError,
  SkillInterface,
  SkillPermissions,
  SkillPolicy,
  SkillRoot,
  SkillScope,
  SkillsListEntry,
  SkillsLoadOutcome,
  SkillToolDependency,
} from "./loader/model.js";
export { extractFrontmatter, pluginNamespace, SKILL_FILENAME } from "./loader/parse.js";
export {
  modelVisibleSkills,
  renderSkillsSection,
  SKILLS_INSTRUCTIONS_CLOSE_TAG,
  SKILLS_INSTRUCTIONS_OPEN_TAG,
  skillsSectionMessage,
} from "./loader/render.js";
export {
  DEFAULT_ADMIN_SKILLS_ROOT,
  DEFAULT_PROJECT_ROOT_MARKERS,
  findProjectRoot,
  type SkillRootsOptions,
  skillRoots,
} from "./loader/roots.js";
export { type SkillsResult, SkillsService, type SkillsServiceOptions } from "./service.js";
export {
  type Invalidatable,
  type SkillsChangedEvent,
  type SkillsChangedListener,
  SkillsWatcher,
  type SkillsWatcherOptions,
  type WatchRoot,
} from "./watcher.js";
