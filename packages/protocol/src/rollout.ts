import * as z from "zod";
import { EventMsg, KNOWN_EVENT_MSG_TYPES } from "./core/events.js";
import { ActivePermissionProfile, ApprovalsReviewer, AskForApproval, CollaborationMode } from "./core/policy.js";
import { describeZodError } from "./jsonrpc.js";
import { CoreSandboxPolicy, PermissionProfile } from "./permissions.js";
import { omittableField, ResponseItem } from "./responses.js";

/**
 * Rollout (session file) lines, exactly as Codex writes them: one JSON object per line,
 * `{"timestamp", "ordinal"?, "type", "payload", "metadata"?}`, with `type` one of
 * `session_meta` (always first), `response_item`, `event_msg`, `turn_context`, `compacted`,
 * `world_state`, `token_usage_record`, `inter_agent_communication(_metadata)`.
 *
 * Reading is tolerant (`parseRolloutLine`): unknown line types and unknown event types are
 * reported as `skipped`, never thrown; legacy shapes are upgraded (string
 * `custom_tool_call_output`, untagged permission profiles, `none` filesystem access → `deny`,
 * numeric `compacted.window_id` → `window_number`). `session_meta` and `turn_context` keep
 * fields this version does not know, so copying a rollout (fork) loses nothing.
 */

/** `{text}` wrapper Codex stores base instructions in. */
export const BaseInstructions = z.object({ text: z.string() });
export type BaseInstructions = z.infer<typeof BaseInstructions>;

export const GitInfo = z.looseObject({
  commit_hash: omittableField(z.string()),
  branch: omittableField(z.string()),
  repository_url: omittableField(z.string()),
});
export type GitInfo = z.infer<typeof GitInfo>;

/** First line of every rollout: who/where/what created the thread. */
export const SessionMeta = z.looseObject({
  /** Thread id (a UUID, v7 in recent Codex). */
  id: z.string(),
  /** Session id; equals `id` for a root thread in Codex 0.169. */
  session_id: omittableField(z.string()),
  forked_from_id: omittableField(z.string()),
  parent_thread_id: omittableField(z.string()),
  /** ISO-8601 creation time. */
  timestamp: z.string(),
  cwd: z.string(),
  originator: z.string().default(""),
  cli_version: z.string().default(""),
  /** `cli`, `vscode`, `exec`, `mcp`, `app_server`…, or an object for sub-agents/custom sources. */
  source: z.union([z.string(), z.record(z.string(), z.unknown())]).default("vscode"),
  /** Analytics classification, e.g. `user`. */
  thread_source: omittableField(z.string()),
  agent_nickname: omittableField(z.string()),
  agent_role: omittableField(z.string()),
  agent_path: omittableField(z.string()),
  model_provider: omittableField(z.string()),
  base_instructions: omittableField(BaseInstructions),
  dynamic_tools: omittableField(z.array(z.unknown())),
  history_mode: omittableField(z.string()),
  runtime_workspace_roots: omittableField(z.array(z.string())),
  git: omittableField(GitInfo),
});
export type SessionMeta = z.infer<typeof SessionMeta>;

/** Per-turn settings snapshot (what the model ran with), written before the turn's model input. */
export const TurnContextItem = z.looseObject({
  turn_id: omittableField(z.string()),
  cwd: z.string(),
  approval_policy: AskForApproval,
  approvals_reviewer: omittableField(ApprovalsReviewer),
  sandbox_policy: omittableField(CoreSandboxPolicy),
  permission_profile: omittableField(PermissionProfile),
  active_permission_profile: omittableField(ActivePermissionProfile),
  model: z.string(),
  effort: omittableField(z.string()),
  summary: omittableField(z.string()),
  collaboration_mode: omittableField(CollaborationMode),
  personality: omittableField(z.string()),
  user_instructions: omittableField(z.string()),
  developer_instructions: omittableField(z.string()),
});
export type TurnContextItem = z.infer<typeof TurnContextItem>;

/**
 * A compaction checkpoint: `message` is the summary; `replacement_history` (when present) is the
 * whole model-visible history after compaction. A numeric `window_id` (older Codex) reads as
 * `window_number`.
 */
