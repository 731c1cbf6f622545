import * as z from "zod";
import { coerceLegacyModeKind } from "../core/policy.js";
import { rejectRestrictedReadAccess } from "../permissions.js";
import { AbsolutePathBuf, named } from "./common.js";

/**
 * v2 (camelCase where Codex uses camelCase) approval and sandbox shapes, as the app-server speaks
 * them. The core snake_case shapes live in `../permissions.ts` / `../core`.
 */

export const AskForApprovalGranular = z.object({
  sandbox_approval: z.boolean(),
  rules: z.boolean(),
  mcp_elicitations: z.boolean(),
  skill_approval: z.boolean().default(false),
  request_permissions: z.boolean().default(false),
});

export const AskForApproval = named(
  "AskForApproval",
  z.union([z.enum(["untrusted", "on-request", "never"]), z.object({ granular: AskForApprovalGranular })]),
);
export type AskForApproval = z.infer<typeof AskForApproval>;

export const ApprovalsReviewer = named(
  "ApprovalsReviewer",
  z.enum(["user", "auto_review", "guardian_subagent"]),
);
export type ApprovalsReviewer = z.infer<typeof ApprovalsReviewer>;

export const SandboxMode = named(
  "SandboxMode",
  z.enum(["read-only", "workspace-write", "danger-full-access"]),
);
export type SandboxMode = z.infer<typeof SandboxMode>;

export const NetworkAccess = named("NetworkAccess", z.enum(["restricted", "enabled"]));
export type NetworkAccess = z.infer<typeof NetworkAccess>;

/** The legacy `access` / `readOnlyAccess` fields: `fullAccess` is dropped, `restricted` rejected (never widened). */
export const SandboxPolicy = named(
  "SandboxPolicy",
  rejectRestrictedReadAccess(z.discriminatedUnion("type", [
    z.object({ type: z.literal("dangerFullAccess") }),
    z.object({ type: z.literal("readOnly"), networkAccess: z.boolean().default(false) }),
    z.object({ type: z.literal("externalSandbox"), networkAccess: NetworkAccess.default("restricted") }),
    z.object({
      type: z.literal("workspaceWrite"),
      writableRoots: z.array(AbsolutePathBuf).default([]),
      networkAccess: z.boolean().default(false),
      excludeTmpdirEnvVar: z.boolean().default(false),
      excludeSlashTmp: z.boolean().default(false),
    }),
  ])),
);
export type SandboxPolicy = z.infer<typeof SandboxPolicy>;

export const Personality = named("Personality", z.enum(["none", "friendly", "pragmatic"]));
export type Personality = z.infer<typeof Personality>;

export const ReasoningSummary = named("ReasoningSummary", z.enum(["auto", "concise", "detailed", "none"]));
export type ReasoningSummary = z.infer<typeof ReasoningSummary>;

/**
 * Collaboration mode kind. Incoming legacy names (`code`, `pair_programming`, `execute`, `custom`)
 * are coerced to `default`; the schema and everything sent expose only `plan | default`.
 */
export const ModeKind = named("ModeKind", z.preprocess(coerceLegacyModeKind, z.enum(["plan", "default"])));
export type ModeKind = z.infer<typeof ModeKind>;
