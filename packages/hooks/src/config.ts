import * as z from "zod";
import { type HookEvent, isHookEvent } from "./events.js";

/**
 * Config shapes shared by `[hooks]` in config.toml, hooks.json (Claude Code format), managed
 * requirements and plugin manifests: event name → matcher groups → handlers.
 */

export const CommandHandlerConfig = z.object({
  type: z.literal("command"),
  command: z.string(),
  commandWindows: z.string().nullish(),
  timeout: z.number().int().nonnegative().nullish(),
  timeoutSec: z.number().int().nonnegative().nullish(),
  async: z.boolean().optional(),
  statusMessage: z.string().nullish(),
});
export type CommandHandlerConfig = z.infer<typeof CommandHandlerConfig>;

const MatcherGroupShape = z.object({
  matcher: z.string().nullish(),
  hooks: z.array(z.unknown()).default([]),
});

/** `hooks.state.<key>` in the user's config.toml. */
export const HookState = z.object({
  enabled: z.boolean().optional(),
  trusted_hash: z.string().optional(),
});
export type HookState = z.infer<typeof HookState>;

/** One handler as parsed from config, with its position (for the persisted key). */
export interface ParsedHandler {
  event: HookEvent;
  matcher: string | null;
  groupIndex: number;
  handlerIndex: number;
  handler: CommandHandlerConfig;
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Parse an event table (`{ PreToolUse: [ {matcher, hooks: [...]}, … ], … }`). Problems become
 * warnings naming `where`; good handlers next to a bad one still load. Keys listed in `ignoreKeys`
 * (e.g. `state` in config.toml) are skipped.
 */
export function parseHookEvents(
  value: unknown,
  where: string,
  warnings: string[],
  ignoreKeys: readonly string[] = [],
): ParsedHandler[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value)) {
    warnings.push(
      `hooks in ${where} must be a table of events, got ${Array.isArray(value) ? "array" : typeof value}`,
    );
    return [];
  }
  const out: ParsedHandler[] = [];
  for (const [eventName, groups] of Object.entries(value as Record<string, unknown>)) {
    if (ignoreKeys.includes(eventName)) continue;
    if (!isHookEvent(eventName)) {
      warnings.push(`unknown hook event ${JSON.stringify(eventName)} in ${where}`);
      continue;
    }
    if (!Array.isArray(groups)) {
      warnings.push(`hooks.${eventName} in ${where} must be an array of matcher groups`);
      continue;
    }
    groups.forEach((rawGroup, groupIndex) => {
      const group = MatcherGroupShape.safeParse(rawGroup);
      if (!group.success) {
        warnings.push(
          `invalid ${eventName} matcher group #${groupIndex} in ${where}: ${describe(group.error)}`,
        );
        return;
      }
      group.data.hooks.forEach((rawHandler, handlerIndex) => {
        const type =
          typeof rawHandler === "object" && rawHandler !== null
            ? (rawHandler as { type?: unknown }).type
            : undefined;
        if (type !== undefined && type !== "command") {
          warnings.push(
            `skipping ${String(type)} hook in ${where} (${eventName}): only command hooks are supported`,
          );
          return;
        }
        const handler = CommandHandlerConfig.safeParse(rawHandler);
        if (!handler.success) {
          warnings.push(
            `invalid ${eventName} hook #${groupIndex}.${handlerIndex} in ${where}: ${describe(handler.error)}`,
          );
          return;
        }
        if (handler.data.command.trim() === "") {
          warnings.push(`skipping empty hook command in ${where} (${eventName})`);
          return;
        }
        out.push({
          event: eventName,
          matcher: group.data.matcher ?? null,
          groupIndex,
          handlerIndex,
          handler: handler.data,
        });
      });
    });
  }
  // Codex reads a source into fixed per-event fields, so its handlers come out in that order
  // whatever the file's key order (hooks/list's displayOrder shows it).
  const rank = (event: HookEvent) => CODEX_EVENT_ORDER.indexOf(event);
  return out.sort((a, b) => rank(a.event) - rank(b.event));
}

/** The event order of Codex 0.169's hook config (PermissionRequest, not supported here, sits second). */
const CODEX_EVENT_ORDER: readonly HookEvent[] = [
  "PreToolUse",
  "PostToolUse",
  "PreCompact",
  "PostCompact",
  "SessionStart",
  "UserPromptSubmit",
  "SubagentStart",
  "SubagentStop",
  "Stop",
];

/**
 * A hooks.json file: `{ "hooks": { … } }` (Claude Code / Codex). A bare event table is accepted
 * too, as plugin manifests sometimes inline it.
 */
export function parseHooksFile(value: unknown, where: string, warnings: string[]): ParsedHandler[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    warnings.push(`hooks file ${where} must contain a JSON object`);
    return [];
  }
  const record = value as Record<string, unknown>;
  if ("hooks" in record) return parseHookEvents(record.hooks, where, warnings);
  return parseHookEvents(record, where, warnings, ["description"]);
}

/** `hooks.state` of one config layer, ignoring malformed entries (as Codex does). */
export function parseHookStates(config: unknown): Record<string, HookState> {
  const hooks = (config as { hooks?: unknown } | null | undefined)?.hooks;
  const state = (hooks as { state?: unknown } | null | undefined)?.state;
  if (typeof state !== "object" || state === null || Array.isArray(state)) return {};
  const out: Record<string, HookState> = {};
  for (const [key, value] of Object.entries(state as Record<string, unknown>)) {
    const parsed = HookState.safeParse(value);
    if (parsed.success && key.trim() !== "") out[key.trim()] = parsed.data;
  }
  return out;
}

/** Later states win field by field. */
export function mergeHookStates(...layers: Record<string, HookState>[]): Record<string, HookState> {
  const out: Record<string, HookState> = {};
  for (const layer of layers) {
    for (const [key, state] of Object.entries(layer)) {
      const merged = { ...out[key] };
      if (state.enabled !== undefined) merged.enabled = state.enabled;
      if (state.trusted_hash !== undefined) merged.trusted_hash = state.trusted_hash;
      out[key] = merged;
    }
  }
  return out;
}
