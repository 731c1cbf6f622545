// The effective permissions of a turn's commands, patches and reads (see effective.ts).
export {
  activeProfile,
  checkReadable,
  checkWritable,
  effectivePermissions,
  narrowProfile,
  type EffectivePermissions,
  type PathCheck,
  type PermissionSource,
  profileRunsUnsandboxed,
  resolveEffective,
  turnUnsandboxed,
} from "./effective.js";
export { compileSkillPermissions, type SkillScript, skillScriptOf } from "./skills.js";
