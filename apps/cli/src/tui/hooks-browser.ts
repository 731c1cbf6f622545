/**
 * The /hooks browser's actions: list the working folder's hooks (`hooks/list`), and write a
 * hook's user state as Codex does — `hooks.state."<key>".enabled` and `.trusted_hash` in the
 * user's config.toml through `config/batchWrite`; the app-server applies it to open threads.
 */
import type { v2 } from "@codex-ts/protocol";
import { type Controller, errorText } from "./controller.js";

export async function openHooks(controller: Controller): Promise<void> {
  const cwd = controller.cwd;
  const listed = await controller.client.request("hooks/list", { cwds: [cwd] });
  const entry = listed.data.find((e) => e.cwd === cwd) ?? listed.data[0];
  controller.store.dispatch({
    type: "hooks",
    hooks: {
      hooks: [...(entry?.hooks ?? [])].sort((a, b) => a.displayOrder - b.displayOrder),
      warnings: entry?.warnings ?? [],
      errors: (entry?.errors ?? []).map((e) => `${e.path}: ${e.message}`),
    },
  });
}

export function closeHooks(controller: Controller): void {
  controller.store.dispatch({ type: "hooks", hooks: null });
}

/** Turns a hook on or off (user-level state); managed hooks cannot be changed. */
export function setHookEnabled(
  controller: Controller,
  hook: v2.HookMetadata,
  enabled: boolean,
): Promise<void> {
  return writeHookState(controller, hook, "enabled", enabled);
}

/** Trusts the hook's current definition (its hash), so an untrusted or modified hook may run. */
export function trustHook(controller: Controller, hook: v2.HookMetadata): Promise<void> {
  return writeHookState(controller, hook, "trusted_hash", hook.currentHash);
}

async function writeHookState(
  controller: Controller,
  hook: v2.HookMetadata,
  field: "enabled" | "trusted_hash",
  value: boolean | string,
): Promise<void> {
  if (hook.isManaged) {
    controller.cell({
      kind: "warning",
      text: "This hook is managed by your administrator and cannot be changed.",
    });
    return;
  }
  try {
    await controller.client.request("config/batchWrite", {
      edits: [
        { keyPath: `hooks.state.${JSON.stringify(hook.key)}.${field}`, value, mergeStrategy: "upsert" },
      ],
      reloadUserConfig: true,
    });
  } catch (error) {
    controller.cell({ kind: "error", text: `/hooks: ${errorText(error)}` });
  }
  await openHooks(controller);
}
