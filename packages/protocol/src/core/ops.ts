import * as z from "zod";
import { AdditionalPermissionProfile, PermissionProfile } from "../permissions.js";
import { omittableField } from "../responses.js";
import { UserInput } from "./items.js";
import {
  ActivePermissionProfile,
  ApprovalsReviewer,
  AskForApproval,
  CollaborationMode,
  ReasoningSummary,
  ReviewDecision,
} from "./policy.js";

/**
 * Core operations (`Op`) a client submits to a session, tagged by `type` in snake_case.
 *
 * codex-ts choice (documented, not a codex-rs shape): thread-settings changes travel as a
 * `ThreadSettingsOverrides` object — every field optional, absent = keep — either alone
 * (`thread_settings` op) or attached to a `user_input` op, so one submission can change the
 * model/cwd/approval policy and start a turn atomically. The field names are those of
 * Codex's `thread_settings_applied` event.
 */

export const ThreadSettingsOverrides = z.object({
  model: omittableField(z.string()),
  model_provider_id: omittableField(z.string()),
  service_tier: omittableField(z.string()),
  approval_policy: omittableField(AskForApproval),
  approvals_reviewer: omittableField(ApprovalsReviewer),
  permission_profile: omittableField(PermissionProfile),
  active_permission_profile: omittableField(ActivePermissionProfile),
  cwd: omittableField(z.string()),
  runtime_workspace_roots: omittableField(z.array(z.string())),
  collaboration_mode: omittableField(CollaborationMode),
  reasoning_effort: omittableField(z.string()),
  reasoning_summary: omittableField(ReasoningSummary),
  personality: omittableField(z.string()),
});
export type ThreadSettingsOverrides = z.infer<typeof ThreadSettingsOverrides>;

const op = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

/** Start a turn (or steer the running one) with user input, optionally changing settings first. */
export const UserInputOp = op("user_input", {
  items: z.array(UserInput),
  thread_settings: omittableField(ThreadSettingsOverrides),
  /** JSON Schema the final assistant message must satisfy (`--output-schema`). */
  final_output_json_schema: omittableField(z.unknown()),
  client_id: omittableField(z.string()),
});
export const ThreadSettingsOp = op("thread_settings", { settings: ThreadSettingsOverrides });
export const InterruptOp = op("interrupt", {});
export const ExecApprovalOp = op("exec_approval", {
  /** The `approval_id` (or `call_id`) of the request being answered. */
  id: z.string(),
  turn_id: omittableField(z.string()),
  decision: ReviewDecision,
});
export const PatchApprovalOp = op("patch_approval", { id: z.string(), decision: ReviewDecision });
/** How long a permissions grant lasts (codex-rs `PermissionGrantScope`, default `turn`). */
export const PermissionGrantScope = z.enum(["turn", "session"]);
export type PermissionGrantScope = z.infer<typeof PermissionGrantScope>;
/**
 * The client's answer to a `request_permissions` event (codex-rs `RequestPermissionsResponse`):
 * what it grants (empty = denied; only what was requested takes effect) and for how long.
 */
export const RequestPermissionsResponse = z.object({
  permissions: AdditionalPermissionProfile,
  scope: PermissionGrantScope.default("turn"),
  strict_auto_review: z.boolean().default(false),
});
export type RequestPermissionsResponse = z.infer<typeof RequestPermissionsResponse>;
/** Answer a `request_permissions` event; `id` is its `call_id`. */
export const RequestPermissionsResponseOp = op("request_permissions_response", {
  id: z.string(),
  response: RequestPermissionsResponse,
});
export const CompactOp = op("compact", {});
export const ShutdownOp = op("shutdown", {});
export const ThreadRollbackOp = op("thread_rollback", { num_turns: z.number().int().positive() });
export const SetThreadNameOp = op("set_thread_name", { name: z.string() });

export const Op = z.discriminatedUnion("type", [
  UserInputOp,
  ThreadSettingsOp,
  InterruptOp,
  ExecApprovalOp,
  PatchApprovalOp,
  RequestPermissionsResponseOp,
  CompactOp,
  ShutdownOp,
  ThreadRollbackOp,
  SetThreadNameOp,
]);
export type Op = z.infer<typeof Op>;
export type OpType = Op["type"];

/** An op with the id its events will answer (`Submission` in codex-rs). */
export const Submission = z.object({ id: z.string(), op: Op });
export type Submission = z.infer<typeof Submission>;
