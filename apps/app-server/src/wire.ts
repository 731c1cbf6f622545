/**
 * Params schemas for the methods this server implements.
 *
 * The stable v2 shapes come from `@codex-ts/protocol` (`v2.clientRequestMethods`). Experimental
 * fields (gated by `capabilities.experimentalApi`, absent from the stable schema) are added here
 * until the protocol package models them; switching means deleting the `.extend` calls.
 */
import { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { PermissionsSelection } from "./permission-profiles.js";

const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

export const InitializeParams = v2.InitializeParams;
export type InitializeParams = z.infer<typeof InitializeParams>;

/** A client-defined tool the model may call (experimental `dynamicTools`). */
export const DynamicToolSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(""),
  inputSchema: z.record(z.string(), z.unknown()).default({ type: "object", properties: {} }),
  namespace: opt(z.string()),
  deferLoading: opt(z.boolean()),
});
export type DynamicToolSpec = z.infer<typeof DynamicToolSpec>;

const experimentalThreadFields = {
  dynamicTools: opt(z.array(DynamicToolSpec)),
  persistExtendedHistory: opt(z.boolean()),
  runtimeWorkspaceRoots: opt(z.array(z.string())),
};

export const ThreadStartParams = v2.ThreadStartParams.extend({
  ...experimentalThreadFields,
  /** A permission profile id (`:workspace`, a `[permissions.<name>]` profile, …); not with `sandbox`. */
  permissions: opt(PermissionsSelection),
});
export const ThreadResumeParams = v2.ThreadResumeParams.extend({
  ...experimentalThreadFields,
  permissions: opt(PermissionsSelection),
  path: opt(z.string()),
});
export const ThreadForkParams = v2.ThreadForkParams.extend({
  persistExtendedHistory: opt(z.boolean()),
  permissions: opt(PermissionsSelection),
  path: opt(z.string()),
});
export const TurnStartParams = v2.TurnStartParams.extend({
  /** A permission profile id for this and later turns; not with `sandboxPolicy`. */
  permissions: opt(PermissionsSelection),
  runtimeWorkspaceRoots: opt(z.array(z.string())),
  collaborationMode: opt(v2.CollaborationMode),
});

/** Params fields that need `capabilities.experimentalApi`, per method. */
/** `thread/readState/update` (experimental in Codex 0.169; not in the stable schema). */
export const ThreadReadStateUpdateParams = z.object({
  threadId: z.string(),
  operation: z.discriminatedUnion("type", [z.object({ type: z.literal("read") }), z.object({ type: z.literal("unread") })]),
  expectedRevision: z.string(),
});

export const EXPERIMENTAL_FIELDS: Record<string, readonly string[]> = {
  "thread/start": ["dynamicTools", "persistExtendedHistory", "runtimeWorkspaceRoots", "permissions"],
  "thread/resume": ["dynamicTools", "persistExtendedHistory", "runtimeWorkspaceRoots", "path", "permissions"],
  "thread/fork": ["persistExtendedHistory", "path", "permissions"],
  "turn/start": ["runtimeWorkspaceRoots", "collaborationMode", "permissions"],
};

export type ThreadStartParams = z.infer<typeof ThreadStartParams>;
export type ThreadResumeParams = z.infer<typeof ThreadResumeParams>;
export type ThreadForkParams = z.infer<typeof ThreadForkParams>;
export type TurnStartParams = z.infer<typeof TurnStartParams>;
