import { z } from "zod";
import { AbsolutePathBuf, named, opt } from "./v2/common.js";

/**
 * App-server v2 skills requests that `v2/tools.ts` does not define yet (skills/list,
 * SkillMetadata and skills/changed live there): `skills/config/write` and
 * `skills/extraRoots/set`, as in the official Codex 0.169 schema.
 */

/** `skills/config/write` params: enable or disable one skill, selected by `name` or by `path`. */
export const SkillsConfigWriteParams = named(
  "SkillsConfigWriteParams",
  z.object({
    enabled: z.boolean(),
    name: opt(z.string()),
    path: opt(AbsolutePathBuf),
  }),
);
export type SkillsConfigWriteParams = z.infer<typeof SkillsConfigWriteParams>;

/** `skills/config/write` result: whether the selected skill ends up enabled. */
export const SkillsConfigWriteResponse = named(
  "SkillsConfigWriteResponse",
  z.object({ effectiveEnabled: z.boolean() }),
);
export type SkillsConfigWriteResponse = z.infer<typeof SkillsConfigWriteResponse>;

/** `skills/extraRoots/set` params: the complete list of extra (user-scope) skill roots. */
export const SkillsExtraRootsSetParams = named(
  "SkillsExtraRootsSetParams",
  z.object({ extraRoots: z.array(AbsolutePathBuf) }),
);
export type SkillsExtraRootsSetParams = z.infer<typeof SkillsExtraRootsSetParams>;

/** `skills/extraRoots/set` result (empty object). */
export const SkillsExtraRootsSetResponse = named("SkillsExtraRootsSetResponse", z.object({}));
export type SkillsExtraRootsSetResponse = z.infer<typeof SkillsExtraRootsSetResponse>;
