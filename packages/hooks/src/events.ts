import type { v2 } from "@codex-ts/protocol";

/** Hook events this engine runs, spelled as they appear in config.toml and hooks.json. */
export const HOOK_EVENTS = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PostToolUse",
  "Stop",
  "SubagentStart",
  "SubagentStop",
  "PreCompact",
  "PostCompact",
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

/** Facts about one event: how it is keyed, what its matcher filters on, what its output may do. */
interface EventTraits {
  /** snake_case label used in hooks.state keys and in the trust hash. */
  label: string;
  /** camelCase name on the app-server wire (v2 HookEventName). */
  wire: v2.HookEventName;
  /** Whether `matcher` filters this event (otherwise it is ignored and every handler runs). */
  usesMatcher: boolean;
  /** Whether exit code 2 / `decision:"block"` blocks what the event guards. */
  canBlock: boolean;
  /** Whether plain-text stdout on exit 0 becomes model context (as in Codex and Claude Code). */
  plainTextIsContext: boolean;
  /** Whether `hookSpecificOutput.additionalContext` is honoured. */
  acceptsAdditionalContext: boolean;
  scope: "thread" | "turn";
}

export const EVENT_TRAITS: Record<HookEvent, EventTraits> = {
  SessionStart: {
    label: "session_start",
    wire: "sessionStart",
    usesMatcher: true,
    canBlock: false,
    plainTextIsContext: true,
    acceptsAdditionalContext: true,
    scope: "thread",
  },
  UserPromptSubmit: {
    label: "user_prompt_submit",
    wire: "userPromptSubmit",
    usesMatcher: false,
    canBlock: true,
    plainTextIsContext: true,
    acceptsAdditionalContext: true,
    scope: "turn",
  },
  PreToolUse: {
    label: "pre_tool_use",
    wire: "preToolUse",
    usesMatcher: true,
    canBlock: true,
    plainTextIsContext: false,
    acceptsAdditionalContext: true,
    scope: "turn",
  },
  PostToolUse: {
    label: "post_tool_use",
    wire: "postToolUse",
    usesMatcher: true,
    canBlock: true,
    plainTextIsContext: false,
    acceptsAdditionalContext: true,
    scope: "turn",
  },
  Stop: {
    label: "stop",
    wire: "stop",
    usesMatcher: false,
    canBlock: true,
    plainTextIsContext: false,
    acceptsAdditionalContext: false,
    scope: "turn",
  },
  SubagentStart: {
    label: "subagent_start",
    wire: "subagentStart",
    usesMatcher: true,
    canBlock: false,
    plainTextIsContext: false,
    acceptsAdditionalContext: true,
    scope: "thread",
  },
  SubagentStop: {
    label: "subagent_stop",
    wire: "subagentStop",
    usesMatcher: true,
    canBlock: true,
    plainTextIsContext: false,
    acceptsAdditionalContext: false,
    scope: "turn",
  },
  PreCompact: {
    label: "pre_compact",
    wire: "preCompact",
    usesMatcher: true,
    canBlock: false,
    plainTextIsContext: false,
    acceptsAdditionalContext: false,
    scope: "turn",
  },
  PostCompact: {
    label: "post_compact",
    wire: "postCompact",
    usesMatcher: true,
    canBlock: false,
    plainTextIsContext: false,
    acceptsAdditionalContext: false,
    scope: "turn",
  },
};

const EXACT_MATCHER = /^[A-Za-z0-9_|]*$/;

function isMatchAll(matcher: string): boolean {
  return matcher === "" || matcher === "*";
}

/** Returns an error message when `matcher` is neither match-all, an exact `A|B` list, nor a valid regex. */
export function validateMatcher(matcher: string): string | null {
  if (isMatchAll(matcher) || EXACT_MATCHER.test(matcher)) return null;
  try {
    new RegExp(matcher, "u");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Codex matcher semantics: absent, "" or "*" match everything; a matcher made only of word
 * characters and `|` is an exact alternative list ("Edit|Write"); anything else is a regex
 * searched (not anchored) in the input.
 */
export function matcherMatches(matcher: string | null, input: string | null): boolean {
  if (matcher === null || isMatchAll(matcher)) return true;
  if (input === null) return false;
  if (EXACT_MATCHER.test(matcher)) return matcher.split("|").includes(input);
  try {
    return new RegExp(matcher, "u").test(input);
  } catch {
    return false;
  }
}
