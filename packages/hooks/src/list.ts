import type { v2 } from "@codex-ts/protocol";
import type { z } from "zod";
import type { ConfiguredHook, HookRegistry } from "./discovery.js";
import { EVENT_TRAITS } from "./events.js";

export type HooksListEntry = z.infer<typeof v2.HooksListEntry>;

/** One hook as hooks/list reports it (v2 `HookMetadata`, command variant). */
export function hookMetadata(hook: ConfiguredHook): v2.HookMetadata {
  return {
    key: hook.key,
    eventName: EVENT_TRAITS[hook.event].wire,
    handlerType: "command",
    command: hook.command,
    async: hook.async,
    matcher: hook.matcher,
    source: hook.source,
    sourcePath: hook.sourcePath,
    pluginId: hook.pluginId,
    environmentId: null,
    displayOrder: hook.displayOrder,
    enabled: hook.enabled,
    isManaged: hook.isManaged,
    currentHash: hook.currentHash,
    trustStatus: hook.trustStatus,
    timeoutSec: hook.timeoutSec,
    statusMessage: hook.statusMessage,
    additionalContextLimit: null,
  };
}

/** Every discovered hook (runnable or not) as hooks/list metadata, in display order. */
export function listHooks(registry: Pick<HookRegistry, "hooks">): v2.HookMetadata[] {
  return registry.hooks.map(hookMetadata);
}

/** One `data[]` entry of a hooks/list response for `cwd`. */
export function hooksListEntry(
  cwd: string,
  registry: Pick<HookRegistry, "hooks" | "warnings" | "errors">,
): HooksListEntry {
  return { cwd, hooks: listHooks(registry), warnings: registry.warnings, errors: registry.errors };
}
