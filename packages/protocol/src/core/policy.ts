import * as z from "zod";
import { omittableField } from "../responses.js";

/**
 * Core (snake_case / kebab-case, as codex-rs serializes them) policy enums: approval policy,
 * review decisions, collaboration mode, reasoning settings.
 */

export const GranularApprovalConfig = z.object({
  sandbox_approval: z.boolean(),
  rules: z.boolean(),
  mcp_elicitations: z.boolean(),
  skill_approval: z.boolean().default(false),
  request_permissions: z.boolean().default(false),
});
export type GranularApprovalConfig = z.infer<typeof GranularApprovalConfig>;

/**
 * When Codex asks the user before running a command. `on-failure` is deprecated in Codex
 * (0.169 no longer offers it) but is still read and written so older configs/rollouts load.
 */
export const AskForApproval = z.union([
  z.enum(["untrusted", "on-failure", "on-request", "never"]),
  z.object({ granular: GranularApprovalConfig }),
]);
export type AskForApproval = z.infer<typeof AskForApproval>;

/** A prefix rule the user agreed to add to the exec policy (`["git", "status"]`). */
export const ExecPolicyAmendment = z.array(z.string());
export type ExecPolicyAmendment = z.infer<typeof ExecPolicyAmendment>;

export const NetworkPolicyAmendment = z.object({
  host: z.string(),
  action: z.enum(["allow", "deny"]),
});
export type NetworkPolicyAmendment = z.infer<typeof NetworkPolicyAmendment>;

/** The protocol of a network attempt that needs approval (core spelling: snake_case). */
export const NetworkApprovalProtocol = z.enum(["http", "https", "socks5_tcp", "socks5_udp"]);
export type NetworkApprovalProtocol = z.infer<typeof NetworkApprovalProtocol>;

/** What a managed-network approval is about: the host and the protocol of the blocked attempt. */
export const NetworkApprovalContext = z.object({ host: z.string(), protocol: NetworkApprovalProtocol });
export type NetworkApprovalContext = z.infer<typeof NetworkApprovalContext>;

/**
 * The user's answer to an approval request (serde snake_case; data-carrying variants are
 * externally tagged objects).
 */
export const ReviewDecision = z.union([
  z.enum(["approved", "approved_for_session", "denied", "timed_out", "abort"]),
  z.object({
    approved_execpolicy_amendment: z.object({ proposed_execpolicy_amendment: ExecPolicyAmendment }),
  }),
  z.object({
    network_policy_amendment: z.object({ network_policy_amendment: NetworkPolicyAmendment }),
  }),
]);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** True for every decision that lets the action run. */
export function isApprovalGranted(decision: ReviewDecision): boolean {
  if (typeof decision === "string") return decision === "approved" || decision === "approved_for_session";
  if ("approved_execpolicy_amendment" in decision) return true;
  return decision.network_policy_amendment.network_policy_amendment.action === "allow";
}

const LEGACY_DEFAULT_MODES = new Set(["code", "pair_programming", "execute", "custom"]);

/** Reads a legacy collaboration mode name (`code`, `pair_programming`, `execute`, `custom`) as `default`. */
export function coerceLegacyModeKind(value: unknown): unknown {
  return typeof value === "string" && LEGACY_DEFAULT_MODES.has(value) ? "default" : value;
}

/**
 * Collaboration mode kind. Legacy kinds (`code`, `pair_programming`, `execute`, `custom`) read
 * as `default`.
 */
export const ModeKind = z.preprocess(coerceLegacyModeKind, z.enum(["plan", "default"]));
export type ModeKind = z.infer<typeof ModeKind>;

/** Reasoning effort; Codex accepts any non-empty value a model advertises. */
export const ReasoningEffort = z.string().min(1);
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

export const ReasoningSummary = z.enum(["auto", "concise", "detailed", "none"]);
export type ReasoningSummary = z.infer<typeof ReasoningSummary>;

export const CollaborationModeSettings = z.object({
  model: z.string(),
  reasoning_effort: z.string().nullable().default(null),
  developer_instructions: z.string().nullable().default(null),
});

export const CollaborationMode = z.object({
  mode: ModeKind,
  settings: CollaborationModeSettings,
});
export type CollaborationMode = z.infer<typeof CollaborationMode>;

export const ApprovalsReviewer = z.enum(["user", "auto_review", "guardian_subagent"]);
export type ApprovalsReviewer = z.infer<typeof ApprovalsReviewer>;

/** Where a session came from (`cli`, `vscode`, `exec`, `mcp`, `app_server`…, or custom/sub-agent objects). */
export const SessionSource = z.union([z.string(), z.record(z.string(), z.unknown())]);
export type SessionSource = z.infer<typeof SessionSource>;

export const ActivePermissionProfile = z.object({
  id: z.string(),
  extends: omittableField(z.string()),
});
export type ActivePermissionProfile = z.infer<typeof ActivePermissionProfile>;