export const CompactedItem = z.preprocess(
  (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    if (typeof record.window_id !== "number") return value;
    const { window_id, ...rest } = record;
    return { ...rest, window_number: rest.window_number ?? window_id };
  },
  z.object({
    message: z.string(),
    replacement_history: omittableField(z.array(ResponseItem)),
    window_number: omittableField(z.number().int().nonnegative()),
    first_window_id: omittableField(z.string()),
    previous_window_id: omittableField(z.string()),
    window_id: omittableField(z.string()),
  }),
);
export type CompactedItem = z.infer<typeof CompactedItem>;

/** Opaque snapshot of the instructions/environment baseline (Codex 0.169). */
export const WorldStateItem = z.looseObject({ full: omittableField(z.boolean()), state: z.unknown() });
export type WorldStateItem = z.infer<typeof WorldStateItem>;

/** Per-response token accounting record (Codex 0.169); kept opaque beyond its ids. */
export const TokenUsageRecordItem = z.looseObject({
  thread_id: omittableField(z.string()),
  turn_id: omittableField(z.string()),
  response_id: omittableField(z.string()),
});
export type TokenUsageRecordItem = z.infer<typeof TokenUsageRecordItem>;

const lineCommon = {
  /** ISO-8601 UTC with milliseconds, e.g. `2026-11-21T13:25:18.550Z`. */
  timestamp: z.string(),
  /** 0-based position in the file (Codex 0.169 writes it; older files do not). */
  ordinal: omittableField(z.number().int().nonnegative()),
  /** Codex-internal bookkeeping next to the payload (history sequence numbers…); kept opaque. */
  metadata: omittableField(z.unknown()),
};

const line = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ ...lineCommon, type: z.literal(type), payload });

export const RolloutLine = z.discriminatedUnion("type", [
  line("session_meta", SessionMeta),
  line("response_item", ResponseItem),
  line("event_msg", EventMsg),
  line("turn_context", TurnContextItem),
  line("compacted", CompactedItem),
  line("world_state", WorldStateItem),
  line("token_usage_record", TokenUsageRecordItem),
  line("inter_agent_communication", z.looseObject({})),
  line("inter_agent_communication_metadata", z.looseObject({ trigger_turn: omittableField(z.boolean()) })),
]);
export type RolloutLine = z.infer<typeof RolloutLine>;
export type RolloutItemType = RolloutLine["type"];

/** A rollout item without its line envelope (`{type, payload}`). */
export type RolloutItem = RolloutLine extends infer L
  ? L extends { type: infer T; payload: infer P }
    ? { type: T; payload: P }
    : never
  : never;

const KNOWN_LINE_TYPES: ReadonlySet<string> = new Set(RolloutLine.options.map((option) => option.shape.type.value));

export type ParsedRolloutLine =
  | { kind: "line"; line: RolloutLine }
  /** Well-formed JSON this version does not model (unknown line or event type); skip it. */
  | { kind: "skipped"; type: string; reason: string }
  | { kind: "invalid"; reason: string };

/**
 * Parses one rollout line (the text or an already-decoded value). Never throws.
 */
export function parseRolloutLine(input: unknown): ParsedRolloutLine {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return { kind: "invalid", reason: "not valid JSON" };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", reason: "a rollout line must be a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type !== "string") return { kind: "invalid", reason: "rollout line has no string `type`" };
  if (!KNOWN_LINE_TYPES.has(record.type)) {
    return { kind: "skipped", type: record.type, reason: `unknown rollout line type \`${record.type}\`` };
  }
  if (record.type === "event_msg") {
    const payload = record.payload as { type?: unknown } | null | undefined;
    const eventType = typeof payload?.type === "string" ? payload.type : undefined;
    if (eventType !== undefined && !KNOWN_EVENT_MSG_TYPES.has(eventType)) {
      return { kind: "skipped", type: `event_msg:${eventType}`, reason: `unknown event type \`${eventType}\`` };
    }
  }
  const parsed = RolloutLine.safeParse(record);
  if (!parsed.success) return { kind: "invalid", reason: `${record.type}: ${describeZodError(parsed.error)}` };
  return { kind: "line", line: parsed.data };
}

/** Canonical rollout timestamp: ISO-8601 UTC with milliseconds. */
export function formatRolloutTimestamp(date: Date): string {
  return date.toISOString();
}

/** Serializes one line canonically (no trailing newline). */
export function serializeRolloutLine(value: RolloutLine): string {
  const { timestamp, ordinal, type, payload, metadata } = value;
  return JSON.stringify({ timestamp, ordinal, type, payload, metadata });
}
