/**
 * Conversions between core shapes (snake_case events, items, settings) and app-server v2 shapes.
 */
import {
  coreSandboxPolicyToV2,
  type EventMsg,
  type PermissionProfile,
  type RolloutLine,
  permissionProfileToSandboxPolicy,
  sandboxPolicyToPermissionProfileForCwd,
  v2SandboxPolicyToCore,
  type v2,
} from "@codex-ts/protocol";
import { reconstructThread } from "@codex-ts/rollout";

type CoreThreadSettings = Extract<EventMsg, { type: "thread_settings_applied" }>["thread_settings"];
type CoreUserInput = Extract<EventMsg, { type: "item_started" }>["item"] extends infer I
  ? I extends { type: "UserMessage"; content: infer C }
    ? C extends (infer U)[]
      ? U
      : never
    : never
  : never;

/** v2 `UserInput` (camelCase) → core `UserInput` (snake_case). Audio inputs are not supported. */
export function toCoreUserInput(input: v2.UserInput): CoreUserInput | { error: string } {
  switch (input.type) {
    case "text":
      return {
        type: "text",
        text: input.text,
        text_elements: (input.text_elements ?? []).map((element) => ({
          byte_range: element.byteRange,
          ...(element.placeholder ? { placeholder: element.placeholder } : {}),
        })),
      } as CoreUserInput;
    case "image": {
      const url = (input as { url?: string | null }).url;
      if (!url) return { error: "image input needs a url" };
      return { type: "image", image_url: url, ...(input.detail ? { detail: input.detail } : {}) } as CoreUserInput;
    }
    case "localImage":
      return { type: "local_image", path: input.path, ...(input.detail ? { detail: input.detail } : {}) } as CoreUserInput;
    case "skill":
      return { type: "skill", name: input.name, path: input.path } as CoreUserInput;
    case "mention":
      return { type: "mention", name: input.name, path: input.path } as CoreUserInput;
    default:
      return { error: `input type ${input.type} is not supported by this server` };
  }
}

export function sandboxPolicyToProfile(policy: v2.SandboxPolicy, cwd: string): PermissionProfile {
  return sandboxPolicyToPermissionProfileForCwd(v2SandboxPolicyToCore(policy), cwd);
}

export function profileToV2SandboxPolicy(profile: PermissionProfile, cwd: string): v2.SandboxPolicy {
  const result = permissionProfileToSandboxPolicy(profile, cwd);
  return result.ok ? (coreSandboxPolicyToV2(result.policy) as v2.SandboxPolicy) : { type: "readOnly", networkAccess: false };
}

/** Core approval policy → the stable v2 set (`on-failure` is deprecated and reads as `on-request`). */
export function toV2ApprovalPolicy(policy: unknown): v2.AskForApproval {
  if (policy === "on-failure") return "on-request";
  if (policy === "untrusted" || policy === "on-request" || policy === "never") return policy;
  if (typeof policy === "object" && policy !== null && "granular" in policy) return policy as v2.AskForApproval;
  return "on-request";
}

/** Core thread settings → v2 `ThreadSettings`. */
export function toV2ThreadSettings(settings: CoreThreadSettings): Record<string, unknown> {
  const mode = settings.collaboration_mode;
  return {
    model: settings.model,
    modelProvider: settings.model_provider_id,
    serviceTier: settings.service_tier ?? null,
    cwd: settings.cwd,
    approvalPolicy: toV2ApprovalPolicy(settings.approval_policy),
    approvalsReviewer: settings.approvals_reviewer ?? "user",
    sandboxPolicy: profileToV2SandboxPolicy(settings.permission_profile, settings.cwd),
    collaborationMode: mode
      ? (mode as unknown as unknown)
      : {
          mode: "default",
          settings: { model: settings.model, reasoning_effort: settings.reasoning_effort ?? null, developer_instructions: null },
        },
    effort: settings.reasoning_effort ?? null,
    summary: (settings.reasoning_summary as string) ?? null,
    personality: settings.personality ?? null,
    disabledPluginIds: settings.disabled_plugin_ids ?? [],
    activePermissionProfile: null,
  };
}

/**
 * One core item event as a v2 `ThreadItem`, using the rollout package's reconstruction so live
 * notifications and `thread/read` agree. `null` when the item has no v2 form.
 */
export function itemEventToV2(event: Extract<EventMsg, { type: "item_started" | "item_completed" }>): v2.ThreadItem | null {
  const timestamp = new Date().toISOString();
  const lines = [
    { timestamp, type: "event_msg", payload: { type: "task_started", turn_id: event.turn_id, model_context_window: null, collaboration_mode_kind: "default" } },
    { timestamp, type: "event_msg", payload: event },
  ] as unknown as RolloutLine[];
  const { turns } = reconstructThread(lines, { activeTurnId: event.turn_id });
  return turns[0]?.items[0] ?? null;
}

type TokenUsage = { input_tokens: number; cached_input_tokens: number; output_tokens: number; reasoning_output_tokens: number; total_tokens: number };

export function toV2TokenBreakdown(usage: Partial<TokenUsage> | undefined | null): v2.TokenUsageBreakdown {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    cachedInputTokens: usage?.cached_input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    reasoningOutputTokens: usage?.reasoning_output_tokens ?? 0,
    totalTokens: usage?.total_tokens ?? 0,
  } as v2.TokenUsageBreakdown;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A core rate-limit snapshot (snake_case) → v2 `RateLimitSnapshot` (camelCase keys, recursively).
 * Every field is there, null when unknown; the limit id defaults to Codex's own ("codex"), as real
 * 0.169 reports a response that carried no rate-limit headers (`{}` gives that sparse snapshot).
 */
export function toV2RateLimits(snapshot: unknown): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), convert(v)]));
    }
    return value;
  };
  const out = convert(snapshot) as Record<string, unknown>;
  // v2's RateLimitWindow: an integer `usedPercent` and `windowDurationMins` (core: window_minutes).
  const window = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return null;
    const w = value as { usedPercent?: unknown; windowMinutes?: unknown; resetsAt?: unknown };
    return {
      usedPercent: typeof w.usedPercent === "number" ? Math.round(w.usedPercent) : 0,
      windowDurationMins: typeof w.windowMinutes === "number" ? w.windowMinutes : null,
      resetsAt: typeof w.resetsAt === "number" ? w.resetsAt : null,
    };
  };
  return {
    limitId: out.limitId ?? "codex",
    limitName: out.limitName ?? null,
    normalModelSlug: out.normalModelSlug ?? null,
    primary: window(out.primary),
    secondary: window(out.secondary),
    credits: out.credits ?? null,
    individualLimit: out.individualLimit ?? null,
    spendControlReached: out.spendControlReached ?? null,
    planType: out.planType ?? null,
    rateLimitReachedType: out.rateLimitReachedType ?? null,
  };
}

export const planStatus = (status: string): string => (status === "in_progress" ? "inProgress" : status);

/**
 * The experimental `environments` of a v2 Thread, as Codex 0.169 answers an experimentalApi client:
 * the one local environment with its cwd and runtime workspace roots.
 */
export function withEnvironment(
  thread: v2.Thread,
  cwd: string,
  runtimeWorkspaceRoots: readonly string[],
): v2.Thread {
  const environments = [{ environmentId: "local", cwd, runtimeWorkspaceRoots: [...runtimeWorkspaceRoots] }];
  return { ...thread, environments } as v2.Thread;
}
