/**
 * Loading node-pty (an optional native dependency) for `command/exec` with `tty: true`.
 * A failed load is a value, never a throw: the caller answers its request with a JSON-RPC error.
 */
import { errorMessage } from "./errors.js";

export type PtyModule = typeof import("node-pty");
export type PtyLoad = { ok: true; pty: PtyModule } | { ok: false; error: string };

const loads = new Map<string, Promise<PtyLoad>>();

/** node-pty (or the module named `specifier`), loaded once per specifier. */
export function loadPty(specifier = "node-pty"): Promise<PtyLoad> {
  let load = loads.get(specifier);
  if (!load) {
    load = import(specifier).then(
      (mod: unknown): PtyLoad => {
        const candidate = ((mod as { default?: unknown }).default ?? mod) as Partial<PtyModule> | undefined;
        if (typeof candidate?.spawn !== "function")
          return { ok: false, error: `${specifier} has no spawn function` };
        return { ok: true, pty: candidate as PtyModule };
      },
      (error: unknown): PtyLoad => ({ ok: false, error: errorMessage(error) }),
    );
    loads.set(specifier, load);
  }
  return load;
}
