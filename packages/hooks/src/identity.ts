import { createHash } from "node:crypto";
import { EVENT_TRAITS, type HookEvent } from "./events.js";

export const DEFAULT_TIMEOUT_SEC = 600;

/** The parts of a command handler that define what it is (and so what a user trusted). */
export interface NormalizedCommand {
  event: HookEvent;
  /** Effective matcher (null for events that ignore matchers). */
  matcher: string | null;
  command: string;
  timeoutSec: number;
  async: boolean;
  statusMessage: string | null;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Trust hash of a handler, computed as Codex does: the normalised identity
 * `{event_name, matcher?, hooks: [{type, command, timeout, async, statusMessage?}]}` with absent
 * fields omitted, keys sorted, compact JSON, SHA-256 → `sha256:<hex>`. It depends only on the
 * definition, so the same hook written in config.toml or hooks.json hashes the same, and a trusted
 * hash written by real Codex stays valid here.
 */
export function hookHash(hook: NormalizedCommand): string {
  const handler: Record<string, unknown> = {
    type: "command",
    command: hook.command,
    timeout: hook.timeoutSec,
    async: hook.async,
  };
  if (hook.statusMessage !== null) handler.statusMessage = hook.statusMessage;
  const identity: Record<string, unknown> = { event_name: EVENT_TRAITS[hook.event].label, hooks: [handler] };
  if (hook.matcher !== null) identity.matcher = hook.matcher;
  const json = JSON.stringify(canonical(identity));
  return `sha256:${createHash("sha256").update(json).digest("hex")}`;
}

/** Persisted key of a handler in `hooks.state`: `<keySource>:<event_label>:<group>:<handler>`. */
export function hookKey(
  keySource: string,
  event: HookEvent,
  groupIndex: number,
  handlerIndex: number,
): string {
  return `${keySource}:${EVENT_TRAITS[event].label}:${groupIndex}:${handlerIndex}`;
}
