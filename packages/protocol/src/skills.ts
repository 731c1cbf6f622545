/**
 * Top-level aliases of the `skills/extraRoots/set` and `skills/config/write` shapes, kept for
 * packages that imported them from here before they moved into `v2` (where they are defined,
 * once, and registered in `v2.clientRequestMethods`). New code should use `v2.*`.
 */
export {
  SkillsConfigWriteParams,
  SkillsConfigWriteResponse,
  SkillsExtraRootsSetParams,
  SkillsExtraRootsSetResponse,
} from "./v2/tools.js";
